"""The timeline: filtered, paginated event lists, single events, and streamed exports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from stackline.domain.dates import PartialDate
from stackline.domain.documents import format_timestamp
from stackline.domain.events import TYPE_LAYERS
from stackline.domain.filters import EventFilter
from stackline.services.clock import SystemClock
from stackline.store.reads import companies as company_reads
from stackline.store.reads import events as event_reads
from stackline.store.units_of_work import Database

MAX_LIMIT = 1000
EXPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class EventsPage:
    events: list[dict[str, Any]]
    next_after_seq: int | None
    total: int | None = None


def list_events(
    db: Database, chosen: EventFilter, after_seq: int = 0, limit: int = 100, count: bool = False
) -> EventsPage:
    """A page of events in `seq` order, where the next one starts, and (when asked) how many
    events match in all."""
    limit = max(1, min(limit, MAX_LIMIT))
    with db.reading() as uow:
        events, next_after = event_reads.events_page(uow, chosen, after_seq, limit)
        total = event_reads.count_events(uow, chosen) if count else None
    return EventsPage(events, next_after, total)


@dataclass(frozen=True)
class EventPage:
    event: dict[str, Any]
    voids: list[str]  # ids of the events this one retracts or supersedes
    names: dict[str, str]


def event_page(db: Database, event_id: str) -> EventPage | None:
    with db.reading() as uow:
        event = event_reads.event_by_id(uow, event_id)
        if event is None:
            return None
        return EventPage(
            event, event_reads.voided_by(uow, event["id"]), company_reads.current_names(uow)
        )


def get_event(db: Database, event_id: str) -> dict[str, Any] | None:
    with db.reading() as uow:
        return event_reads.event_by_id(uow, event_id)


def event_days(db: Database) -> list[date]:
    """Every distinct effective date of a live event, oldest first (the slider's stops)."""
    with db.reading() as uow:
        return event_reads.effective_days(uow)


def company_choices(db: Database) -> list[tuple[str, str]]:
    """(slug, current name) of every registered company, by name: the form's company pickers."""
    with db.reading() as uow:
        names = company_reads.current_names(uow)
    return sorted(names.items(), key=lambda pair: pair[1].casefold())


def export_chunks(
    db: Database,
    chosen: EventFilter,
    export_format: str = "stackline",
    now: datetime | None = None,
) -> Iterator[str]:
    """The export document as text chunks, streamed from one snapshot in `seq` order."""
    with db.reading() as uow:
        if export_format == "timelinejs":
            yield from _timelinejs_chunks(event_reads.exported_events(uow, chosen))
            return
        head = {
            "format": "stackline-timeline",
            "format_version": EXPORT_FORMAT_VERSION,
            "exported_at": format_timestamp(now or SystemClock().now()),
            "filters": chosen.as_dict(),
            "count": event_reads.count_events(uow, chosen),
        }
        yield json.dumps(head, ensure_ascii=False)[:-1] + ',"events":['
        separator = "\n"
        for document in event_reads.exported_events(uow, chosen):
            yield separator + json.dumps(document, ensure_ascii=False)
            separator = ",\n"
        yield "\n]}\n"


def _timelinejs_chunks(documents: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield '{"title":{"text":{"headline":"Stackline","text":"The AI stack, event by event"}},"events":['
    separator = "\n"
    for document in documents:
        yield separator + json.dumps(timelinejs_event(document), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def timelinejs_event(document: dict[str, Any]) -> dict[str, Any]:
    """One event as a TimelineJS3 slide: partial dates stay partial; layer is the group."""
    occurred = PartialDate.parse(document["occurred_on"])
    start: dict[str, Any] = {"year": occurred.start.year}
    if len(document["occurred_on"]) > 4:
        start["month"] = occurred.start.month
        start["display_date"] = document["occurred_on"]
    if occurred.start == occurred.end:
        start["day"] = occurred.start.day
    payload = document["payload"]
    return {
        "start_date": start,
        "text": {"headline": document["summary"], "text": document["details"] or ""},
        "unique_id": document["id"],
        "group": payload.get("layer") or _type_layer(document["type"]) or "deals",
    }


def _type_layer(event_type: str) -> str | None:
    layer = TYPE_LAYERS.get(event_type)
    return layer.value if layer else None
