"""Events as the timeline, the event page, the diff and the time-travel steps read them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, func, or_, select

from stackline.domain.dates import PartialDate, day_of
from stackline.domain.events import listed_fields
from stackline.domain.filters import EventFilter
from stackline.store.rows import row_document
from stackline.store.tables import event_companies, events, ownership_links, voids
from stackline.store.temporal import on_day
from stackline.store.units_of_work import Reading

EXPORT_BATCH = 2000


def _filtered(query: Select[Any], chosen: EventFilter) -> Select[Any]:
    if chosen.company and chosen.include_subsidiaries:
        query = query.where(
            or_(_names(chosen.company), exists().where(*_named_subsidiary(chosen.company)))
        )
    elif chosen.company:
        query = query.where(_names(chosen.company))
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
    if chosen.origin == "none":
        query = query.where(events.c.origin_dataset.is_(None))
    elif chosen.origin:
        query = query.where(
            (events.c.origin_dataset == chosen.origin)
            | events.c.origin_dataset.startswith(chosen.origin + "/", autoescape=True)
        )
    if not chosen.include_voided:
        query = query.where(events.c.id.not_in(select(voids.c.event_id)))
    return query


def _names(company: str) -> Any:
    return exists().where(
        event_companies.c.seq == events.c.seq, event_companies.c.company == company
    )


def _named_subsidiary(company: str) -> tuple[Any, ...]:
    """An event names a company that `company` owns on the event's day."""
    return (
        event_companies.c.seq == events.c.seq,
        ownership_links.c.target == event_companies.c.company,
        ownership_links.c.acquirer == company,
        on_day(ownership_links, events.c.effective_on),
    )


def _with_voided_by(query: Select[Any]) -> Select[Any]:
    return query.add_columns(voids.c.voided_by).outerjoin(voids, voids.c.event_id == events.c.id)


def _document(row: Any) -> dict[str, Any]:
    """A listed event: its export form, what voided it, its layer and the companies it names."""
    document = row_document(row)
    document["voided_by"] = row.voided_by
    document.update(listed_fields(row.type, document["payload"]))
    return document


