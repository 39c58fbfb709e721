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
from stackline.domain.filters import EventFilter, EventOrder
from stackline.services.clock import SystemClock
from stackline.services.parameters import Position
from stackline.store.reads import companies as company_reads
from stackline.store.reads import events as event_reads
from stackline.store.units_of_work import Database

MAX_LIMIT = 1000
EXPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class EventsPage:
    events: list[dict[str, Any]]
    next_position: Position | None  # where the next page starts; None on the last page
    total: int | None = None

    @property
    def next_after_seq(self) -> int | None:
        """In `seq` order, the position is a seq (the API's `after_seq`)."""
        return self.next_position.seq if self.next_position is not None else None

    @property
    def next_cursor(self) -> str | None:
        return self.next_position.cursor() if self.next_position is not None else None


def list_events(
    db: Database,
    chosen: EventFilter,
    after: Position | None = None,
    limit: int = 100,
    count: bool = False,
    order: EventOrder = "seq",
) -> EventsPage:
    """A page of events in `order` (`seq`; `date` or `-date`: by effective date, then `seq`),
    where the next one starts, and (when asked) how many events match in all."""
    limit = max(1, min(limit, MAX_LIMIT))
    with db.reading() as uow:
        if order == "seq":
            events, next_seq = event_reads.events_page(
                uow, chosen, after.seq if after else 0, limit
            )
            following = Position(None, next_seq) if next_seq is not None else None
        else:
            position = None
            if after is not None:  # a bare seq (from a page in seq order): after that event
                day = after.day or event_reads.effective_day_of(uow, after.seq)
                if day is None:
                    return EventsPage([], None, 0 if count else None)
                position = (day, after.seq)
            events, last = event_reads.events_by_date(
                uow, chosen, position, limit, descending=order == "-date"
            )
            following = Position(*last) if last is not None else None
        total = event_reads.count_events(uow, chosen) if count else None
    return EventsPage(events, following, total)


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


@dataclass(frozen=True)
class EventSteps:
    """Time travel around a day: the event days either side of it, and the log's first and
    last event days (None in an empty log)."""

    previous: date | None
    next: date | None
    span: tuple[date, date] | None


def event_steps(db: Database, day: date) -> EventSteps:
    with db.reading() as uow:
        previous, following = event_reads.neighbour_days(uow, day)
        return EventSteps(previous, following, event_reads.day_span(uow))


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
