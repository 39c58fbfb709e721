"""Compute capacity, owned and contracted, on a day (DESIGN §9.3; §9.6 is the one statement of
the rules, written here once).

The rules read facts over time: facilities' sizes (`CapacityFact`), the parties' sides of
active compute partnerships (`ContractFact`), ownership links, companies and their names, and
the aliases by which a contract's `asset` finds its facility. The reference fold fills a
`CapacityFacts` with every fact of the log; the store fills one with the rows a question needs
(`store/reads/capacity.py`); the same functions answer both (`capacity_series.py` over time).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from stackline.domain.facts import (
    AliasFact,
    CapacityFact,
    CompanyFact,
    ContractFact,
    LinkFact,
    NameFact,
    holds_on,
)
from stackline.domain.values import fold_name

Relation = Literal["owned", "contracted"]


def number(value: float | None) -> float | int | None:
    """A figure as the answers write it: whole numbers without a fraction, others to 6 places."""
    if value is None:
        return None
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() else rounded


class CapacityFacts:
    """The facts capacity is composed from, indexed the way the rules look them up."""

    def __init__(self, facts: Iterable[object] = ()) -> None:
        self.sizes: dict[str, list[CapacityFact]] = defaultdict(list)  # by facility unit
        self.owned_by: dict[str, list[CapacityFact]] = defaultdict(list)  # by owner
        self.named: dict[str, set[str]] = defaultdict(set)  # folded name → facility units
        self.aliases: dict[str, list[AliasFact]] = defaultdict(list)  # folded alias → facts
        self.contracts: dict[str, list[ContractFact]] = defaultdict(list)  # by holder
        self.links: dict[str, list[LinkFact]] = defaultdict(list)  # by target
        self.children: dict[str, list[LinkFact]] = defaultdict(list)  # by acquirer
        self.companies: dict[str, CompanyFact] = {}
        self.names: dict[str, list[NameFact]] = defaultdict(list)
        self._matches: dict[str, str | None] = {}
        for fact in facts:
            self.add(fact)

    def add(self, fact: object) -> None:
        if isinstance(fact, CapacityFact):
            self.sizes[fact.unit].append(fact)
            self.owned_by[fact.company].append(fact)
            self.named[fold_name(fact.facility)].add(fact.unit)
        elif isinstance(fact, ContractFact):
            self.contracts[fact.holder].append(fact)
        elif isinstance(fact, AliasFact):
            if fact.layer == "compute":
                self.aliases[fold_name(fact.alias)].append(fact)
        elif isinstance(fact, LinkFact):
            self.links[fact.target].append(fact)
            self.children[fact.acquirer].append(fact)
        elif isinstance(fact, CompanyFact):
            self.companies[fact.slug] = fact
        elif isinstance(fact, NameFact):
            self.names[fact.company].append(fact)

    def name_on(self, slug: str, day: date) -> str:
        return next((n.name for n in self.names.get(slug, ()) if holds_on(n, day)), slug)

    def parent_on(self, slug: str, day: date) -> str | None:
        return next((k.acquirer for k in self.links.get(slug, ()) if holds_on(k, day)), None)

    def top_on(self, slug: str, day: date) -> str:
        """The top of `slug`'s ownership group on `day` (itself when it has no parent)."""
        seen = {slug}
        while (parent := self.parent_on(slug, day)) is not None and parent not in seen:
            seen.add(parent)
            slug = parent
        return slug

    def below_on(self, slug: str, day: date) -> list[tuple[str, tuple[str, ...]]]:
        """`slug` and every company below it on `day`, each with its path of subsidiaries."""
        found: list[tuple[str, tuple[str, ...]]] = [(slug, ())]
        seen = {slug}
        for company, path in found:  # grows as it goes: breadth first
            links = [k for k in self.children.get(company, ()) if holds_on(k, day)]
            for link in sorted(links, key=lambda k: k.target):
                if link.target not in seen:
                    seen.add(link.target)
                    found.append((link.target, (*path, link.target)))
        return found

    def size_on(self, unit: str, day: date) -> CapacityFact | None:
        return next((s for s in self.sizes.get(unit, ()) if holds_on(s, day)), None)

    def matched(self, contract: ContractFact) -> str | None:
        """The facility a contract names (its unit), fixed on the partnership's first day:
        found by name or alias among the facilities of the provider's ownership group then,
        the provider's own first. None when there is no such facility."""
        if contract.partnership not in self._matches:
            self._matches[contract.partnership] = self._match(contract)
        return self._matches[contract.partnership]

    def _match(self, contract: ContractFact) -> str | None:
        if not contract.asset:
            return None
        day, key = contract.occurred.start, fold_name(contract.asset)
        units = set(self.named.get(key, ()))
        units |= {a.unit for a in self.aliases.get(key, ()) if holds_on(a, day)}
        group = self.top_on(contract.provider, day)
        found = []
        for unit in units:
            size = self.size_on(unit, day)
            if size is not None and self.top_on(size.company, day) == group:
                found.append((size.company != contract.provider, unit))
        return min(found)[1] if found else None


