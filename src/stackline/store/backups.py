"""Online backups of a SQLite database, and restoring one into an empty database.

SQLite's backup API copies the database page by page from one read snapshot: writers go on
(WAL mode) while it runs, and the copy holds exactly the events committed before the snapshot
began. PostgreSQL has `pg_dump` for this (see the README's "Backups"); these functions refuse it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from stackline.domain.errors import StacklineError


class BackupRefused(StacklineError):
    """A backup or a restore that cannot be done here; the message says why and what to do."""


def backup_sqlite(engine: Engine, target: Path) -> None:
    """Copy the database `engine` opens into a new file `target` (written next to it, then
    renamed into place, so a crash never leaves half a backup under the name)."""
    _require_sqlite(engine)
    if target.exists():
        raise BackupRefused(f"{target} exists; choose a new file name")
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
    """Replace the (empty) database `engine` opens with the backup in `source`."""
    _require_sqlite(engine)
    if not source.is_file():
        raise BackupRefused(f"no backup file {source}")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup:
        try:
            backup.execute("SELECT seq, hash FROM events LIMIT 1").fetchall()
        except sqlite3.DatabaseError as error:
            raise BackupRefused(f"{source} is not a Stackline backup ({error})") from None
        target = engine.raw_connection()
        try:
            backup.backup(_driver(target))
        finally:
            target.close()
    backup.close()
    engine.dispose()  # pooled connections must not keep pages of the database replaced


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
