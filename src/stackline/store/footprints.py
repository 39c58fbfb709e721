"""The day's footprint read from the projection tables: lazily for one company, or all at once.

Every query is bounded by an index on (company, valid_from); none reads the log, so the cost of an
as-of query follows the size of the answer, not the length of the log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy import Connection, Row, func, select

from stackline.domain.dates import PartialDate
from stackline.domain.documents import format_timestamp
from stackline.domain.events import Event
from stackline.domain.fold_output import partnership_label, supply_label
from stackline.domain.footprint import (
    AssetNode,
    CompanyFacts,
    DependencyEdge,
    EventFacts,
    Footprint,
    Holding,
    ParentLink,
    StackEntry,
    Supply,
)
from stackline.domain.values import Layer
from stackline.store.rows import row_event
from stackline.store.tables import (
    companies,
    company_names,
    dependencies,
    events,
    investments,
    ownership_links,
    stack_facts,
)

_parse = cache(PartialDate.parse)


class StoredFootprint:
    """A `FootprintSource` answering from the projection tables, one query per question."""

    def __init__(self, connection: Connection, as_of: date) -> None:
        self.connection = connection
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
            .where(company_names.c.company == slug, company_names.c.valid_from <= self.as_of)
            .order_by(company_names.c.valid_from.desc(), company_names.c.seq.desc())
            .limit(1)
            .scalar_subquery()
        )
        parent = (
            select(ownership_links.c.acquirer)
            .where(ownership_links.c.target == slug, ownership_links.c.valid_from <= self.as_of)
            .order_by(ownership_links.c.valid_from.desc(), ownership_links.c.seq.desc())
            .limit(1)
            .scalar_subquery()
        )
        row = self.connection.execute(
            select(
                companies.c.kind, companies.c.founded_on, name.label("name"), parent.label("parent")
            ).where(companies.c.slug == slug, companies.c.founded_start <= self.as_of)
        ).first()
        if row is None:
            return None
        return CompanyFacts(slug, row.name or slug, row.kind, _parse(row.founded_on), row.parent)

    def subsidiaries(self, slug: str) -> list[ParentLink]:
        """Companies whose latest acquisition on the day was by `slug`, in one query."""
        later = ownership_links.alias("later")
        superseded = (
            select(later.c.seq)
            .where(
                later.c.target == ownership_links.c.target,
                later.c.valid_from <= self.as_of,
                (later.c.valid_from > ownership_links.c.valid_from)
                | (
                    (later.c.valid_from == ownership_links.c.valid_from)
                    & (later.c.seq > ownership_links.c.seq)
                ),
            )
            .exists()
        )
        rows = self.connection.execute(
            select(ownership_links)
            .where(
                ownership_links.c.acquirer == slug,
                ownership_links.c.valid_from <= self.as_of,
                ~superseded,
            )
            .order_by(ownership_links.c.target)
        )
        return [_link(row) for row in rows]

    def supplies(self, slug: str) -> list[Supply]:
        rows = self.connection.execute(
            select(stack_facts)
            .where(
                stack_facts.c.supplier == slug,
                stack_facts.c.valid_from <= self.as_of,
                stack_facts.c.valid_to.is_(None) | (stack_facts.c.valid_to > self.as_of),
            )
            .order_by(stack_facts.c.row_id)
        )
        return supplies_of_rows(list(rows), self._name)

    def direct_entries(self, slug: str) -> list[StackEntry]:
        rows = self.connection.execute(
            select(stack_facts).where(
                stack_facts.c.holder == slug,
                stack_facts.c.valid_from <= self.as_of,
                stack_facts.c.valid_to.is_(None) | (stack_facts.c.valid_to > self.as_of),
            )
        )
        return [self._entry(row) for row in rows]

    def _entry(self, row: Row[Any]) -> StackEntry:
        via = tuple(orjson.loads(row.via))
        asset = row.asset
        if row.label != "asset":
            names = [self._name(slug) for slug in via]
            asset = partnership_label(None, row.label == "provider", names)
        return StackEntry(
            Layer(row.layer), asset, row.kind, row.relation, via, row.status, _parse(row.since),
            tuple(UUID(i) for i in orjson.loads(row.event_ids)),
            status_since=_parse(row.status_since) if row.status_since else None,
        )  # fmt: skip

    def _name(self, slug: str) -> str:
        company = self.company(slug)
        return company.name if company else slug

    def holdings(self, slug: str) -> list[Holding]:
        rows = self.connection.execute(
            select(investments)
            .where(investments.c.investor == slug, investments.c.valid_from <= self.as_of)
            .order_by(investments.c.valid_from, investments.c.seq)
        )
        return holdings_of(rows)

    def event_facts(self, ids: set[UUID]) -> dict[UUID, EventFacts]:
        facts: dict[UUID, EventFacts] = {}
        wanted = sorted(str(i) for i in ids)
        for start in range(0, len(wanted), 500):
            rows = self.connection.execute(
                select(events.c.id, events.c.period_end, events.c.confidence).where(
                    events.c.id.in_(wanted[start : start + 500])
                )
            )
            facts.update({UUID(row.id): EventFacts(row.period_end, row.confidence) for row in rows})
        return facts


def supplies_of_rows(rows: list[Any], name_of: Callable[[str], str]) -> list[Supply]:
    """Supplies from `stack_facts` rows that name their supplier: a partnership's provider
    supplies the unit's holders; a co-developer (the holder) supplies the asset's owner."""
    by_unit: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_unit[row.unit].append(row)
    supplies = []
    for unit_rows in by_unit.values():
        first = unit_rows[0]
        if first.kind == "partnership":
            to = tuple(sorted({row.holder for row in unit_rows}))
            asset = first.asset or supply_label(None, [name_of(c) for c in to])
        else:
            to, asset = tuple(orjson.loads(first.via)), first.asset
        supplies.append(
            Supply(
                Layer(first.layer),
                asset,
                to,
                (),
                first.status,
                _parse(first.since),
                tuple(UUID(i) for i in orjson.loads(first.event_ids)),
            )
        )
    return supplies


def holdings_of(rows: Any) -> list[Holding]:
    """Group investment rows (in effective order) into one holding per investee."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.investee].append(row)
    return [
        Holding(investee, tuple(UUID(r.event_id) for r in made), _parse(made[0].occurred_on))
        for investee, made in grouped.items()
    ]


