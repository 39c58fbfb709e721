"""A set of companies' footprint over all of time: every fact with the days it holds.

The store loads it in a handful of queries (the rows of the projection tables, each valid over
`[valid_from, valid_to)`); `at(day)` gives the `Footprint` of any day without another query,
and `change_days` the days on which anything in it starts or stops. The "layers over time" of a
company is its presence composed on each change day, so a history costs a fixed number of
queries however long it is. Presence does not depend on certainty, confidence or partnership
labels, so `at` leaves event facts out and labels partnerships with the names it holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar
from uuid import UUID

from stackline.domain.dates import PartialDate
from stackline.domain.fold_output import partnership_label, supply_label
from stackline.domain.footprint import (
    CompanyFacts,
    DependencyEdge,
    Footprint,
    Holding,
    ParentLink,
    StackEntry,
    Supply,
)


@dataclass(frozen=True)
class Held:
    """`entry` holds on `[valid_from, valid_to)`. A partnership without an asset of its own is
    labelled by the names of its provider or parties on the day (`label` says which)."""

    valid_from: date
    valid_to: date | None
    entry: StackEntry
    label: str = "asset"  # asset, provider or parties

    def holds_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class HeldSupply:
    """`supply` holds on `[valid_from, valid_to)`."""

    valid_from: date
    valid_to: date | None
    supply: Supply
    named: bool = True  # False: labelled by the names of those it supplies, on the day

    def holds_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class HeldDependency:
    valid_from: date
    valid_to: date | None
    edge: DependencyEdge

    def holds_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class Dated:
    """A point fact (a name, an ownership link, an investment) from `valid_from`, ordered by
    (`valid_from`, `seq`) like the events that made it."""

    valid_from: date
    seq: int


@dataclass(frozen=True)
class DatedName(Dated):
    name: str


@dataclass(frozen=True)
class DatedLink(Dated):
    link: ParentLink


@dataclass(frozen=True)
class DatedInvestment(Dated):
    investee: str
    event_id: str
    occurred: PartialDate


_D = TypeVar("_D", bound=Dated)


@dataclass
class FootprintHistory:
    companies: dict[str, CompanyFacts] = field(default_factory=dict)  # without names or parents
    names: dict[str, list[DatedName]] = field(default_factory=lambda: defaultdict(list))
    links: dict[str, list[DatedLink]] = field(default_factory=lambda: defaultdict(list))  # by child
    held: dict[str, list[Held]] = field(default_factory=lambda: defaultdict(list))  # by holder
    investments: dict[str, list[DatedInvestment]] = field(default_factory=lambda: defaultdict(list))
    supplied: dict[str, list[HeldSupply]] = field(default_factory=lambda: defaultdict(list))
    dependencies: list[HeldDependency] = field(default_factory=list)

    def at(self, day: date) -> Footprint:
        """The footprint of `day`, as the projection tables would answer it."""
        footprint = Footprint(as_of=day)
        parents: dict[str, ParentLink] = {}
        for child, links in self.links.items():
            latest = _latest(links, day)
            if latest is not None:
                parents[child] = latest.link
        for slug, company in self.companies.items():
            if company.founded.start <= day:
                name = _latest(self.names.get(slug, []), day)
                parent = parents.get(slug)
                footprint.companies[slug] = replace(
                    company,
                    name=name.name if name else slug,
                    parent=parent.parent if parent else None,
                )
        for link in sorted(parents.values(), key=lambda link: link.child):
            footprint.children.setdefault(link.parent, []).append(link)
        for holder, held in self.held.items():
            live = [self._labelled(h, day) for h in held if h.holds_on(day)]
            if live:
                footprint.entries[holder] = live
        for investor, made in self.investments.items():
            footprint.investments[investor] = _holdings(made, day)
        for supplier, supplies in self.supplied.items():
            supplied = [self._supply_on(h, day) for h in supplies if h.holds_on(day)]
            if supplied:
                footprint.supplied[supplier] = supplied
        footprint.dependencies = [h.edge for h in self.dependencies if h.holds_on(day)]
        return footprint

    def name_on(self, slug: str, day: date) -> str:
        latest = _latest(self.names.get(slug, []), day)
        return latest.name if latest else slug

    def _labelled(self, held: Held, day: date) -> StackEntry:
        if held.label == "asset":
            return held.entry
        names = [self.name_on(slug, day) for slug in held.entry.via]
        return replace(held.entry, asset=partnership_label(None, held.label == "provider", names))

    def _supply_on(self, held: HeldSupply, day: date) -> Supply:
        if held.named:
            return held.supply
        names = [self.name_on(slug, day) for slug in held.supply.to]
        return replace(held.supply, asset=supply_label(None, names))

    def change_days(self) -> list[date]:
        """Every day on which something here starts or stops, in order."""
        days: set[date] = {c.founded.start for c in self.companies.values()}
        for held in self.held.values():
            for h in held:
                days.add(h.valid_from)
                if h.valid_to is not None:
                    days.add(h.valid_to)
        point_facts: list[list[DatedName] | list[DatedLink] | list[DatedInvestment]] = [
            *self.names.values(),
            *self.links.values(),
            *self.investments.values(),
        ]
        for dated in point_facts:
            days.update(d.valid_from for d in dated)
        return sorted(days)


def _latest(dated: list[_D], day: date) -> _D | None:
    live = [d for d in dated if d.valid_from <= day]
    return max(live, key=lambda d: (d.valid_from, d.seq)) if live else None


def _holdings(made: list[DatedInvestment], day: date) -> list[Holding]:
    """One holding per investee, from the investments effective on `day`, in effect order."""
    grouped: dict[str, list[DatedInvestment]] = defaultdict(list)
    for investment in sorted(made, key=lambda d: (d.valid_from, d.seq)):
        if investment.valid_from <= day:
            grouped[investment.investee].append(investment)
    return [
        Holding(investee, tuple(UUID(i.event_id) for i in items), items[0].occurred)
        for investee, items in grouped.items()
    ]
