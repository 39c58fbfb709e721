"""The rows capacity is composed from (DESIGN §9.3, §9.6), read by index into a `CapacityFacts`.

A company's series reads the sizes and contracts of every company it ever owned (its closure,
one recursive query), a day's ranking those holding on the day; either way the facilities the
contracts name are then found by their folded names and aliases (indexed), and the ownership
links of everyone whose group matters, so the rules (`domain/capacity.py`) answer in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from stackline.domain.capacity import CapacityFacts
from stackline.store.fact_rows import (
    alias_fact,
    capacity_fact,
    company_fact,
    contract_fact,
    link_fact,
    name_fact,
)
from stackline.store.statements import IN_CHUNK
from stackline.store.tables import (
    aliases,
    capacity_contracts,
    companies,
    company_names,
    facility_capacity,
    ownership_links,
)
from stackline.store.temporal import closure, on_day
from stackline.store.units_of_work import Reading


def company_capacity_facts(uow: Reading, slug: str) -> CapacityFacts:
    """What `slug`'s capacity on any day is composed from."""
    members = sorted(closure(uow.connection, [slug], "below"))
    loaded = _Loaded(uow)
    loaded.sizes(_in(select(facility_capacity), facility_capacity.c.company, members))
    loaded.contracts(_in(select(capacity_contracts), capacity_contracts.c.holder, members))
    loaded.companies(_in(select(companies), companies.c.slug, [slug]))
    loaded.names(_in(select(company_names), company_names.c.company, [slug]))
    loaded.matching({slug, *members})
    return loaded.facts


def day_capacity_facts(uow: Reading, day: date) -> CapacityFacts:
    """What every company's capacity on `day` is composed from."""
    loaded = _Loaded(uow)
    loaded.sizes([select(facility_capacity).where(on_day(facility_capacity, day))])
    loaded.contracts([select(capacity_contracts).where(on_day(capacity_contracts, day))])
    loaded.links([select(ownership_links).where(on_day(ownership_links, day))])
    loaded.matching(set())
    # Only the tops of the groups holding something can rank: their founding and names.
    facts = loaded.facts
    tops = sorted({facts.top_on(slug, day) for slug in [*facts.owned_by, *facts.contracts]})
    founded = select(companies).where(companies.c.founded_start <= day)
    loaded.companies(_in(founded, companies.c.slug, tops))
    named = select(company_names).where(on_day(company_names, day))
    loaded.names(_in(named, company_names.c.company, tops))
    return facts


class _Loaded:
    """Rows read into facts, each row once."""

    def __init__(self, uow: Reading) -> None:
        self.uow = uow
        self.facts = CapacityFacts()
        self.seen: set[tuple[str, Any]] = set()
        self.providers: set[str] = set()
        self.keys: set[str] = set()

    def _rows(self, queries: Iterable[Select[Any]], name: str) -> Iterator[Any]:
        for query in queries:
            for row in self.uow.connection.execute(query):
                key = (name, row.slug if name == "companies" else row.row_id)
                if key not in self.seen:
                    self.seen.add(key)
                    yield row

    def sizes(self, queries: Iterable[Select[Any]]) -> None:
        for row in self._rows(queries, "sizes"):
            self.facts.add(capacity_fact(row))

    def contracts(self, queries: Iterable[Select[Any]]) -> None:
        for row in self._rows(queries, "contracts"):
            self.facts.add(contract_fact(row))
            self.providers.add(row.provider)
            if row.asset_key:
                self.keys.add(row.asset_key)

    def links(self, queries: Iterable[Select[Any]]) -> None:
        for row in self._rows(queries, "links"):
            self.facts.add(link_fact(row))

    def companies(self, queries: Iterable[Select[Any]]) -> None:
        for row in self._rows(queries, "companies"):
            self.facts.add(company_fact(row))

    def names(self, queries: Iterable[Select[Any]]) -> None:
        for row in self._rows(queries, "names"):
            self.facts.add(name_fact(row))

    def matching(self, companies: set[str]) -> None:
        """The facilities the contracts' assets may name (by folded name or alias), and the
        ownership links over all time of everyone whose group a rule asks about."""
        keys = sorted(self.keys)
        alias_rows = list(
            self._rows(
                _in(select(aliases).where(aliases.c.layer == "compute"), aliases.c.alias_key, keys),
                "aliases",
            )
        )
        for row in alias_rows:
            self.facts.add(alias_fact(row))
        units = sorted({row.unit for row in alias_rows})
        self.sizes(_in(select(facility_capacity), facility_capacity.c.name_key, keys))
        self.sizes(_in(select(facility_capacity), facility_capacity.c.unit, units))
        owners = {size.company for sizes in self.facts.sizes.values() for size in sizes}
        holders = set(self.facts.contracts)
        wanted = companies | self.providers | owners | holders
        above = sorted(closure(self.uow.connection, wanted, "above"))
        self.links(_in(select(ownership_links), ownership_links.c.target, above))


def _in(query: Select[Any], column: Any, values: list[str]) -> Iterator[Select[Any]]:
    """`query` for `values` of `column`, 500 at a time — one query even for no values, so a
    read costs as many statements whatever the log holds (a page's statement count is
    tested to stay the same with the bundled data as without)."""
    ordered = query.order_by(*([query.selected_columns.row_id] if _has_row_id(query) else []))
    for start in range(0, max(len(values), 1), IN_CHUNK):
        yield ordered.where(column.in_(values[start : start + IN_CHUNK]))


def _has_row_id(query: Select[Any]) -> bool:
    return "row_id" in query.selected_columns
