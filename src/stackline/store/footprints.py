"""The day's footprint read from the projection tables: lazily for one company, or all at once.

Every query is one `on_day` predicate over an index on (company, valid_from); none reads the log,
so the cost of an as-of query follows the size of the answer, not the length of the log. Rows
come back as facts (`fact_rows.py`) and become entries, supplies and edges through the same
functions the reference fold uses (`domain/fact_set.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from stackline.domain.dates import PartialDate, day_of
from stackline.domain.fact_set import FactSet, entry_of, holding_of, parent_link, supplies_of
from stackline.domain.footprint import (
    CompanyFacts,
    EventFacts,
    Footprint,
    Holding,
    ParentLink,
    StackEntry,
    Supply,
)
from stackline.store.fact_rows import (
    company_fact,
    edge_fact,
    held_fact,
    link_fact,
    name_fact,
    stake_fact,
)
from stackline.store.tables import (
    companies,
    company_names,
    dependencies,
    events,
    investments,
    ownership_links,
    stack_facts,
)
from stackline.store.temporal import on_day
from stackline.store.units_of_work import Reading

IN_CHUNK = 500


class StoredFootprint:
    """A `FootprintSource` answering from the projection tables, one query per question."""

    def __init__(self, uow: Reading, as_of: date) -> None:
        self.connection = uow.connection
        self.as_of = as_of
        self._companies: dict[str, CompanyFacts | None] = {}

    def company(self, slug: str) -> CompanyFacts | None:
        if slug not in self._companies:
            self._companies[slug] = self._load_company(slug)
        return self._companies[slug]

    def _load_company(self, slug: str) -> CompanyFacts | None:
        """The company on the day, its name then and its parent then, in one query."""
        name = (
            select(company_names.c.name)
            .where(company_names.c.company == slug, on_day(company_names, self.as_of))
            .scalar_subquery()
        )
        parent = (
            select(ownership_links.c.acquirer)
            .where(ownership_links.c.target == slug, on_day(ownership_links, self.as_of))
            .scalar_subquery()
        )
        row = self.connection.execute(
            select(
                companies.c.kind, companies.c.founded_on, name.label("name"), parent.label("parent")
            ).where(companies.c.slug == slug, companies.c.founded_start <= self.as_of)
        ).first()
        if row is None:
            return None
        founded = PartialDate.parse(row.founded_on)
        return CompanyFacts(slug, row.name or slug, row.kind, founded, row.parent)

    def subsidiaries(self, slug: str) -> list[ParentLink]:
        """The companies `slug` owns on the day."""
        rows = self.connection.execute(
            select(ownership_links)
            .where(ownership_links.c.acquirer == slug, on_day(ownership_links, self.as_of))
            .order_by(ownership_links.c.target)
        )
        return [parent_link(link_fact(row)) for row in rows]

    def supplies(self, slug: str) -> list[Supply]:
        rows = self.connection.execute(
            select(stack_facts)
            .where(stack_facts.c.supplier == slug, on_day(stack_facts, self.as_of))
            .order_by(stack_facts.c.row_id)
        )
        return supplies_of([held_fact(row) for row in rows], self._name)

    def direct_entries(self, slug: str) -> list[StackEntry]:
        rows = self.connection.execute(
            select(stack_facts).where(stack_facts.c.holder == slug, on_day(stack_facts, self.as_of))
        )
        return [entry_of(held_fact(row), self._name) for row in rows]

    def _name(self, slug: str) -> str:
        company = self.company(slug)
        return company.name if company else slug

    def holdings(self, slug: str) -> list[Holding]:
        rows = self.connection.execute(
            select(investments)
            .where(investments.c.investor == slug, on_day(investments, self.as_of))
            .order_by(investments.c.valid_from, investments.c.row_id)
        )
        return [holding_of(stake_fact(row)) for row in rows]

    def event_facts(self, ids: set[UUID]) -> dict[UUID, EventFacts]:
        return event_facts(self.connection, ids)


def event_facts(connection: Connection, ids: Iterable[UUID]) -> dict[UUID, EventFacts]:
    """What certainty and confidence need of each event, a query per 500 events."""
    facts: dict[UUID, EventFacts] = {}
    wanted = sorted(str(i) for i in ids)
    for start in range(0, len(wanted), IN_CHUNK):
        rows = connection.execute(
            select(events.c.id, events.c.period_end, events.c.confidence).where(
                events.c.id.in_(wanted[start : start + IN_CHUNK])
            )
        )
        facts.update(
            {UUID(row.id): EventFacts(day_of(row.period_end), row.confidence) for row in rows}
        )
    return facts


def snapshot(
    uow: Reading,
    as_of: date,
    with_event_facts: bool = False,
    with_supply_chain: bool = False,
) -> Footprint:
    """Every company's footprint on `as_of`, loaded in a handful of queries (for the matrix and
    the graph): the facts holding that day, built as the fold builds them.

    Presence does not depend on certainty or confidence, so the events' facts (one lookup per
    event behind an entry) are loaded only when asked for; dependency edges too (the graph wants
    them, the matrix does not).
    """
    connection = uow.connection
    facts = FactSet()
    tables: list[tuple[Any, Any]] = [
        (companies, company_fact), (company_names, name_fact), (ownership_links, link_fact),
        (stack_facts, held_fact), (investments, stake_fact),
    ]  # fmt: skip
    if with_supply_chain:
        tables.append((dependencies, edge_fact))
    for table, fact_of in tables:
        query = select(table)
        if table is companies:
            query = query.where(companies.c.founded_start <= as_of)
        else:
            query = query.where(on_day(table, as_of))
        if "row_id" in table.c:
            query = query.order_by(table.c.row_id)
        for row in connection.execute(query):
            facts.add(fact_of(row))
    footprint = facts.on(as_of)
    if not with_supply_chain:
        footprint.supplied = {}
    if with_event_facts:
        ids = {i for entries in footprint.entries.values() for e in entries for i in e.event_ids}
        ids |= {link.event_id for links in footprint.children.values() for link in links}
        ids |= {i for held in footprint.investments.values() for h in held for i in h.event_ids}
        footprint.facts = event_facts(connection, ids)
    return footprint
