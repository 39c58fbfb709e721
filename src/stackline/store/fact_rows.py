"""Facts as rows and rows as facts: each kind of fact (`domain/facts.py`) has a table of its own.

The projector writes a unit's facts with `fact_row`; reads turn rows back with the `*_fact`
functions, so every read builds the same `Fact`s the reference fold builds in memory. Dates go
in as ISO text (both backends read it as `Date`) and come back through `day_of`.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Table

from stackline.domain.dates import PartialDate, day_of, maybe_day
from stackline.domain.facts import (
    AliasFact,
    CapacityFact,
    CompanyFact,
    ContractFact,
    EdgeFact,
    Fact,
    HeldFact,
    LinkFact,
    NameFact,
    PlanFact,
    StakeFact,
)
from stackline.domain.units import asset_key
from stackline.domain.values import fold_name
from stackline.store.statements import json_text
from stackline.store.tables import (
    aliases,
    capacity_contracts,
    companies,
    company_names,
    dependencies,
    facility_capacity,
    investments,
    ownership_links,
    plans,
    stack_facts,
)

# The tables a kind of unit writes (and so clears when it is recomputed).
UNIT_TABLES: dict[str, tuple[Table, ...]] = {
    "asset": (stack_facts, dependencies, aliases, facility_capacity),
    "partnership": (stack_facts, capacity_contracts),
    "dependency": (dependencies,),
    "company": (companies, company_names, aliases),
    "parent": (ownership_links,),
    "stake": (investments,),
}
_parse = PartialDate.parse


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def fact_row(fact: Fact | PlanFact) -> tuple[Table, dict[str, Any]]:
    """The table a fact goes to, and its row there."""
    if isinstance(fact, HeldFact):
        return stack_facts, {
            "unit": fact.unit, "holder": fact.holder, "layer": fact.layer,
            "relation": fact.relation, "asset": fact.asset, "label": fact.label,
            "kind": fact.kind, "via": json_text(list(fact.via)), "status": fact.status,
            "since": fact.since.text, "event_ids": json_text(list(fact.event_ids)),
            "valid_from": fact.valid_from.isoformat(), "valid_to": _iso(fact.valid_to),
            "supplier": fact.supplier,
            "available_since": fact.available_since.text if fact.available_since else None,
        }  # fmt: skip
    if isinstance(fact, EdgeFact):
        return dependencies, {
            "unit": fact.unit, "from_company": fact.from_company, "from_layer": fact.from_layer,
            "from_key": asset_key(fact.from_company, fact.from_layer, fact.from_asset),
            "from_asset": fact.from_asset, "on_company": fact.on_company,
            "on_layer": fact.on_layer,
            "on_key": asset_key(fact.on_company or "", fact.on_layer, fact.on_asset),
            "on_asset": fact.on_asset, "kind": fact.kind, "status": fact.status,
            "since": fact.since.text, "event_ids": json_text(list(fact.event_ids)),
            "valid_from": fact.valid_from.isoformat(), "valid_to": _iso(fact.valid_to),
        }  # fmt: skip
    if isinstance(fact, CompanyFact):
        return companies, {
            "slug": fact.slug, "unit": fact.unit, "founded_on": fact.founded.text,
            "founded_start": fact.founded.start.isoformat(), "kind": fact.kind,
            "event_id": fact.event_id,
        }  # fmt: skip
    if isinstance(fact, NameFact):
        return company_names, {
            "unit": fact.unit, "company": fact.company, "name": fact.name,
            "name_key": fold_name(fact.name),
            "valid_from": fact.valid_from.isoformat(), "valid_to": _iso(fact.valid_to),
        }  # fmt: skip
    if isinstance(fact, LinkFact):
        return ownership_links, {
            "unit": fact.unit, "target": fact.target, "acquirer": fact.acquirer,
            "occurred_on": fact.occurred.text, "event_id": fact.event_id,
            "valid_from": fact.valid_from.isoformat(), "valid_to": _iso(fact.valid_to),
        }  # fmt: skip
    if isinstance(fact, AliasFact):
        return aliases, {
            "unit": fact.unit, "company": fact.company, "layer": fact.layer, "alias": fact.alias,
            "alias_key": fold_name(fact.alias), "valid_from": fact.valid_from.isoformat(),
            "valid_to": _iso(fact.valid_to),
        }  # fmt: skip
    if isinstance(fact, StakeFact):
        return investments, {
            "unit": fact.unit, "investor": fact.investor, "investee": fact.investee,
            "since": fact.since.text, "event_ids": json_text(list(fact.event_ids)),
            "valid_from": fact.valid_from.isoformat(), "valid_to": _iso(fact.valid_to),
        }  # fmt: skip
    if isinstance(fact, CapacityFact):
        return facility_capacity, {
            "unit": fact.unit, "company": fact.company, "facility": fact.facility,
            "name_key": fold_name(fact.facility), "status": fact.status,
            "capacity_mw": fact.capacity_mw, "h100e": fact.h100e,
            "event_ids": json_text(list(fact.event_ids)),
            "valid_from": fact.valid_from.isoformat(), "valid_to": _iso(fact.valid_to),
        }  # fmt: skip
    if isinstance(fact, ContractFact):
        return capacity_contracts, {
            "unit": fact.unit, "partnership": fact.partnership, "holder": fact.holder,
            "provider": fact.provider, "asset": fact.asset,
            "asset_key": fold_name(fact.asset) if fact.asset else None, "amount": fact.amount,
            "occurred_on": fact.occurred.text, "event_ids": json_text(list(fact.event_ids)),
            "valid_from": fact.valid_from.isoformat(), "valid_to": _iso(fact.valid_to),
        }  # fmt: skip
    return plans, {
        "seq": fact.seq, "event_id": fact.event_id, "kind": fact.kind, "company": fact.company,
        "valid_from": fact.valid_from.isoformat(),
    }  # fmt: skip


def held_fact(row: Any) -> HeldFact:
    return HeldFact(
        row.unit, row.holder, row.layer, row.relation, row.asset, row.label, row.kind,
        tuple(orjson.loads(row.via)), row.status, _parse(row.since),
        tuple(orjson.loads(row.event_ids)), day_of(row.valid_from), maybe_day(row.valid_to),
        row.supplier, _parse(row.available_since) if row.available_since else None,
    )  # fmt: skip


def edge_fact(row: Any) -> EdgeFact:
    return EdgeFact(
        row.unit, row.from_company, row.from_layer, row.from_asset, row.on_company,
        row.on_layer, row.on_asset, row.kind, row.status, _parse(row.since),
        tuple(orjson.loads(row.event_ids)), day_of(row.valid_from), maybe_day(row.valid_to),
    )  # fmt: skip


def company_fact(row: Any) -> CompanyFact:
    return CompanyFact(row.unit, row.slug, _parse(row.founded_on), row.kind, row.event_id)


def name_fact(row: Any) -> NameFact:
    return NameFact(
        row.unit, row.company, row.name, day_of(row.valid_from), maybe_day(row.valid_to)
    )


def link_fact(row: Any) -> LinkFact:
    return LinkFact(
        row.unit, row.target, row.acquirer, _parse(row.occurred_on), row.event_id,
        day_of(row.valid_from), maybe_day(row.valid_to),
    )  # fmt: skip


def stake_fact(row: Any) -> StakeFact:
    return StakeFact(
        row.unit, row.investor, row.investee, _parse(row.since),
        tuple(orjson.loads(row.event_ids)), day_of(row.valid_from), maybe_day(row.valid_to),
    )  # fmt: skip


def alias_fact(row: Any) -> AliasFact:
    return AliasFact(
        row.unit, row.company, row.layer, row.alias, day_of(row.valid_from),
        maybe_day(row.valid_to),
    )  # fmt: skip


def capacity_fact(row: Any) -> CapacityFact:
    return CapacityFact(
        row.unit, row.company, row.facility, row.status, row.capacity_mw, row.h100e,
        tuple(orjson.loads(row.event_ids)), day_of(row.valid_from), maybe_day(row.valid_to),
    )  # fmt: skip


def contract_fact(row: Any) -> ContractFact:
    return ContractFact(
        row.unit, row.partnership, row.holder, row.provider, row.asset, row.amount,
        _parse(row.occurred_on), tuple(orjson.loads(row.event_ids)), day_of(row.valid_from),
        maybe_day(row.valid_to),
    )  # fmt: skip
