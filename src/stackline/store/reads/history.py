"""A company's footprint over all of time, loaded in a fixed number of queries.

What can change a company's stack is its own facts and those of every company it ever owned
or invested in (and theirs, downwards): its *closure*, found with one recursive query. Their
names, ownership links, stack rows and investments are then read with one query each, however
many companies or events there are, into a `FootprintHistory` that answers any day in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy import literal, select, union_all

from stackline.domain.dates import PartialDate
from stackline.domain.fold import partnership_label
from stackline.domain.footprint import CompanyFacts, EventFacts, ParentLink, StackEntry
from stackline.domain.footprint_history import (
    DatedInvestment,
    DatedLink,
    DatedName,
    FootprintHistory,
    Held,
)
from stackline.domain.values import Layer
from stackline.store.tables import (
    companies,
    company_names,
    events,
    investments,
    ownership_links,
    stack_facts,
)
from stackline.store.units_of_work import Reading

IN_CHUNK = 500


def closure(uow: Reading, slug: str) -> set[str]:
    """`slug` and every company it ever acquired or invested in, transitively (one query)."""
    edges = union_all(
        select(ownership_links.c.acquirer.label("source"), ownership_links.c.target.label("to")),
        select(investments.c.investor.label("source"), investments.c.investee.label("to")),
    ).subquery("edges")
    related = select(literal(slug).label("company")).cte("related", recursive=True)
    reached = select(edges.c.to).join(related, edges.c.source == related.c.company)
    related = related.union(reached)  # UNION, not ALL: an ownership cycle cannot loop it
    return set(uow.connection.scalars(select(related.c.company)))


def footprint_history(uow: Reading, slugs: set[str]) -> FootprintHistory:
    """Everything `slugs` held, with the days each fact held (names of partners included)."""
    history = FootprintHistory()
    wanted = sorted(slugs)
    for row in _rows_in(uow, select(companies), companies.c.slug, wanted):
        history.companies[row.slug] = CompanyFacts(
            row.slug, row.slug, row.kind, PartialDate.parse(row.founded_on)
        )
    for row in _rows_in(uow, select(ownership_links), ownership_links.c.target, wanted):
        link = ParentLink(
            row.acquirer, row.target, UUID(row.event_id), PartialDate.parse(row.occurred_on)
        )
        history.links[row.target].append(DatedLink(_day(row.valid_from), row.seq, link))
    for row in _rows_in(uow, select(investments), investments.c.investor, wanted):
        history.investments[row.investor].append(
            DatedInvestment(_day(row.valid_from), row.seq, row.investee, row.event_id,
                            PartialDate.parse(row.occurred_on))
        )  # fmt: skip
    held_rows = list(_rows_in(uow, select(stack_facts), stack_facts.c.holder, wanted))
    partners = {slug for row in held_rows for slug in orjson.loads(row.via)}
    for row in _rows_in(
        uow, select(company_names), company_names.c.company, sorted(slugs | partners)
    ):
        history.names[row.company].append(DatedName(_day(row.valid_from), row.seq, row.name))
    current = {slug: max(names, key=lambda n: (n.valid_from, n.seq)).name
               for slug, names in history.names.items()}  # fmt: skip
    for row in held_rows:
        history.held[row.holder].append(
            Held(_day(row.valid_from), _day(row.valid_to) if row.valid_to else None,
                 stored_entry(row, current))
        )  # fmt: skip
    return history


def stored_entry(row: Any, names: dict[str, str]) -> StackEntry:
    """A `stack_facts` row as an entry; partnerships without an asset are labelled by names."""
    via = tuple(orjson.loads(row.via))
    asset = row.asset
    if row.label != "asset":
        asset = partnership_label(None, row.label == "provider", [names.get(s, s) for s in via])
    return StackEntry(
        Layer(row.layer), asset, row.kind, row.relation, via, row.status,
        PartialDate.parse(row.since), tuple(UUID(i) for i in orjson.loads(row.event_ids)),
    )  # fmt: skip


def event_facts(uow: Reading, ids: Iterable[UUID]) -> dict[UUID, EventFacts]:
    """What certainty and confidence need of each event, a query per 500 events."""
    found: dict[UUID, EventFacts] = {}
    query = select(events.c.id, events.c.period_end, events.c.confidence)
    for row in _rows_in(uow, query, events.c.id, sorted(str(i) for i in ids)):
        found[UUID(row.id)] = EventFacts(_day(row.period_end), row.confidence)
    return found


def _rows_in(uow: Reading, query: Any, column: Any, values: list[str]) -> Iterable[Any]:
    for start in range(0, len(values), IN_CHUNK):
        yield from uow.connection.execute(query.where(column.in_(values[start : start + IN_CHUNK])))


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
