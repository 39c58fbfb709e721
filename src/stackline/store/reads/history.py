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
from stackline.domain.fold_output import partnership_label
from stackline.domain.footprint import CompanyFacts, EventFacts, ParentLink, StackEntry
from stackline.domain.footprint_history import (
    DatedInvestment,
    DatedLink,
    DatedName,
    FootprintHistory,
    Held,
    HeldDependency,
    HeldSupply,
)
from stackline.domain.values import Layer
from stackline.store.footprints import dependency_edge, supplies_of_rows
from stackline.store.tables import (
    companies,
    company_names,
    dependencies,
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


def with_owners(uow: Reading, slugs: set[str]) -> set[str]:
    """`slugs` and every company that ever owned one of them, transitively (one query)."""
    if not slugs:
        return set()
    anchor = select(companies.c.slug.label("company")).where(companies.c.slug.in_(sorted(slugs)))
    related = anchor.cte("owners", recursive=True)
    owner = select(ownership_links.c.acquirer).join(
        related, ownership_links.c.target == related.c.company
    )
    related = related.union(owner)
    return set(uow.connection.scalars(select(related.c.company))) | slugs


def footprint_history(uow: Reading, slugs: set[str]) -> FootprintHistory:
    """Everything `slugs` held, with the days each fact held (names of partners included)."""
    history = FootprintHistory()
    wanted = sorted(slugs)
    held_rows = list(_rows_in(uow, select(stack_facts), stack_facts.c.holder, wanted))
    supplied_rows = list(_rows_in(uow, select(stack_facts), stack_facts.c.supplier, wanted))
    partners = {slug for row in held_rows for slug in orjson.loads(row.via)}
    partners |= {row.holder for row in supplied_rows}
    # Whose parents matter: the closure's and its partners' owners tell ownership groups apart.
    known = sorted(with_owners(uow, slugs | partners))
    for row in _rows_in(uow, select(companies), companies.c.slug, known):
        history.companies[row.slug] = CompanyFacts(
            row.slug, row.slug, row.kind, PartialDate.parse(row.founded_on)
        )
    for row in _rows_in(uow, select(ownership_links), ownership_links.c.target, known):
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
    supplied_rows = list(_rows_in(uow, select(stack_facts), stack_facts.c.supplier, wanted))
    partners = {slug for row in held_rows for slug in orjson.loads(row.via)}
    partners |= {row.holder for row in supplied_rows}
    for row in _rows_in(
        uow, select(company_names), company_names.c.company, sorted(slugs | partners)
    ):
        history.names[row.company].append(DatedName(_day(row.valid_from), row.seq, row.name))
    current = {slug: max(names, key=lambda n: (n.valid_from, n.seq)).name
               for slug, names in history.names.items()}  # fmt: skip
    for row in held_rows:
        history.held[row.holder].append(
            Held(_day(row.valid_from), _day(row.valid_to) if row.valid_to else None,
                 stored_entry(row, current), row.label)
        )  # fmt: skip
    _add_supplies(history, supplied_rows, current)
    for row in _rows_in(uow, select(dependencies), dependencies.c.from_company, wanted):
        until = _day(row.valid_to) if row.valid_to else None
        history.dependencies.append(
            HeldDependency(_day(row.valid_from), until, dependency_edge(row))
        )
    return history


def _add_supplies(history: FootprintHistory, rows: list[Any], names: dict[str, str]) -> None:
    """Supplies over time: a supplier's rows of one unit that share a validity interval are one."""
    periods: dict[tuple[str, str, Any, Any], list[Any]] = {}
    for row in rows:
        periods.setdefault((row.supplier, row.unit, row.valid_from, row.valid_to), []).append(row)
    for (_, _, valid_from, valid_to), period_rows in periods.items():
        for supply in supplies_of_rows(period_rows, lambda slug: names.get(slug, slug)):
            supplier, named = period_rows[0].supplier, bool(period_rows[0].asset)
            until = _day(valid_to) if valid_to else None
            history.supplied[supplier].append(HeldSupply(_day(valid_from), until, supply, named))


def stored_entry(row: Any, names: dict[str, str]) -> StackEntry:
    """A `stack_facts` row as an entry; partnerships without an asset are labelled by names."""
    via = tuple(orjson.loads(row.via))
    asset = row.asset
    if row.label != "asset":
        asset = partnership_label(None, row.label == "provider", [names.get(s, s) for s in via])
    return StackEntry(
        Layer(row.layer), asset, row.kind, row.relation, via, row.status,
        PartialDate.parse(row.since), tuple(UUID(i) for i in orjson.loads(row.event_ids)),
        status_since=PartialDate.parse(row.status_since) if row.status_since else None,
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
