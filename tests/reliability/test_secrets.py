"""Secrets (DESIGN §5, §6), checked on real processes and the tables they leave behind.

Passwords and API tokens are stored only as hashes: not in any table, not in the SQLite files,
not in the server's log. And there is no production start without a secret key: `stackline
serve` on SQLite makes a private one beside the database file once and keeps it (sessions
outlive a restart); on PostgreSQL it refuses to start without STACKLINE_SECRET_KEY; the app
factory itself — under gunicorn too — refuses to build without one. Nor does `serve` start
when the store of its login limit (Redis) does not answer: sign-in would fail on every attempt.
"""

from __future__ import annotations

import hashlib
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from werkzeug.security import check_password_hash

from stackline.store.tables import api_tokens, metadata, users
from tests.conftest import reset_postgres
from tests.integration.builders import launched
from tests.reliability.figures import SuiteFigures
from tests.reliability.server import EDITOR, Deployment, editor_and_token
from tests.reliability.web_client import Visitor, post_event

# --- secrets at rest ---


def every_stored_value(live: Deployment) -> str:
    """Every row of every table, as text."""
    rows = []
    with live.engine.connect() as connection:
        for table in [*metadata.sorted_tables]:
            rows += [repr(tuple(row)) for row in connection.execute(select(table))]
        rows += [
            repr(tuple(row)) for row in connection.execute(text("SELECT * FROM alembic_version"))
        ]
    return "\n".join(rows)


def database_files(live: Deployment) -> list[Path]:
    if make_url(live.database_url).get_backend_name() != "sqlite":
        return []
    database = Path(make_url(live.database_url).database or "")
    return [p for p in (database, database.with_name(database.name + "-wal")) if p.exists()]


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    """A server whose editor has signed in and whose token has written an event."""
    deployment = Deployment.create(tmp_path / "stackline", database_url)
    try:
        editor_and_token(deployment, *EDITOR)
        server = deployment.serve()
        assert Visitor(server.base_url).login(*EDITOR).status == 302
        written = launched("model", "openai", "Written with a token", "2026-05")
        assert post_event(server.base_url, deployment.token, written).status == 201
        yield deployment
    finally:
        deployment.close()


def test_passwords_and_tokens_are_stored_only_as_hashes(
    live: Deployment, figures: SuiteFigures
) -> None:
    password, token = EDITOR[1], live.token
    with live.engine.connect() as connection:
        [user] = connection.execute(select(users).where(users.c.name == EDITOR[0])).all()
        token_rows = connection.execute(select(api_tokens)).all()

    assert user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, password)
    assert hashlib.sha256(token.encode()).hexdigest() in {row.token_hash for row in token_rows}
    stored = every_stored_value(live)
    assert password not in stored and token not in stored
    for path in database_files(live):
        raw = path.read_bytes()
        assert password.encode() not in raw and token.encode() not in raw, path
    log = live.server.log()
    assert password not in log and token not in log
    figures.add(inputs_tried=2, events_written=1)


# --- the secret key ---


def test_serve_generates_a_private_secret_beside_the_sqlite_file_and_keeps_it_across_restarts(
    tmp_path: Path, figures: SuiteFigures
) -> None:
    deployment = Deployment.create(
        tmp_path / "secretless",
        f"sqlite:///{tmp_path / 'secretless' / 'stackline.db'}",
        secret=False,
    )
    try:
        editor_and_token(deployment, *EDITOR)
        first = deployment.serve()
        secret_file = tmp_path / "secretless" / "stackline.secret"
        secret = secret_file.read_text()
        visitor = Visitor(first.base_url)
        assert visitor.login(*EDITOR).status == 302
        first.stop()

        second = deployment.serve()
        visitor.base_url = second.base_url

        assert "generated a secret key" in first.log()
        assert secret_file.stat().st_mode & 0o777 == 0o600
        assert re.fullmatch(r"[0-9a-f]{64}", secret.strip())
        assert secret_file.read_text() == secret and "generated" not in second.log()
        assert visitor.get("/events/new").status == 200  # the session outlived the restart
        assert secret.strip() not in first.log() + second.log()
    finally:
        deployment.close()
    figures.add(inputs_tried=1)


def test_serve_on_postgresql_without_a_secret_key_refuses_to_start(
    second_postgres_url: str, tmp_path: Path, figures: SuiteFigures
) -> None:
    reset_postgres(second_postgres_url)
    deployment = Deployment.create(tmp_path / "secretless", second_postgres_url, secret=False)
    try:
        server = deployment.serve(wait=False)
        status = server.wait_for_exit(timeout=90)
        said = server.log()
    finally:
        deployment.close()
    figures.add(inputs_tried=1)

    assert status == 1, said
    assert "set STACKLINE_SECRET_KEY" in said


def test_the_app_factory_without_a_secret_key_refuses_to_build(
    tmp_path: Path, figures: SuiteFigures
) -> None:
    deployment = Deployment.create(
        tmp_path / "factory", f"sqlite:///{tmp_path / 'factory' / 'stackline.db'}", secret=False
    )
    code = "from stackline.web import create_app; create_app()"

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=deployment.directory,
        env=deployment.env, timeout=120, check=False,
    )  # fmt: skip
    figures.add(inputs_tried=1)

    assert done.returncode != 0
    assert "RuntimeError" in done.stderr and "STACKLINE_SECRET_KEY" in done.stderr


def test_gunicorn_serving_the_app_factory_without_a_secret_key_stops_without_answering(
    tmp_path: Path, figures: SuiteFigures
) -> None:
    deployment = Deployment.create(
        tmp_path / "gunicorn", f"sqlite:///{tmp_path / 'gunicorn' / 'stackline.db'}", secret=False
    )
    argv = [
        sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:{port}", "--workers", "1",
        "stackline.web:create_app()",
    ]  # fmt: skip
    try:
        server = deployment.launch(argv, wait=False)
        status = server.wait_for_exit(timeout=90)
        said = server.log()
    finally:
        deployment.close()
    figures.add(inputs_tried=1)

    assert status not in (None, 0), said
    assert "STACKLINE_SECRET_KEY" in said
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()


def test_serve_with_its_rate_limit_store_unreachable_refuses_to_start_saying_so(
    tmp_path: Path, figures: SuiteFigures
) -> None:
    deployment = Deployment.create(
        tmp_path / "no-redis", f"sqlite:///{tmp_path / 'no-redis' / 'stackline.db'}",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1",  # nothing listens on port 1
    )  # fmt: skip
    try:
        server = deployment.serve(wait=False)
        status = server.wait_for_exit(timeout=90)
        said = server.log()
    finally:
        deployment.close()
    figures.add(inputs_tried=1)

    assert status not in (None, 0), said
    assert "STACKLINE_RATELIMIT_STORAGE_URI" in said and "does not answer" in said
    assert "Traceback" not in said
