"""The timeline: filtered, paginated event lists, single events, and streamed exports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, Select, exists, func, select

from stackline.domain.dates import PartialDate
from stackline.domain.documents import format_timestamp
from stackline.domain.events import TYPE_LAYERS
from stackline.services.stacks import companies_on
from stackline.store.database import read_transaction
from stackline.store.rows import row_document
from stackline.store.tables import event_companies, events, voids

MAX_LIMIT = 1000
EXPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class EventFilter:
    company: str | None = None
    layer: str | None = None
    types: tuple[str, ...] = ()
    from_day: date | None = None
    to_day: date | None = None
    q: str | None = None
    include_voided: bool = False

    def as_dict(self) -> dict[str, Any]:
        shown = asdict(self)
        shown["types"] = list(self.types)
        shown["from"] = shown.pop("from_day")
        shown["to"] = shown.pop("to_day")
        for key in ("from", "to"):
            shown[key] = shown[key].isoformat() if shown[key] else None
        return shown


def _filtered(query: Select[Any], chosen: EventFilter) -> Select[Any]:
    if chosen.company:
        query = query.where(
            exists().where(
                event_companies.c.seq == events.c.seq, event_companies.c.company == chosen.company
            )
        )
    if chosen.layer:
        query = query.where(events.c.layer == chosen.layer)
    if chosen.types:
        query = query.where(events.c.type.in_(chosen.types))
    if chosen.from_day:
        query = query.where(events.c.effective_on >= chosen.from_day)
    if chosen.to_day:
        query = query.where(events.c.effective_on <= chosen.to_day)
    if chosen.q:
        pattern = "%" + chosen.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(events.c.summary.ilike(pattern, escape="\\"))
    if not chosen.include_voided:
        query = query.where(events.c.id.not_in(select(voids.c.event_id)))
    return query


def _with_voided_by(query: Select[Any]) -> Select[Any]:
    return query.add_columns(voids.c.voided_by).outerjoin(voids, voids.c.event_id == events.c.id)


def _document(row: Any) -> dict[str, Any]:
    document = row_document(row)
    document["voided_by"] = row.voided_by
    return document


def list_events(
    engine: Engine, chosen: EventFilter, after_seq: int = 0, limit: int = 100
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of events in `seq` order, and the `after_seq` of the next page (None at the end)."""
    limit = max(1, min(limit, MAX_LIMIT))
    query = _filtered(_with_voided_by(select(events)), chosen)
    query = query.where(events.c.seq > after_seq).order_by(events.c.seq).limit(limit + 1)
    with read_transaction(engine) as connection:
        rows = connection.execute(query).all()
    page = [_document(row) for row in rows[:limit]]
    next_after = page[-1]["seq"] if len(rows) > limit else None
    return page, next_after


def count_events(engine: Engine, chosen: EventFilter) -> int:
    with read_transaction(engine) as connection:
        return connection.scalar(_filtered(select(func.count()).select_from(events), chosen)) or 0


def get_event(engine: Engine, event_id: str) -> dict[str, Any] | None:
    query = _with_voided_by(select(events)).where(events.c.id == event_id)
    with read_transaction(engine) as connection:
        row = connection.execute(query).first()
    return _document(row) if row else None


def events_between(
    engine: Engine, slugs: set[str], after: date, until: date
) -> list[dict[str, Any]]:
    """Live events naming any of `slugs`, effective in (after, until]."""
    query = (
        _with_voided_by(select(events))
        .where(
            exists().where(
                event_companies.c.seq == events.c.seq, event_companies.c.company.in_(slugs)
            ),
            events.c.effective_on > after,
            events.c.effective_on <= until,
            voids.c.event_id.is_(None),
        )
        .order_by(events.c.effective_on, events.c.seq)
    )
    with read_transaction(engine) as connection:
        return [_document(row) for row in connection.execute(query)]


def export_chunks(
    engine: Engine, chosen: EventFilter, export_format: str = "stackline"
) -> Iterator[str]:
    """The export document as text chunks, streamed from the database in `seq` order."""
    query = _filtered(select(events), chosen).order_by(events.c.seq)
    with read_transaction(engine) as connection:
        count = connection.scalar(_filtered(select(func.count()).select_from(events), chosen)) or 0
        rows = connection.execute(query.execution_options(yield_per=2000))
        if export_format == "timelinejs":
            yield from _timelinejs_chunks(rows)
            return
        head = {
            "format": "stackline-timeline",
            "format_version": EXPORT_FORMAT_VERSION,
            "exported_at": format_timestamp(datetime.now(UTC)),
            "filters": chosen.as_dict(),
            "count": count,
        }
        yield json.dumps(head, ensure_ascii=False)[:-1] + ',"events":['
        separator = "\n"
        for row in rows:
            yield separator + json.dumps(row_document(row), ensure_ascii=False)
            separator = ",\n"
        yield "\n]}\n"


def _timelinejs_chunks(rows: Any) -> Iterator[str]:
    yield '{"title":{"text":{"headline":"Stackline","text":"The AI stack, event by event"}},"events":['
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(timelinejs_event(row_document(row)), ensure_ascii=False)
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
    slide: dict[str, Any] = {
        "start_date": start,
        "text": {"headline": document["summary"], "text": document["details"] or ""},
        "unique_id": document["id"],
        "group": payload.get("layer") or _type_layer(document["type"]) or "deals",
    }
    return slide


def _type_layer(event_type: str) -> str | None:
    layer = TYPE_LAYERS.get(event_type)
    return layer.value if layer else None


def event_days(engine: Engine) -> list[date]:
    """Every distinct effective date of a live event, oldest first (the matrix slider's stops)."""
    query = (
        select(events.c.effective_on)
        .where(events.c.id.not_in(select(voids.c.event_id)))
        .distinct()
        .order_by(events.c.effective_on)
    )
    with read_transaction(engine) as connection:
        return list(connection.scalars(query))


def company_choices(engine: Engine) -> list[tuple[str, str]]:
    """(slug, current name) of every registered company, by name: the form's company pickers."""

    return sorted(
        ((c["slug"], c["name"]) for c in companies_on(engine, date(2100, 12, 31))),
        key=lambda pair: pair[1].casefold(),
    )


def voided_by_event(engine: Engine, event_id: str) -> list[str]:
    """Ids of the events this event voids (by retracting or superseding them)."""
    with read_transaction(engine) as connection:
        query = select(voids.c.event_id).where(voids.c.voided_by == event_id)
        return list(connection.scalars(query))
