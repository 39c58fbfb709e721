"""`stackline serve`: migrate, seed an empty database, keep a secret, run gunicorn's processes
with the buffering worker of `stackline.cli.worker` in each."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import click
from gunicorn.app.base import BaseApplication
from limits.errors import StorageError
from limits.storage import storage_from_string
from sqlalchemy.engine import make_url

from stackline.config import database_url, settings_from_environment
from stackline.services.runtime import is_empty, load_bundled_datasets, load_seed, open_database
from stackline.store.database import shown_url
from stackline.web.extensions import rate_limit_storage_options


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """Gunicorn with our settings; each worker builds its own app (and database engine)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from stackline.web import create_app

        return create_app({"MIGRATE_ON_START": False})


def secret_file_for(url: str) -> Path | None:
    """Where `serve` keeps the secret: beside the SQLite file (None for server databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database).resolve().with_suffix(".secret")


def ensure_secret(url: str) -> None:
    """Use STACKLINE_SECRET_KEY, else a secret kept beside the SQLite file (made once)."""
    if os.environ.get("STACKLINE_SECRET_KEY"):
        return
    path = secret_file_for(url)
    if path is None:
        click.echo("error: set STACKLINE_SECRET_KEY to serve from a database server", err=True)
        sys.exit(1)
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        click.echo(f"generated a secret key in {path}", err=True)
    os.environ["STACKLINE_SECRET_KEY"] = path.read_text().strip()


def check_rate_limit_store(uri: str) -> None:
    """Stop the start, in words, when the store of the login limit does not answer: every
    sign-in would be refused (503) until it does."""
    try:
        answers = bool(storage_from_string(uri, **rate_limit_storage_options(uri)).check())
    except (StorageError, OSError, ValueError) as error:
        answers, cause = False, f" ({error})"
    else:
        cause = ""
    if not answers:
        shown = make_url(uri).render_as_string(hide_password=True) if "://" in uri else uri
        click.echo(
            f"error: the login limit's store at {shown} does not answer{cause}; start it, or "
            "fix STACKLINE_RATELIMIT_STORAGE_URI",
            err=True,
        )
        sys.exit(1)


def run_server(host: str, port: int, threads: int, workers: int = 1, datasets: bool = True) -> None:
    settings = settings_from_environment()  # a bad setting stops here, before any worker starts
    storage = str(settings.get("RATELIMIT_STORAGE_URI") or "memory://")
    if workers > 1 and storage.startswith("memory://"):
        click.echo(
            f"warning: {workers} workers count login attempts apart (memory storage); set "
            "STACKLINE_RATELIMIT_STORAGE_URI=redis://… so the login limit holds across them",
            err=True,
        )
    check_rate_limit_store(storage)
    url = database_url()
    click.echo(f"database: {shown_url(url)}", err=True)
    engine = open_database(url)
    try:
        if is_empty(engine):
            report = load_seed(engine)
            click.echo(f"loaded the seed timeline: {report.created} events", err=True)
            if datasets:
                loaded = load_bundled_datasets(engine)
                click.echo(
                    f"loaded Epoch AI's snapshot of {loaded.snapshot} (CC BY 4.0): "
                    f"{loaded.written} events",
                    err=True,
                )
    finally:
        engine.dispose()
    ensure_secret(url)
    os.environ.setdefault("STACKLINE_DATABASE_URL", url)
    click.echo(f"serving on http://{host}:{port}", err=True)
    _Gunicorn({
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        "worker_class": "stackline.cli.worker.BufferingWorker", "accesslog": "-", "timeout": 60, "graceful_timeout": 10,
        "control_socket_disable": True,
    }).run()  # fmt: skip
