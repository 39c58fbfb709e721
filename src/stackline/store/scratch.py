"""Projections of what was known at a past moment, built in a scratch database.

The stored projections describe the log as it is now. A read "as known on" a past moment needs
them as they would have been then: the events recorded by that moment, appended in order by the
one write path (`writer.py`) into an in-memory SQLite database, give exactly those projections,
with no second implementation to keep in step. It costs one import of the known events, so it is
kept for reads that need whole projections over time (the integration series); one day's stack
folds the known events instead (`services/stacks.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from stackline.domain.documents import format_timestamp
from stackline.domain.events import Event
from stackline.store.database import make_engine
from stackline.store.rows import row_event
from stackline.store.tables import events, metadata
from stackline.store.units_of_work import Database, Reading
from stackline.store.writer import LogWriter


@contextmanager
def reading_as_known(db: Database, known_on: datetime | None) -> Iterator[Reading]:
    """A read of the projections as they stand, or (`known_on`) as they stood then."""
    with db.reading() as uow:
        if known_on is None:
            yield uow
            return
        with known_on_database(uow, known_on) as scratch, scratch.reading() as known:
            yield known


@contextmanager
def known_on_database(uow: Reading, known_on: datetime) -> Iterator[Database]:
    """A scratch database holding the events `uow` knows were recorded by `known_on`."""
    known = events_known_on(uow.connection, known_on)
    with scratch_database(known) as scratch:
        yield scratch


@contextmanager
def scratch_database(events: list[Event]) -> Iterator[Database]:
    """An in-memory database whose log is `events` (sealed, in `seq` order), projected."""
    engine = make_engine("sqlite://")
    try:
        metadata.create_all(engine)
        scratch = Database(engine)
        with scratch.writing() as writing:
            recorded = [e.recorded_at for e in events if e.recorded_at is not None]
            writer = LogWriter(writing, max(recorded, default=_EPOCH))
            writer.append_all(((str(e.seq), e) for e in events), "scratch", _as_is)
        yield scratch
    finally:
        engine.dispose()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def events_known_on(connection: Connection, known_on: datetime) -> list[Event]:
    """Every event recorded by `known_on`, in `seq` order, as models (to append them again)."""
    query = (
        select(events)
        .where(events.c.recorded_at <= format_timestamp(known_on))
        .order_by(events.c.seq)
        .execution_options(yield_per=5000)
    )
    with connection.execute(query) as rows:
        return [row_event(row) for row in rows]


def _as_is(_label: str, error: Exception) -> Exception:
    return error