def _link(row: Row[Any]) -> ParentLink:
    return ParentLink(row.acquirer, row.target, UUID(row.event_id), _parse(row.occurred_on))


def company_slugs(connection: Connection, as_of: date) -> list[str]:
    query = (
        select(companies.c.slug)
        .where(companies.c.founded_start <= as_of)
        .order_by(companies.c.slug)
    )
    return list(connection.scalars(query))


def snapshot(
    connection: Connection,
    as_of: date,
    with_event_facts: bool = False,
    with_supply_chain: bool = False,
) -> Footprint:
    """Every company's footprint on `as_of`, loaded in a handful of queries (for the matrix).

    Presence does not depend on certainty or confidence, so the events' facts (one lookup per
    event behind an entry) are loaded only when asked for; supplies and dependency edges too
    (the graph wants them, the matrix does not).
    """
    source = StoredFootprint(connection, as_of)
    footprint = Footprint(as_of=as_of)
    latest_links = _latest_per_target(connection, as_of)
    parents = {link.child: link.parent for link in latest_links}
    names = _latest_names(connection, as_of)
    rows = connection.execute(select(companies).where(companies.c.founded_start <= as_of))
    for row in rows:
        footprint.companies[row.slug] = CompanyFacts(
            row.slug,
            names.get(row.slug, row.slug),
            row.kind,
            _parse(row.founded_on),
            parents.get(row.slug),
        )
    source._companies.update(footprint.companies)
    for link in latest_links:
        footprint.children.setdefault(link.parent, []).append(link)
    facts = list(
        connection.execute(
            select(stack_facts)
            .where(
                stack_facts.c.valid_from <= as_of,
                stack_facts.c.valid_to.is_(None) | (stack_facts.c.valid_to > as_of),
            )
            .order_by(stack_facts.c.row_id)
        )
    )
    for row in facts:
        footprint.entries.setdefault(row.holder, []).append(source._entry(row))
    if with_supply_chain:
        _add_supply_chain(connection, footprint, facts, source._name)
    investment_rows = connection.execute(
        select(investments)
        .where(investments.c.valid_from <= as_of)
        .order_by(investments.c.investor, investments.c.valid_from, investments.c.seq)
    )
    by_investor: dict[str, list[Any]] = defaultdict(list)
    for row in investment_rows:
        by_investor[row.investor].append(row)
    for investor, made in by_investor.items():
        footprint.investments[investor] = holdings_of(made)
    if with_event_facts:
        ids = {i for entries in footprint.entries.values() for e in entries for i in e.event_ids}
        ids |= {link.event_id for link in latest_links}
        ids |= {i for held in footprint.investments.values() for h in held for i in h.event_ids}
        footprint.facts = source.event_facts(ids)
    return footprint