def events_page(
    uow: Reading, chosen: EventFilter, after_seq: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to `limit` events after `after_seq` in `seq` order, and where the next page starts."""
    query = _filtered(_with_voided_by(select(events)), chosen)
    query = query.where(events.c.seq > after_seq).order_by(events.c.seq).limit(limit + 1)
    rows = uow.connection.execute(query).all()
    page = [_document(row) for row in rows[:limit]]
    return page, (page[-1]["seq"] if len(rows) > limit else None)


def events_by_date(
    uow: Reading, chosen: EventFilter, after: tuple[date, int] | None, limit: int, descending: bool
) -> tuple[list[dict[str, Any]], tuple[date, int] | None]:
    """A page in effective-date order (then `seq`), after the (date, seq) position `after`."""
    query = _filtered(_with_voided_by(select(events)), chosen)
    key = (events.c.effective_on, events.c.seq)
    if after is not None:
        day, seq = after
        if descending:
            query = query.where(
                (events.c.effective_on < day)
                | ((events.c.effective_on == day) & (events.c.seq < seq))
            )
        else:
            query = query.where(
                (events.c.effective_on > day)
                | ((events.c.effective_on == day) & (events.c.seq > seq))
            )
    order = [column.desc() for column in key] if descending else list(key)
    rows = uow.connection.execute(query.order_by(*order).limit(limit + 1)).all()
    page = [_document(row) for row in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    return page, ((day_of(last.effective_on), last.seq) if last is not None else None)


def effective_day_of(uow: Reading, seq: int) -> date | None:
    """The effective date of the event at `seq` (None if there is none)."""
    found = uow.connection.scalar(select(events.c.effective_on).where(events.c.seq == seq))
    return day_of(found) if found is not None else None


def count_events(uow: Reading, chosen: EventFilter) -> int:
    query = _filtered(select(func.count()).select_from(events), chosen)
    return int(uow.connection.scalar(query) or 0)


def count_all_events(uow: Reading) -> int:
    return int(uow.connection.scalar(select(func.count()).select_from(events)) or 0)


def event_by_id(uow: Reading, event_id: str) -> dict[str, Any] | None:
    row = uow.connection.execute(
        _with_voided_by(select(events)).where(events.c.id == event_id)
    ).first()
    return _document(row) if row else None


def events_between(uow: Reading, slugs: set[str], after: date, until: date) -> list[dict[str, Any]]:
    """Live events naming any of `slugs`, effective in (after, until], by date."""
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
    return [_document(row) for row in uow.connection.execute(query)]


def events_effective_between(
    uow: Reading,
    after: date,
    until: date,
    slugs: set[str] | None,
    limit: int,
    recorded_by: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` live events effective in (after, until] (naming any of `slugs`, when
    given; recorded by the timestamp `recorded_by`, when given), by date, and how many there
    are in all."""
    conditions = [
        events.c.effective_on > after,
        events.c.effective_on <= until,
        voids.c.event_id.is_(None),
    ]
    if slugs is not None:
        conditions.append(
            exists().where(
                event_companies.c.seq == events.c.seq, event_companies.c.company.in_(slugs)
            )
        )
    if recorded_by is not None:
        conditions.append(events.c.recorded_at <= recorded_by)
    query = _with_voided_by(select(events)).where(*conditions)
    total = uow.connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = query.order_by(events.c.effective_on, events.c.seq).limit(limit)
    return [_document(row) for row in uow.connection.execute(page)], int(total)


def events_by_ids(uow: Reading, ids: list[str]) -> list[dict[str, Any]]:
    """The events with these ids, by effective date then `seq`."""
    if not ids:
        return []
    query = (
        _with_voided_by(select(events))
        .where(events.c.id.in_(ids))
        .order_by(events.c.effective_on, events.c.seq)
    )
    return [_document(row) for row in uow.connection.execute(query)]


def occurred_on_of(uow: Reading, ids: Iterable[str]) -> dict[str, PartialDate]:
    """When each of these events happened, at its own precision (a batch of ids at a time)."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, PartialDate] = {}
    for start in range(0, len(wanted), 500):
        query = select(events.c.id, events.c.occurred_on).where(
            events.c.id.in_(wanted[start : start + 500])
        )
        found.update((i, PartialDate.parse(text)) for i, text in uow.connection.execute(query))
    return found


def listed_events(uow: Reading, chosen: EventFilter) -> Iterator[dict[str, Any]]:
    """Every matching event as a list shows it (with `voided_by`, `layer`, `companies`), in
    `seq` order, read a batch at a time."""
    query = _filtered(_with_voided_by(select(events)), chosen).order_by(events.c.seq)
    with uow.connection.execute(query.execution_options(yield_per=EXPORT_BATCH)) as rows:
        for row in rows:
            yield _document(row)


def live_events_on(uow: Reading, event_type: str, effective_on: date) -> list[dict[str, Any]]:
    """Live events of one type taking effect on one day (an index range on the day)."""
    query = (
        _with_voided_by(select(events))
        .where(
            events.c.effective_on == effective_on,
            events.c.type == event_type,
            voids.c.event_id.is_(None),
        )
        .order_by(events.c.seq)
    )
    return [_document(row) for row in uow.connection.execute(query)]


def latest_recorded(uow: Reading, chosen: EventFilter, limit: int) -> list[dict[str, Any]]:
    """The `limit` matching events recorded last, newest first (a walk down the `seq` key)."""
    query = _filtered(_with_voided_by(select(events)), chosen)
    query = query.order_by(events.c.seq.desc()).limit(limit)
    return [_document(row) for row in uow.connection.execute(query)]


def exported_events(uow: Reading, chosen: EventFilter) -> Iterator[dict[str, Any]]:
    """Every matching event's export form in `seq` order, read a batch at a time, each with
    the event that voided it (null while live): the document is the whole log (§9.5)."""
    query = _filtered(_with_voided_by(select(events)), chosen).order_by(events.c.seq)
    with uow.connection.execute(query.execution_options(yield_per=EXPORT_BATCH)) as rows:
        for row in rows:
            document = row_document(row)
            document["voided_by"] = row.voided_by
            yield document


def _live_days() -> Select[Any]:
    return select(events.c.effective_on).where(events.c.id.not_in(select(voids.c.event_id)))


def neighbour_days(uow: Reading, day: date) -> tuple[date | None, date | None]:
    """The last effective date of a live event before `day` and the first after it: two walks
    of the `effective_on` index, however long the log."""
    before = uow.connection.scalar(
        _live_days().where(events.c.effective_on < day).order_by(events.c.effective_on.desc())
        .limit(1)
    )  # fmt: skip
    after = uow.connection.scalar(
        _live_days().where(events.c.effective_on > day).order_by(events.c.effective_on).limit(1)
    )
    return (day_of(before) if before else None, day_of(after) if after else None)


def day_span(uow: Reading) -> tuple[date, date] | None:
    """The first and the last effective date of a live event (None for an empty log)."""
    first = uow.connection.scalar(_live_days().order_by(events.c.effective_on).limit(1))
    last = uow.connection.scalar(_live_days().order_by(events.c.effective_on.desc()).limit(1))
    return (day_of(first), day_of(last)) if first is not None and last is not None else None


def voided_by(uow: Reading, event_id: str) -> list[str]:
    """Ids of the events this event voids (by retracting or superseding them)."""
    query = select(voids.c.event_id).where(voids.c.voided_by == event_id)
    return list(uow.connection.scalars(query))


def first_recorded_at(uow: Reading) -> str | None:
    """When the log's first event was recorded (its `recorded_at` text), or None when empty."""
    found = uow.connection.execute(
        select(events.c.recorded_at).order_by(events.c.seq).limit(1)
    ).scalar()
    return str(found) if found is not None else None


def log_head(uow: Reading) -> int:
    """The last `seq` (0 for an empty log): any append changes it."""
    head = uow.connection.scalar(select(events.c.seq).order_by(events.c.seq.desc()).limit(1))
    return int(head or 0)