@dataclass(frozen=True, slots=True)
class FacilityShare:
    """One facility behind a company's capacity on a day, and how the company has it."""

    unit: str
    company: str  # the facility's owner
    facility: str
    relation: Relation
    via: tuple[str, ...]
    capacity_mw: float | None
    h100e: float | None
    event_ids: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "facility": self.facility,
            "relation": self.relation,
            "via": list(self.via),
            "capacity_mw": number(self.capacity_mw),
            "h100e": number(self.h100e),
            "event_ids": list(self.event_ids),
        }


@dataclass(frozen=True, slots=True)
class UnmatchedContract:
    """An active compute contract whose asset names no facility: listed, never counted."""

    partnership: str
    company: str  # the party that rents
    provider: str
    asset: str | None
    amount: str | None  # Money as JSON text
    via: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "partnership": self.partnership,
            "company": self.company,
            "provider": self.provider,
            "asset": self.asset,
            "amount": json.loads(self.amount) if self.amount else None,
            "via": list(self.via),
        }


@dataclass(frozen=True)
class CapacityPoint:
    """A company's capacity on one day: totals, the facilities behind them, and the contracts
    that name no facility."""

    on: date
    facilities: tuple[FacilityShare, ...]
    unmatched: tuple[UnmatchedContract, ...] = field(default=(), compare=False)

    def total(self, relation: Relation, figure: str) -> float | int:
        values = (getattr(f, figure) or 0 for f in self.facilities if f.relation == relation)
        return number(sum(values)) or 0

    @property
    def totals(self) -> tuple[float | int, ...]:
        return (
            self.total("owned", "capacity_mw"), self.total("owned", "h100e"),
            self.total("contracted", "capacity_mw"), self.total("contracted", "h100e"),
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        owned_mw, owned_h100e, contracted_mw, contracted_h100e = self.totals
        return {
            "on": self.on.isoformat(),
            "owned_mw": owned_mw,
            "owned_h100e": owned_h100e,
            "contracted_mw": contracted_mw,
            "contracted_h100e": contracted_h100e,
            "facilities": [f.as_dict() for f in self.facilities],
        }


def capacity_on(facts: CapacityFacts, slug: str, day: date) -> CapacityPoint:
    """§9.6: the available facilities of `slug` and of every company below it on `day`
    (owned), and those named by the live active compute contracts of any of them with a
    provider outside their ownership group (contracted); each facility counted once, owned
    before contracted."""
    members = facts.below_on(slug, day)
    owned: dict[str, FacilityShare] = {}
    for company, path in members:
        for size in facts.owned_by.get(company, ()):
            if holds_on(size, day) and size.status == "available":
                owned[size.unit] = _share(size, "owned", path, ())
    contracted, unmatched = _contracted(facts, slug, day, members, set(owned))
    shares = sorted([*owned.values(), *contracted], key=_share_order)
    return CapacityPoint(day, tuple(shares), tuple(unmatched))


def _contracted(
    facts: CapacityFacts,
    slug: str,
    day: date,
    members: list[tuple[str, tuple[str, ...]]],
    owned: set[str],
) -> tuple[list[FacilityShare], list[UnmatchedContract]]:
    """The facilities the members' contracts name (one share each, with every contract
    naming it), and the contracts that name none."""
    contracted: dict[str, FacilityShare] = {}
    unmatched: dict[str, UnmatchedContract] = {}
    group = facts.top_on(slug, day)
    for company, path in members:
        held = [c for c in facts.contracts.get(company, ()) if holds_on(c, day)]
        for contract in sorted(held, key=lambda c: c.partnership):
            if facts.top_on(contract.provider, day) == group:
                continue  # within one ownership group: not contracted capacity
            via = (*path, contract.provider)
            unit = facts.matched(contract)
            if unit is None:
                unmatched.setdefault(contract.partnership, _unmatched(contract, company, via))
                continue
            sized = facts.size_on(unit, day)
            if unit in owned or sized is None or sized.status != "available":
                continue
            found = contracted.get(unit)
            if found is None:
                contracted[unit] = _share(sized, "contracted", via, (contract.partnership,))
            elif contract.partnership not in found.event_ids:
                ids = (contract.partnership, *found.event_ids)
                contracted[unit] = replace(found, event_ids=ids)
    return list(contracted.values()), list(unmatched.values())


def _share(
    size: CapacityFact, relation: Relation, via: tuple[str, ...], contracts: tuple[str, ...]
) -> FacilityShare:
    return FacilityShare(
        size.unit, size.company, size.facility, relation, via, size.capacity_mw, size.h100e,
        (*contracts, *size.event_ids),
    )  # fmt: skip


def _unmatched(contract: ContractFact, company: str, via: tuple[str, ...]) -> UnmatchedContract:
    return UnmatchedContract(
        contract.partnership, company, contract.provider, contract.asset, contract.amount, via
    )


def _share_order(share: FacilityShare) -> tuple[Any, ...]:
    return (share.relation != "owned", -(share.h100e or 0), -(share.capacity_mw or 0), share.unit)
