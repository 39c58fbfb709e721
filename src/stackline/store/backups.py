"""Online backups of a SQLite database, and restoring one into an empty database.

SQLite's backup API copies the database page by page from one read snapshot: writers go on
(WAL mode) while it runs, and the copy holds exactly the events committed before the snapshot
began. PostgreSQL has `pg_dump` for this (see the README's "Backups"); these functions refuse it.

A backup file is data from outside, and anyone who could write it could have planted something
in it: a trigger, a view, an account, a token, a table defined otherwise. So a restore works on
a scratch copy (`services.backups`): these functions take out its triggers, views and accounts,
put this version's immutability triggers back, and tell whether its schema is this version's.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from stackline.domain.errors import StacklineError
from stackline.store.immutability import create_trigger_statements, drop_trigger_statements
from stackline.store.tables import view_statements

# Tables that hold who may sign in and write: never taken from a file unless asked.
ACCOUNT_TABLES = ("users", "api_tokens")


class BackupRefused(StacklineError):
    """A backup or a restore that cannot be done here; the message says why and what to do."""


def backup_sqlite(engine: Engine, target: Path) -> None:
    """Copy the database `engine` opens into a new file `target` (written next to it, then
    renamed into place, so a crash never leaves half a backup under the name)."""
    _require_sqlite(engine)
    if target.exists():
        raise BackupRefused(f"{target} exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupRefused(f"the folder {target.parent} does not exist; create it first")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # Readable by its owner only, like the database: it holds password and token hashes.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    source = engine.raw_connection()
    try:
        with sqlite3.connect(partial) as copy:
            _driver(source).backup(copy)
        copy.close()
    finally:
        source.close()
    partial.replace(target)


def restore_sqlite(engine: Engine, source: Path) -> None:
    """Replace the (empty) database `engine` opens with the database in `source` (a scratch
    copy already checked by `services.backups.restore`)."""
    _require_sqlite(engine)
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as checked:
        target = engine.raw_connection()
        try:
            checked.backup(_driver(target))
        finally:
            target.close()
    engine.dispose()  # pooled connections must not keep pages of the database replaced


def require_backup_file(source: Path) -> None:
    """`source` is a SQLite file whose `events` is a table with the log's columns."""
    if not source.is_file():
        raise BackupRefused(f"no backup file {source}")
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup:
            kind = backup.execute("SELECT type FROM sqlite_master WHERE name = 'events'").fetchone()
            if kind is not None and kind[0] != "table":
                raise BackupRefused(
                    f"{source} is not a Stackline backup: its `events` is a {kind[0]}, not the "
                    "log's table"
                )
            backup.execute("SELECT seq, hash FROM events LIMIT 1").fetchall()
            backup.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f"{source} is not a Stackline backup ({error})") from None


def copy_file(source: Path, target: Path) -> None:
    """A page-by-page copy of the SQLite database `source` into the new file `target`."""
    try:
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as original,
            closing(sqlite3.connect(target)) as copy,
        ):
            original.backup(copy)
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f"{source} cannot be read as a database ({error})") from None


def strip_planted_objects(path: Path, keep_accounts: bool) -> tuple[int, int]:
    """Drop every trigger and view of the scratch copy at `path`, and its users and API tokens
    unless `keep_accounts`; the (users, tokens) it held."""
    with _connection(path) as copy:
        held = tuple(
            copy.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ACCOUNT_TABLES
        )
        planted = copy.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')"
        ).fetchall()
        for kind, name in planted:
            copy.execute(f'DROP {kind.upper()} IF EXISTS "{name.replace(chr(34), chr(34) * 2)}"')
        if not keep_accounts:
            for table in ACCOUNT_TABLES:
                copy.execute(f"DELETE FROM {table}")
    return int(held[0]), int(held[1])


def recreate_immutability(engine: Engine) -> None:
    """This version's triggers on `events` and views of the projections, whatever the file
    held (planted ones were dropped)."""
    with engine.begin() as connection:
        for statement in [
            *drop_trigger_statements("sqlite"), *create_trigger_statements("sqlite"),
            *view_statements(),
        ]:  # fmt: skip
            connection.exec_driver_sql(statement)


def schema_of(path: Path) -> set[tuple[str, str, str, str]]:
    """Every table, index and trigger the database at `path` defines, with its SQL."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as database:
        rows = database.execute(
            "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master "
            "WHERE type IN ('table', 'index', 'trigger', 'view') AND substr(name, 1, 7) != 'sqlite_'"
        ).fetchall()
    return {(str(a), str(b), str(c), " ".join(str(d).split())) for a, b, c, d in rows}


def accounts_held(engine: Engine) -> tuple[int, int]:
    """(users, API tokens) the database holds (0 for a table it does not have yet)."""
    _require_sqlite(engine)
    counts = []
    with engine.connect() as connection:
        present = set(
            connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
            .scalars()
            .all()
        )
        for table in ACCOUNT_TABLES:
            query = f"SELECT count(*) FROM {table}"
            found = connection.exec_driver_sql(query).scalar() if table in present else 0
            counts.append(int(found or 0))
    return counts[0], counts[1]


@contextmanager
def _connection(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def database_file(engine: Engine) -> Path:
    """The file a SQLite engine opens."""
    _require_sqlite(engine)
    name = engine.url.database
    if not name or name == ":memory:":
        raise BackupRefused("restore needs a database file, not an in-memory database")
    return Path(name).resolve()


def events_in_backup(path: Path) -> int:
    """How many events a backup file holds (read only)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
        (count,) = copy.execute("SELECT count(*) FROM events").fetchone()
    copy.close()
    return int(count)


def _require_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        raise BackupRefused(
            "backup and restore copy SQLite files; for PostgreSQL use pg_dump and pg_restore "
            "(the README's Backups section gives the commands)"
        )


def _driver(connection: Any) -> sqlite3.Connection:
    driver: sqlite3.Connection = connection.driver_connection
    return driver
