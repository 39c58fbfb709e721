"""Recording events: one at a time (form, API) or many in one all-or-nothing import."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from stackline.domain.documents import InvalidEvent, parse_event
from stackline.domain.events import Event
from stackline.store.database import write_transaction
from stackline.store.writer import Appended, LogWriter


def record_event(
    engine: Engine, raw: object, recorded_by: str, now: datetime | None = None
) -> Appended:
    """Validate and append one event; raises `InvalidEvent` and writes nothing on any problem.
    Everything that needs no look at the log is checked before the write lock is taken."""
    event: Event = raw if not isinstance(raw, dict) else parse_event(raw)  # type: ignore[assignment]
    with write_transaction(engine) as connection:
        return LogWriter(connection, now or datetime.now(UTC)).append(event, recorded_by)


@dataclass(frozen=True)
class LabelledEvent:
    """An event read from a file, with where it came from for error messages."""

    origin: str
    raw: object


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    dry_run: bool = False


class ImportFailed(Exception):
    def __init__(self, origin: str, error: InvalidEvent) -> None:
        super().__init__(f"{origin}: {error}")
        self.origin = origin
        self.error = error


class _DryRunRollback(Exception):
    pass


def import_events(
    engine: Engine,
    items: Iterable[LabelledEvent],
    recorded_by: str,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Append every event in one transaction: all of them, or (on the first problem) none."""
    report = ImportReport(dry_run=dry_run)

    def failure(origin: str, error: Exception) -> Exception:
        if isinstance(error, InvalidEvent):
            return ImportFailed(origin, error)
        return error

    try:
        with _without_cycle_collection(), write_transaction(engine) as connection:
            appender = LogWriter(connection, now or datetime.now(UTC))
            parsed = ((item.origin, _parsed(item)) for item in items)
            appender.append_all(parsed, recorded_by, failure, progress)
            report.created, report.unchanged = appender.created, appender.unchanged
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """An import keeps a batch of events alive until it is flushed; Python's cycle collector
    would walk them over and over (a third of an import's time) to find no garbage, since
    events hold no reference cycles and reference counting frees them. Off for the import."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parsed(item: LabelledEvent) -> Event:
    try:
        return parse_event(item.raw)
    except InvalidEvent as error:
        raise ImportFailed(item.origin, error) from None
