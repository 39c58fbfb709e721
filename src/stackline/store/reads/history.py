"""A company's facts over all of time, loaded in a fixed number of queries.

What can change a company's stack is its own facts and those of every company it ever owned
or invested in (and theirs, downwards): its *closure* (`temporal.closure`, one recursive query).
Their facts — names, ownership links, stack rows, stakes, edges — are then read with one query
per table, however many companies or events there are, into a `FactSet` that answers any day in
memory (`FactSet.on`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import select

from stackline.domain.fact_set import FactSet
from stackline.domain.footprint import EventFacts
from stackline.store.fact_rows import (
    company_fact,
    edge_fact,
    held_fact,
    link_fact,
    name_fact,
    stake_fact,
)
from stackline.store.footprints import event_facts as stored_event_facts
from stackline.store.statements import IN_CHUNK
from stackline.store.tables import (
    companies,
    company_names,
    dependencies,
    investments,
    ownership_links,
    stack_facts,
)
from stackline.store.temporal import closure
from stackline.store.units_of_work import Reading


def company_closure(uow: Reading, slug: str) -> set[str]:
    """`slug` and every company it ever acquired or invested in, transitively (one query)."""
    return closure(uow.connection, [slug], "below", with_stakes=True)


def history_facts(uow: Reading, slugs: set[str]) -> FactSet:
    """Everything `slugs` held, with the days each fact held (names of partners included)."""
    facts = FactSet()
    wanted = sorted(slugs)
    held = [held_fact(r) for r in _rows_in(uow, stack_facts, stack_facts.c.holder, wanted)]
    supplied = [held_fact(r) for r in _rows_in(uow, stack_facts, stack_facts.c.supplier, wanted)]
    partners = {slug for fact in held for slug in fact.via} | {fact.holder for fact in supplied}
    # Whose parents matter: the closure's and its partners' owners tell ownership groups apart.
    known = sorted(closure(uow.connection, slugs | partners, "above"))
    for row in _rows_in(uow, companies, companies.c.slug, known):
        facts.add(company_fact(row))
    for row in _rows_in(uow, ownership_links, ownership_links.c.target, known):
        facts.add(link_fact(row))
    for row in _rows_in(uow, investments, investments.c.investor, wanted):
        facts.add(stake_fact(row))
    for row in _rows_in(uow, company_names, company_names.c.company, sorted(slugs | partners)):
        facts.add(name_fact(row))
    for fact in held:
        facts.add(fact)
    for fact in supplied:
        if fact.holder not in slugs:  # a held fact is listed once: its supplier is indexed too
            facts.supplied[fact.supplier or ""].append(fact)
    for row in _rows_in(uow, dependencies, dependencies.c.from_company, wanted):
        facts.add(edge_fact(row))
    return facts


def event_facts(uow: Reading, ids: Iterable[UUID]) -> dict[UUID, EventFacts]:
    """What certainty and confidence need of each event, a query per 500 events."""
    return stored_event_facts(uow.connection, ids)


def _rows_in(uow: Reading, table: Any, column: Any, values: list[str]) -> Iterable[Any]:
    query = select(table).order_by(*([table.c.row_id] if "row_id" in table.c else []))
    for start in range(0, len(values), IN_CHUNK):
        yield from uow.connection.execute(query.where(column.in_(values[start : start + IN_CHUNK])))
