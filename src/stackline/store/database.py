"""Engines and transactions: SQLite pragmas, serialized write transactions, schema migrations.

Writers take `write_transaction`: `BEGIN IMMEDIATE` on SQLite, `pg_advisory_xact_lock` on
PostgreSQL, so validation, `seq` and the hash chain see no concurrent append.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from stackline.config import DEFAULT_LOCK_TIMEOUT_S
from stackline.store.failures import unavailable

APPEND_LOCK_KEY = 0x57AC4C1E  # any constant shared by every process appending to one database
WRITE_OPTION = "stackline_write"
LOCK_TIMEOUT_OPTION = "stackline_lock_timeout"


def make_engine(url: str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> Engine:
    """An engine for `url`; SQLite files get WAL, synchronous=FULL and immediate write locks.
    A writer waits at most `lock_timeout` seconds for the write lock, then gets
    `StoreUnavailable` (busy) instead of queueing without end."""
    parsed = make_url(url)
    options = {LOCK_TIMEOUT_OPTION: lock_timeout}
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, lock_timeout)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, execution_options=options)


def _sqlite_engine(url: str, lock_timeout: float) -> Engine:
    # An in-memory database lives in its one connection: every use must share it.
    in_memory = make_url(url).database in (None, "", ":memory:")
    if not in_memory:
        _create_private(Path(str(make_url(url).database)))
    engine = create_engine(
        url,
        connect_args={"timeout": lock_timeout, "check_same_thread": False},
        execution_options={LOCK_TIMEOUT_OPTION: lock_timeout},
        **({"poolclass": StaticPool} if in_memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        # First: switching to WAL may wait for the lock too.
        cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: big imports spill to the WAL less
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        # Straight on the DBAPI connection: it runs once per transaction, and SQLAlchemy's
        # execution layer would cost more than the statement.
        raw: Any = connection.connection.driver_connection
        raw.execute("BEGIN IMMEDIATE" if options.get(WRITE_OPTION) else "BEGIN")

    return engine


def is_sqlite(engine_or_connection: Engine | Connection) -> bool:
    return engine_or_connection.dialect.name == "sqlite"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One serialized write transaction: commits on success, rolls back on any error. Waiting
    longer than the engine's lock timeout for the lock, a full disk, a read-only database or a
    lost server raise `StoreUnavailable`; nothing is written."""
    with unavailable_as_such():
        connection = engine.connect().execution_options(**{WRITE_OPTION: True})
        with connection, connection.begin():
            if not is_sqlite(connection):
                options = connection.get_execution_options()
                wait = options.get(LOCK_TIMEOUT_OPTION, DEFAULT_LOCK_TIMEOUT_S)
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'")
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY}
                )
            yield connection


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A consistent snapshot for reading, whatever is written meanwhile: SQLite's deferred
    transaction in WAL mode, PostgreSQL's REPEATABLE READ, READ ONLY. Nothing is written."""
    with unavailable_as_such():
        connection = engine.connect()
        if not is_sqlite(connection):
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection, connection.begin():
            yield connection


@contextmanager
def unavailable_as_such() -> Iterator[None]:
    """Database errors that mean "not now" (busy, full, read-only, gone) as `StoreUnavailable`."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as error:
        found = unavailable(error)
        if found is None:
            raise
        raise found from error
    except Exception as error:  # psycopg's own errors, raised by statements on the DBAPI
        found = unavailable(error) if hasattr(error, "sqlstate") else None
        if found is None:
            raise
        raise found from error


def migrations_directory() -> Path:
    """`migrations/` at the repository top, or the copy packaged inside `stackline`."""
    packaged = Path(__file__).resolve().parent.parent / "_migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "migrations"


def _create_private(path: Path) -> None:
    """Create a new database file readable by its owner only (0600): it holds password and
    token hashes. SQLite gives its -wal and -shm files the same mode. An existing file keeps
    the mode its owner gave it."""
    if path.exists() or str(path).startswith("file:"):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):  # another process may make it first
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    return config


@cache
def head_revision() -> str | None:
    """The newest migration's revision (read from `migrations/` once per process)."""
    from alembic.script import ScriptDirectory

    head: str | None = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    return head


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision, under the write lock, so processes
    starting together migrate one after the other (the later ones find nothing to do). A
    database already at the newest revision costs one query, not a run of Alembic."""
    from alembic import command

    with write_transaction(engine) as connection:
        if schema_revision(connection) == head_revision():
            return
        config = _alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def shown_url(url: str) -> str:
    """A database URL as it may be printed: its password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def has_schema(url: str) -> bool:
    """Whether the database at `url` holds a Stackline schema, found without creating anything
    (a SQLite file that does not exist is not made)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if path in (None, "", ":memory:") or not Path(str(path)).exists():
            return False
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return schema_revision(connection) is not None
    finally:
        engine.dispose()


def schema_revision(connection: Connection) -> str | None:
    """The database's Alembic revision (None: no schema yet)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    found: str | None = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return found
