"""The timeline: filtered, paginated event lists, single events, and streamed exports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from stackline.domain.documents import format_timestamp
from stackline.domain.filters import EventFilter, EventOrder
from stackline.domain.records import RETRACTION
from stackline.services import event_formats
from stackline.services.clock import SystemClock
from stackline.services.parameters import Position
from stackline.services.stacks import require_company
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
        if chosen.company:
            require_company(uow, chosen.company)
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


FEED_SIZE = 50


def latest_recorded(db: Database, chosen: EventFilter, limit: int = FEED_SIZE) -> EventsPage:
    """The matching events recorded last, newest first: what a feed of the log carries."""
    with db.reading() as uow:
        if chosen.company:
            require_company(uow, chosen.company)
        return EventsPage(event_reads.latest_recorded(uow, chosen, limit), None)


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


EXPORT_FORMATS = ("stackline", "timelinejs", "csv")


def export_chunks(
    db: Database,
    chosen: EventFilter,
    export_format: str = "stackline",
    now: datetime | None = None,
) -> Iterator[str]:
    """The export as text chunks, streamed from one snapshot in `seq` order: the
    stackline-timeline document, TimelineJS3 slides (voided events and retractions left out
    unless `include_voided`) or CSV. An unknown company is refused before anything is streamed."""
    if chosen.company:
        with db.reading() as uow:
            require_company(uow, chosen.company)
    return _export_chunks(db, chosen, export_format, now or SystemClock().now())


def _export_chunks(
    db: Database, chosen: EventFilter, export_format: str, now: datetime
) -> Iterator[str]:
    with db.reading() as uow:
        if export_format == "timelinejs":
            listed = event_reads.listed_events(uow, chosen)
            if not chosen.include_voided:
                listed = (event for event in listed if event["type"] != RETRACTION)
            yield from event_formats.timelinejs_document(listed)
            return
        if export_format == "csv":
            rows = map(event_formats.event_cells, event_reads.listed_events(uow, chosen))
            yield from event_formats.csv_lines(event_formats.EVENT_COLUMNS, rows)
            return
        head = {
            "format": "stackline-timeline",
            "format_version": EXPORT_FORMAT_VERSION,
            "exported_at": format_timestamp(now),
            "filters": chosen.as_dict(),
            "count": event_reads.count_events(uow, chosen),
        }
        yield json.dumps(head, ensure_ascii=False)[:-1] + ',"events":['
        separator = "\n"
        for document in event_reads.exported_events(uow, chosen):
            yield separator + json.dumps(document, ensure_ascii=False)
            separator = ",\n"
        yield "\n]}\n"
