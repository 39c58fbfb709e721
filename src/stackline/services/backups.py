"""Backing up the log, and restoring a backup into an empty database — trusting nothing in it
but the events, and those only once they verify.

A restore works on a scratch copy beside the target: its triggers, views and (unless asked)
accounts are taken out, it is migrated to this version, this version's immutability triggers
are put on `events`, its schema must then be exactly this version's, its projections are rebuilt
from its log, and the whole is verified. Only then is it copied into the target; a backup that
fails any step leaves the target as it was: empty.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from stackline.services.integrity import VerifyReport, rebuild, verify
from stackline.store.backups import (
    BackupRefused,
    accounts_held,
    backup_sqlite,
    copy_file,
    database_file,
    events_in_backup,
    recreate_immutability,
    require_backup_file,
    restore_sqlite,
    schema_of,
    strip_planted_objects,
)
from stackline.store.database import make_engine, upgrade
from stackline.store.reads.events import count_all_events
from stackline.store.units_of_work import Database


def backup(db: Database, target: Path) -> int:
    """Copy the database to `target` from one snapshot; the number of events it holds."""
    backup_sqlite(db.engine, target)
    return events_in_backup(target)


@dataclass(frozen=True)
class Restored:
    """What a restore put in the target: the verification of its log, and the accounts the
    file held (taken only when asked)."""

    report: VerifyReport
    users: int
    tokens: int
    with_accounts: bool


class RestoreFailed(BackupRefused):
    """The backup's log or projections did not verify: nothing was restored."""

    def __init__(self, report: VerifyReport) -> None:
        problem = report.chain_problem
        why = f"seq {problem.seq}: {problem.message}" if problem else report.describe_mismatches()
        super().__init__(f"the backup does not verify ({why}); nothing was restored")
        self.report = report


def restore(db: Database, source: Path, with_accounts: bool = False) -> Restored:
    """Restore the backup `source` into `db`, which must hold no events, users or tokens."""
    _require_empty(db)
    require_backup_file(source)
    target = database_file(db.engine)
    with tempfile.TemporaryDirectory(prefix=".stackline-restore-", dir=target.parent) as work:
        scratch = Path(work) / "restoring.db"
        copy_file(source, scratch)
        users, tokens = strip_planted_objects(scratch, keep_accounts=with_accounts)
        report = _checked(scratch, Path(work) / "this-version.db")
        restore_sqlite(db.engine, scratch)
    return Restored(report, users, tokens, with_accounts)


def _require_empty(db: Database) -> None:
    with db.reading() as uow:
        held = count_all_events(uow)
    if held:
        raise BackupRefused(f"the database holds {held} events; restore only into an empty one")
    users, tokens = accounts_held(db.engine)
    if users or tokens:
        raise BackupRefused(
            f"the database holds {accounts_description(users, tokens)}; restore only into an empty one "
            "(a new database file), so that nobody keeps access they had elsewhere"
        )


def _checked(scratch: Path, reference: Path) -> VerifyReport:
    """Migrate the scratch copy, give it this version's triggers, compare its schema with a
    fresh database's, rebuild its projections and verify it."""
    copy = Database(make_engine(f"sqlite:///{scratch}"))
    fresh = Database(make_engine(f"sqlite:///{reference}"))
    try:
        try:
            upgrade(copy.engine)
        except Exception as error:  # an unknown revision, a table the migrations cannot alter
            raise BackupRefused(f"the backup cannot be brought to this version: {error}") from None
        recreate_immutability(copy.engine)
        upgrade(fresh.engine)
        fresh.dispose()
        unexpected = sorted(schema_of(scratch) ^ schema_of(reference))
        if unexpected:
            kind, name = unexpected[0][:2]
            raise BackupRefused(
                f"the backup's schema is not this version's ({kind} {name} differs); "
                "nothing was restored"
            )
        rebuild(copy)
        report = verify(copy)
    finally:
        copy.dispose()
        fresh.dispose()
    if not report.ok:
        raise RestoreFailed(report)
    return report


def accounts_description(users: int, tokens: int) -> str:
    """`2 users and 1 API token`."""
    return f"{users} user{'s' * (users != 1)} and {tokens} API token{'s' * (tokens != 1)}"
