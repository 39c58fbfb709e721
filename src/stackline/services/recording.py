"""Recording events: one at a time (form, API), many in one all-or-nothing import, retractions."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from stackline.domain.documents import client_document, importable, parse_event
from stackline.domain.errors import FieldProblem, InvalidEvent, StacklineError
from stackline.domain.events import Event
from stackline.domain.records import RETRACTION
from stackline.services.clock import SystemClock
from stackline.store.reads import events as event_reads
from stackline.store.units_of_work import Database
from stackline.store.writer import Appended, LogWriter

RETRACTION_SOURCE = "Stackline editorial review"
ORIGIN_REFUSED = "set only by dataset imports and by import of export files"


def record_event(
    db: Database, raw: object, recorded_by: str, now: datetime | None = None
) -> Appended:
    """Validate and append one event; raises a `StacklineError` and writes nothing on any
    problem. Everything that needs no look at the log is checked before the write lock. An
    event from a person or a client (the form, the API) may not say it comes from a dataset:
    only dataset imports and import of export files set `origin`."""
    if isinstance(raw, dict) and raw.get("origin") is not None:
        problem = FieldProblem("origin", ORIGIN_REFUSED)
        raise InvalidEvent("an event recorded by hand cannot claim a dataset origin", [problem])
    event: Event = raw if not isinstance(raw, dict) else parse_event(raw)  # type: ignore[assignment]
    with db.writing() as uow:
        return LogWriter(uow, now or SystemClock().now()).append(event, recorded_by)


def recorded_before(db: Database, raw: dict[str, Any]) -> dict[str, Any] | None:
    """A live event with the same type, date and payload as `raw` under another id (what going
    back and submitting a form again records), or None; the event a correction supersedes does
    not count. Raises `StacklineError` if `raw` is invalid."""
    event = parse_event(raw)
    new = client_document(event)
    with db.reading() as uow:
        candidates = event_reads.live_events_on(uow, event.type, event.occurred_on.start)
    for stored in candidates:
        same = stored["occurred_on"] == new["occurred_on"] and stored["payload"] == new["payload"]
        if same and stored["id"] not in (new["id"], new["supersedes"]):  # a correction is not
            return stored
    return None


def retract(
    db: Database,
    target: dict[str, Any],
    reason: str,
    recorded_by: str,
    today: date,
    now: datetime | None = None,
    source_title: str | None = None,
    source_url: str | None = None,
    event_id: str | None = None,
) -> Appended:
    """Retract the stored event `target` (an event document): an `event.retracted` dated
    today, summarised from the target, with the reason and a source (our own review when none
    is given)."""
    title = (source_title or "").strip() or None
    url = (source_url or "").strip() or None
    document: dict[str, Any] = {
        "id": event_id,
        "type": RETRACTION,
        "occurred_on": today.isoformat(),
        "summary": f"Retracted: {target['summary']}"[:200],
        "confidence": "confirmed",
        "sources": [{"title": title or (None if url else RETRACTION_SOURCE), "url": url}],
        "payload": {"event": target["id"], "reason": reason},
    }
    return record_event(db, document, recorded_by, now)


@dataclass(frozen=True)
class LabelledEvent:
    """An event read from a file, with where it came from for error messages; `keeps_seal`
    when it is listed by a whole export (`files.py`): only then, into an empty log, does it
    keep its `seq`, `recorded_at` and hash."""

    origin: str
    raw: object
    keeps_seal: bool = False


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    dry_run: bool = False


class ImportFailed(Exception):
    """An import stopped at `origin` (file, event number, id); nothing of it was written."""

    def __init__(self, origin: str, error: StacklineError) -> None:
        super().__init__(f"{origin}: {error}")
        self.origin = origin
        self.error = error


class _DryRunRollback(Exception):
    pass


def import_events(
    db: Database,
    items: Iterable[LabelledEvent],
    recorded_by: str,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Append every event in one transaction: all of them, or (on the first problem) none."""
    report = ImportReport(dry_run=dry_run)

    def failure(origin: str, error: Exception) -> Exception:
        if isinstance(error, StacklineError):
            return ImportFailed(origin, error)
        return error

    try:
        with _without_cycle_collection(), db.writing() as uow:
            appender = LogWriter(uow, now or SystemClock().now())
            parsed = ((item.origin, _parsed(item), item.keeps_seal) for item in items)
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
    """An event of a file: any schema version (upcast), `voided_by` and what lists add to an
    event accepted and left out."""
    try:
        return parse_event(importable(item.raw))
    except StacklineError as error:
        raise ImportFailed(item.origin, error) from None
