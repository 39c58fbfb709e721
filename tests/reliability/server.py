"""Real `stackline` processes for the reliability suites.

A `Deployment` is a private working directory, database and environment: the CLI runs against
it, `serve` starts on a free 127.0.0.1 port (and can be crashed, restarted and stopped), and the
test can look at its tables directly. Process handling follows tests/browser/conftest.py and
reuses its helpers; here each server gets its own process group, so a SIGKILL takes the gunicorn
master and its workers down together, as a crash would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from stackline.store.database import make_engine
from stackline.store.tables import events
from stackline.store.units_of_work import Database
from tests.browser.conftest import STOP_TIMEOUT_S, _answers, _free_port, _stackline_command
from tests.conftest import reset_postgres
from tests.pace import scaled

SECRET = "reliability-tests-" + "0123456789abcdef" * 4
EDITOR = ("editor", "reliability-password-1")
START_TIMEOUT_S = scaled(90.0)  # a loaded two-core machine migrates and seeds slowly
CLI_TIMEOUT_S = scaled(240.0)


@dataclass
class Server:
    """One server process group (`stackline serve`: a gunicorn master and its workers)."""

    deployment: Deployment
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def running(self) -> bool:
        return self.process.poll() is None

    def wait_for_exit(self, timeout: float) -> int | None:
        """The exit status, or None when it is still running after `timeout` seconds."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(self.base_url + "/healthz"):
            if not self.running():
                pytest.fail(
                    f"`stackline serve` exited with {self.process.returncode}:\n{self.log()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"`stackline serve` did not answer in {START_TIMEOUT_S:.0f} s:\n{self.log()}"
                )
            time.sleep(0.1)

    def crash(self) -> None:
        """SIGKILL the master and every worker at once: no shutdown code runs."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_S)

    def stop(self) -> None:
        """Terminate gracefully (the master stops its workers); kill the process group if it
        does not go in time."""
        if self.running():
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.crash()


@dataclass
class Deployment:
    """A private directory, database and environment for `stackline` commands and servers."""

    directory: Path
    database_url: str
    env: dict[str, str]
    servers: list[Server] = field(default_factory=list)
    token: str = ""  # an API token, once `editor_and_token` has made one
    _engine: Engine | None = None

    @classmethod
    def create(
        cls, directory: Path, database_url: str, *, secret: bool = True, **settings: str
    ) -> Deployment:
        """`settings` become `STACKLINE_<NAME>` variables (e.g. LOGIN_RATE_LIMIT)."""
        directory.mkdir(parents=True, exist_ok=True)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("STACKLINE_") and k != "FLASK_DEBUG"
        }
        env.update(
            STACKLINE_DATABASE_URL=database_url,
            XDG_RUNTIME_DIR=str(directory),  # gunicorn's per-user paths stay private
            PYTHONUNBUFFERED="1",
        )
        if secret:
            env["STACKLINE_SECRET_KEY"] = SECRET
        env.update({f"STACKLINE_{name}": value for name, value in settings.items()})
        return cls(directory, database_url, env)

    @property
    def server(self) -> Server:
        """The server started last."""
        assert self.servers, "no server was started"
        return self.servers[-1]

    def command(self, *args: str) -> list[str]:
        return [*_stackline_command(), *args]

    def cli(
        self, *args: str, stdin: str = "", timeout: float = CLI_TIMEOUT_S
    ) -> subprocess.CompletedProcess[str]:
        """`stackline ARGS…` against this database, whatever its exit status."""
        return subprocess.run(
            self.command(*args),
            input=stdin,
            capture_output=True,
            text=True,
            cwd=self.directory,
            env=self.env,
            timeout=timeout,
            check=False,
        )

    def cli_ok(self, *args: str, stdin: str = "", timeout: float = CLI_TIMEOUT_S) -> str:
        done = self.cli(*args, stdin=stdin, timeout=timeout)
        if done.returncode != 0:
            pytest.fail(
                f"`stackline {' '.join(args)}` exited with {done.returncode}:\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def spawn(self, *args: str, output: Path) -> subprocess.Popen[bytes]:
        """Start `stackline ARGS…` in the background, stdout and stderr into `output`."""
        with output.open("wb") as sink:
            return subprocess.Popen(
                self.command(*args),
                cwd=self.directory,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def launch(self, argv: list[str], wait: bool = True) -> Server:
        """Start a server process (`argv` binds the port it is given, formatted in as {port})
        in its own process group; it is stopped by `close`. With `wait`, it must answer."""
        port = _free_port()
        log_path = self.directory / f"server-{len(self.servers)}-{port}.log"
        with log_path.open("wb") as sink:
            process = subprocess.Popen(
                [part.format(port=port) for part in argv],
                cwd=self.directory,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(self, port, process, log_path)
        self.servers.append(server)
        if wait:
            server.wait_until_answering()
        return server

    def serve(self, workers: int = 1, threads: int = 8, wait: bool = True) -> Server:
        """`stackline serve` on 127.0.0.1 (it migrates and seeds an empty database)."""
        return self.launch(
            self.command(
                "serve", "--host", "127.0.0.1", "--port", "{port}", "--no-datasets",
                "--workers", str(workers), "--threads", str(threads),
            ),
            wait,
        )  # fmt: skip

    @property
    def engine(self) -> Engine:
        """An engine on the same database, for looking at tables directly (closed by `close`)."""
        if self._engine is None:
            self._engine = make_engine(self.database_url)
        return self._engine

    @property
    def database(self) -> Database:
        """The same database, as the services take it."""
        return Database(self.engine)

    def count_events(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(events)) or 0)

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


class ServerPool:
    """One seeded server per backend for a test module, started on first use, stopped at the end,
    with an editor (`EDITOR`) and an API token (`deployment.token`).

    Tests name the backend as a parameter (so a known defect can be marked on one backend only)
    and ask the pool for its deployment; PostgreSQL comes from the `postgres_url` fixture.
    """

    def __init__(self, directory: Path, workers: dict[str, int] | None = None, **settings: str):
        self.directory = directory
        self.workers = workers or {}
        self.settings = settings
        self.deployments: dict[str, Deployment] = {}

    def get(self, backend: str, request: pytest.FixtureRequest) -> Deployment:
        if backend not in self.deployments:
            if backend == "postgres":
                url = request.getfixturevalue("postgres_url")
                reset_postgres(url)
            else:
                url = f"sqlite:///{self.directory / 'sqlite' / 'stackline.db'}"
            deployment = Deployment.create(self.directory / backend, url, **self.settings)
            self.deployments[backend] = deployment
            editor_and_token(deployment, *EDITOR)
            deployment.serve(workers=self.workers.get(backend, 1))
        return self.deployments[backend]

    def __enter__(self) -> ServerPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        for deployment in self.deployments.values():
            deployment.close()


def editor_and_token(deployment: Deployment, name: str, password: str) -> str:
    """Make an editor with `users create` and an API token with `tokens create` (kept as
    `deployment.token`, and returned)."""
    deployment.cli_ok("init")  # idempotent; `users create` needs a database to add to
    deployment.cli_ok("users", "create", name, "--password-stdin", stdin=password + "\n")
    deployment.token = deployment.cli_ok("tokens", "create", f"{name}-token").strip()
    return deployment.token


def wait_for(condition: Any, timeout: float, interval: float = 0.05) -> bool:
    """Poll `condition()` until it is true or `timeout` seconds pass; whether it came true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
