"""Backing up the log and restoring it into an empty database, checked by `verify` after."""

from __future__ import annotations

from pathlib import Path

from stackline.services.integrity import VerifyReport, verify
from stackline.store.backups import (
    BackupRefused,
    backup_sqlite,
    events_in_backup,
    restore_sqlite,
)
from stackline.store.database import upgrade
from stackline.store.reads.events import count_all_events
from stackline.store.units_of_work import Database


def backup(db: Database, target: Path) -> int:
    """Copy the database to `target` from one snapshot; the number of events it holds."""
    backup_sqlite(db.engine, target)
    return events_in_backup(target)


def restore(db: Database, source: Path) -> VerifyReport:
    """Restore the backup `source` into `db`, which must hold no events; migrate it to this
    version and verify the chain and the projections."""
    with db.reading() as uow:
        held = count_all_events(uow)
    if held:
        raise BackupRefused(f"the database holds {held} events; restore only into an empty one")
    restore_sqlite(db.engine, source)
    upgrade(db.engine)
    return verify(db)
