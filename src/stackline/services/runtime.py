"""Opening the configured database: the engine, migrated to the newest schema, seeded on request."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from stackline.config import DEFAULT_LOCK_TIMEOUT_S, database_url, setting
from stackline.services.files import event_files, read_events, seed_directory
from stackline.services.recording import ImportReport, import_events
from stackline.store.database import (
    make_engine,
    read_transaction,
    upgrade,
)
from stackline.store.rebuild import rebuild_if_stale
from stackline.store.tables import events

SEED_RECORDER = "stackline-seed"


def open_database(
    url: str | None = None, migrate: bool = True, lock_timeout: float | None = None
) -> Engine:
    """The engine for `url` (default: the configured database). With `migrate`, the schema is
    brought to the newest revision and projections built by an older projector are rebuilt."""
    wait = lock_timeout or setting("LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT_S)
    engine = make_engine(url or database_url(), wait)
    if migrate:
        upgrade(engine)
        rebuild_if_stale(engine)
    return engine


def is_empty(engine: Engine) -> bool:
    with read_transaction(engine) as connection:
        return not connection.scalar(select(func.count()).select_from(events))


def load_seed(engine: Engine) -> ImportReport:
    """Import the packaged seed timeline (idempotent: a second load changes nothing)."""
    files = event_files([seed_directory()])
    return import_events(engine, read_events(files), SEED_RECORDER)