def _add_supply_chain(
    connection: Connection, footprint: Footprint, rows: list[Any], name_of: Callable[[str], str]
) -> None:
    by_supplier: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row.supplier is not None:
            by_supplier[row.supplier].append(row)
    for supplier, supplied in by_supplier.items():
        footprint.supplied[supplier] = supplies_of_rows(supplied, name_of)
    edges = connection.execute(
        select(dependencies).where(
            dependencies.c.valid_from <= footprint.as_of,
            dependencies.c.valid_to.is_(None) | (dependencies.c.valid_to > footprint.as_of),
        )
    )
    footprint.dependencies = [dependency_edge(row) for row in edges]


def dependency_edge(row: Any) -> DependencyEdge:
    return DependencyEdge(
        AssetNode(row.from_company, Layer(row.from_layer), row.from_asset),
        AssetNode(row.on_company, Layer(row.on_layer), row.on_asset),
        row.kind, row.status, _parse(row.since),
        tuple(UUID(i) for i in orjson.loads(row.event_ids)),
    )  # fmt: skip


def _latest_names(connection: Connection, as_of: date) -> dict[str, str]:
    ranked = (
        select(
            company_names.c.company,
            company_names.c.name,
            func.row_number()
            .over(
                partition_by=company_names.c.company,
                order_by=(company_names.c.valid_from.desc(), company_names.c.seq.desc()),
            )
            .label("rank"),
        )
        .where(company_names.c.valid_from <= as_of)
        .subquery()
    )
    rows = connection.execute(select(ranked.c.company, ranked.c.name).where(ranked.c.rank == 1))
    return {row.company: row.name for row in rows}


def _latest_per_target(connection: Connection, as_of: date) -> list[ParentLink]:
    ranked = (
        select(
            ownership_links,
            func.row_number()
            .over(
                partition_by=ownership_links.c.target,
                order_by=(ownership_links.c.valid_from.desc(), ownership_links.c.seq.desc()),
            )
            .label("rank"),
        )
        .where(ownership_links.c.valid_from <= as_of)
        .subquery()
    )
    rows = connection.execute(select(ranked).where(ranked.c.rank == 1))
    return [_link(row) for row in rows]


def events_known_on(connection: Connection, known_on: datetime) -> list[Event]:
    """Every event recorded by `known_on`, in `seq` order (for folds of "what we knew then")."""
    cutoff = format_timestamp(known_on)
    query = (
        select(events)
        .where(events.c.recorded_at <= cutoff)
        .order_by(events.c.seq)
        .execution_options(yield_per=5000)
    )
    with connection.execute(query) as rows:
        return [row_event(row) for row in rows]
