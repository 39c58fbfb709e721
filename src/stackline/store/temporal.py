"""Time in one place: which projection rows hold on a day, and who owns whom, on a day or ever.

Every projection row holds over `[valid_from, valid_to)` (`valid_to` NULL: still holding), so
"on day D" is one predicate, `on_day`, whatever the table: a name, a parent, an entry, an edge,
a stake, a presence row. The ownership closure — every company below (or above) some companies,
on a day or on any day — is one recursive query over `ownership_links`, `closure`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Table, and_, or_, select, union_all

from stackline.store.statements import IN_CHUNK, chunks
from stackline.store.tables import investments, ownership_links


def on_day(table: Table, day: date | ColumnElement[Any]) -> ColumnElement[bool]:
    """Rows of `table` that hold on `day` (a date, or a column such as an event's date):
    `valid_from ≤ day < valid_to`."""
    return and_(table.c.valid_from <= day, or_(table.c.valid_to.is_(None), table.c.valid_to > day))


def overlapping(table: Table, start: date, end: date) -> ColumnElement[bool]:
    """Rows of `table` that hold on some day of `[start, end]`."""
    return and_(
        table.c.valid_from <= end, or_(table.c.valid_to.is_(None), table.c.valid_to > start)
    )


Direction = Literal["below", "above"]


def closure(
    connection: Connection,
    companies: Iterable[str],
    direction: Direction,
    day: date | None = None,
    with_stakes: bool = False,
) -> set[str]:
    """`companies` and every company below them (that they own, transitively) or above them
    (that own them), on `day` or, without one, on any day; `with_stakes` also follows
    investments downwards (what a company's history is composed from)."""
    wanted = sorted(set(companies))
    found = set(wanted)
    for chunk in chunks(wanted, IN_CHUNK):
        found |= set(connection.scalars(_closure_query(chunk, direction, day, with_stakes)))
    return found


def _closure_query(
    companies: list[str], direction: Direction, day: date | None, with_stakes: bool
) -> Any:
    links = ownership_links
    source, to = (links.c.acquirer, links.c.target)
    if direction == "above":
        source, to = to, source
    edges = select(source.label("source"), to.label("to"))
    if day is not None:
        edges = edges.where(on_day(links, day))
    if with_stakes:
        edges = union_all(  # type: ignore[assignment]
            edges,
            select(investments.c.investor.label("source"), investments.c.investee.label("to")),
        )
    graph = edges.subquery("edges")
    reached = select(graph.c.to.label("company")).where(graph.c.source.in_(companies))
    related = reached.cte("related", recursive=True)
    further = select(graph.c.to).join(related, graph.c.source == related.c.company)
    related = related.union(further)  # UNION, not ALL: an ownership cycle cannot loop it
    return select(related.c.company)
