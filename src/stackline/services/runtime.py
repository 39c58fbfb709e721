"""Opening the configured database: migrated to the newest schema, seeded on request."""

from __future__ import annotations

from pathlib import Path

from stackline.config import DEFAULT_LOCK_TIMEOUT_S, database_url, setting
from stackline.services.clock import SystemClock
from stackline.services.datasets import ImportOptions, import_epoch
from stackline.services.datasets.report import DatasetReport
from stackline.services.files import event_files, read_events, seed_directory
from stackline.services.recording import ImportReport, import_events
from stackline.store.database import make_engine, upgrade
from stackline.store.reads.events import count_all_events
from stackline.store.rebuild import rebuild_if_stale
from stackline.store.units_of_work import Database

SEED_RECORDER = "stackline-seed"
BUNDLED_SNAPSHOT = "2026-03-06"


def open_database(
    url: str | None = None, migrate: bool = True, lock_timeout: float | None = None
) -> Database:
    """The database at `url` (default: the configured one). With `migrate`, the schema is
    brought to the newest revision and projections built by an older projector are rebuilt."""
    wait = lock_timeout or setting("LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT_S)
    engine = make_engine(url or database_url(), wait)
    if migrate:
        upgrade(engine)
        rebuild_if_stale(engine)
    return Database(engine)


def is_empty(db: Database) -> bool:
    with db.reading() as uow:
        return count_all_events(uow) == 0


def load_seed(db: Database) -> ImportReport:
    """Import the packaged seed timeline (idempotent: a second load changes nothing)."""
    files = event_files([seed_directory()])
    return import_events(db, read_events(files), SEED_RECORDER)


def bundled_snapshot() -> Path:
    """The Epoch AI snapshot that ships beside the seed (with Epoch's licence note)."""
    return seed_directory() / "datasets" / "epoch-ai" / BUNDLED_SNAPSHOT


def load_bundled_datasets(db: Database) -> DatasetReport:
    """Import the bundled Epoch AI snapshot: organizations no company is named by stay
    unresolved (listed in the report), never registered."""
    return import_epoch(
        db, [bundled_snapshot()], ImportOptions(), SEED_RECORDER, SystemClock().now()
    )
