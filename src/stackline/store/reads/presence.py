"""Reads of the presence projection: the matrix of a day, a page at a time, and series over time.

Every read is one query on `presence` (rows holding over `[valid_from, valid_to)`): the matrix
of a day walks the rank index (`rank_key`) and stops at the page's end, so the first page costs
the same at 100 companies as at 10,000; a series reads each company's rows in date order.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import orjson
from sqlalchemy import case, func, select

from stackline.domain.dates import day_of, maybe_day
from stackline.domain.presence import PresenceRow
from stackline.domain.values import LAYER_NAMES
from stackline.store.tables import presence
from stackline.store.temporal import on_day, overlapping
from stackline.store.units_of_work import Reading

_LAYER_COLUMNS = [presence.c[name] for name in LAYER_NAMES]
_ROW_COLUMNS = [
    presence.c.company, presence.c.valid_from, presence.c.valid_to, *_LAYER_COLUMNS,
    presence.c.parent, presence.c.name,
]  # fmt: skip


def _row(found: Any) -> PresenceRow:
    """A row of `_ROW_COLUMNS` (unpacked by position: far cheaper than by name)."""
    company, start, end, hardware, compute, model, application, parent, name = found[:9]
    layers = {"hardware": hardware, "compute": compute, "model": model, "application": application}
    return PresenceRow(company, day_of(start), maybe_day(end), layers, parent, name)


def _owned_since(day: date) -> Any:
    """Since when the company of a `presence` row has held that row's number of owned layers,
    as of `day`: the end of its last earlier row with another count, else its first row."""
    other = presence.alias("other")
    last_other = (
        select(func.max(other.c.valid_to))
        .where(
            other.c.company == presence.c.company,
            other.c.valid_from <= day,
            other.c.owned_count != presence.c.owned_count,
        )
        .scalar_subquery()
    )
    first = (
        select(func.min(other.c.valid_from))
        .where(other.c.company == presence.c.company)
        .scalar_subquery()
    )
    return func.coalesce(last_other, first)


def matrix_rows(
    uow: Reading,
    day: date,
    include_subsidiaries: bool,
    offset: int = 0,
    limit: int | None = None,
    by_owned_since: bool = False,
) -> list[PresenceRow]:
    """The companies' rows holding on `day`, most integrated first (top-level ones unless
    asked), `limit` of them from `offset`; `by_owned_since`: among those owning as many
    layers, who has owned that many the longest first."""
    query = select(*_ROW_COLUMNS).where(on_day(presence, day))
    if by_owned_since:
        query = query.order_by(
            presence.c.owned_count.desc(), _owned_since(day), presence.c.rank_key
        )
    else:
        query = query.order_by(presence.c.rank_key)
    if not include_subsidiaries:
        query = query.where(presence.c.parent.is_(None))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [_row(found) for found in uow.connection.execute(query).all()]


def owned_since(uow: Reading, day: date, companies: list[str]) -> dict[str, tuple[date, list[str]]]:
    """For each of `companies` existing on `day`, since when it has owned as many layers as it
    does that day, and the events that made the row starting then."""
    if not companies:
        return {}
    since = select(presence.c.company, _owned_since(day).label("since")).where(
        on_day(presence, day), presence.c.company.in_(companies)
    )
    days = {company: day_of(found) for company, found in uow.connection.execute(since)}
    starting = select(presence.c.company, presence.c.valid_from, presence.c.event_ids).where(
        presence.c.company.in_(list(days)),
        presence.c.valid_from.in_(sorted(set(days.values()))),
    )
    causes = {
        company: orjson.loads(event_ids)
        for company, start, event_ids in uow.connection.execute(starting)
        if days[company] == day_of(start)
    }
    return {company: (start, causes.get(company, [])) for company, start in days.items()}


def rows_on(uow: Reading, day: date, companies: list[str]) -> dict[str, PresenceRow]:
    """The rows of `companies` holding on `day` (none for a company that did not exist)."""
    if not companies:
        return {}
    query = select(*_ROW_COLUMNS).where(on_day(presence, day), presence.c.company.in_(companies))
    return {found.company: _row(found) for found in uow.connection.execute(query)}


def series_rows(
    uow: Reading,
    start: date,
    end: date,
    companies: list[str] | None,
    include_subsidiaries: bool,
) -> Iterator[tuple[PresenceRow, list[str]]]:
    """Each company's rows over `[start, end]` with their causes, by company then date: the
    companies named, or those that exist without a parent on some day of the range (all of
    them with `include_subsidiaries`)."""
    query = (
        select(*_ROW_COLUMNS, presence.c.event_ids)
        .where(overlapping(presence, start, end))
        .order_by(presence.c.company, presence.c.valid_from)
    )
    if companies is not None:
        query = query.where(presence.c.company.in_(companies))
    elif not include_subsidiaries:
        top_level = (
            select(presence.c.company)
            .where(overlapping(presence, start, end), presence.c.parent.is_(None))
            .distinct()
        )
        query = query.where(presence.c.company.in_(top_level))
    for found in uow.connection.execution_options(stream_results=True).execute(query):
        yield _row(found), orjson.loads(found[9])


def first_row_day(uow: Reading) -> date | None:
    """The earliest day any company has a row (its founding)."""
    found = uow.connection.execute(select(func.min(presence.c.valid_from))).scalar_one()
    return day_of(found) if found is not None else None


def first_days(uow: Reading, owned: int) -> tuple[date | None, date | None]:
    """The earliest day any company has a row, and the earliest day a company without a parent
    owned `owned` layers or more (one query)."""
    integrated = presence.c.parent.is_(None) & (presence.c.owned_count >= owned)
    first, first_integrated = uow.connection.execute(
        select(
            func.min(presence.c.valid_from),
            func.min(case((integrated, presence.c.valid_from))),
        )
    ).one()
    return (
        day_of(first) if first is not None else None,
        day_of(first_integrated) if first_integrated is not None else None,
    )
