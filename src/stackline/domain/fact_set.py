"""A set of facts over all of time, and the `Footprint` of any day built from those holding then.

The reference fold builds one from every live event; the store loads one for a company's
closure (`store/reads/history.py`) or for one day (`store/footprints.py`). `on(day)` is the one
place a day's footprint is made from facts: names and parents on the day, entries, supplies,
holdings and dependency edges, and asset-less partnerships labelled by the names of the day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from uuid import UUID

from stackline.domain.facts import (
    CompanyFact,
    EdgeFact,
    HeldFact,
    LinkFact,
    NameFact,
    StakeFact,
    holds_on,
)
from stackline.domain.footprint import (
    AssetNode,
    CompanyFacts,
    DependencyEdge,
    Footprint,
    Holding,
    ParentLink,
    StackEntry,
    Supply,
)
from stackline.domain.values import Layer


class FactSet:
    """Facts of any kind, indexed by the company they belong to."""

    def __init__(self, facts: Iterable[object] = ()) -> None:
        self.companies: dict[str, CompanyFact] = {}
        self.names: dict[str, list[NameFact]] = defaultdict(list)
        self.links: dict[str, list[LinkFact]] = defaultdict(list)  # by target
        self.held: dict[str, list[HeldFact]] = defaultdict(list)  # by holder
        self.supplied: dict[str, list[HeldFact]] = defaultdict(list)  # by supplier
        self.stakes: dict[str, list[StakeFact]] = defaultdict(list)  # by investor
        self.edges: list[EdgeFact] = []
        for fact in facts:
            self.add(fact)

    def add(self, fact: object) -> None:
        if isinstance(fact, HeldFact):
            self.held[fact.holder].append(fact)
            if fact.supplier is not None:
                self.supplied[fact.supplier].append(fact)
        elif isinstance(fact, EdgeFact):
            self.edges.append(fact)
        elif isinstance(fact, CompanyFact):
            self.companies[fact.slug] = fact
        elif isinstance(fact, NameFact):
            self.names[fact.company].append(fact)
        elif isinstance(fact, LinkFact):
            self.links[fact.target].append(fact)
        elif isinstance(fact, StakeFact):
            self.stakes[fact.investor].append(fact)

    def size(self) -> int:
        """How many facts the set holds (what composing one day costs in proportion to)."""
        lists = (self.names, self.links, self.held, self.stakes)
        return (
            len(self.companies) + len(self.edges) + sum(len(v) for m in lists for v in m.values())
        )

    def name_on(self, slug: str, day: date) -> str:
        return next((n.name for n in self.names.get(slug, ()) if holds_on(n, day)), slug)

    def on(self, day: date) -> Footprint:
        """The footprint of `day` (without event facts: the caller adds them if it needs them)."""
        footprint = Footprint(as_of=day)
        parents = {
            target: parent_link(link)
            for target, links in self.links.items()
            for link in links
            if holds_on(link, day)
        }
        for slug, company in self.companies.items():
            if company.founded.start <= day:
                parent = parents.get(slug)
                footprint.companies[slug] = CompanyFacts(
                    slug, self.name_on(slug, day), company.kind, company.founded,
                    parent.parent if parent else None,
                )  # fmt: skip
        for link in sorted(parents.values(), key=lambda link: link.child):
            footprint.children.setdefault(link.parent, []).append(link)

        def name_of(slug: str) -> str:
            return self.name_on(slug, day)

        for holder, held in self.held.items():
            live = [entry_of(fact, name_of) for fact in held if holds_on(fact, day)]
            if live:
                footprint.entries[holder] = live
        for investor, stakes in self.stakes.items():
            holdings = [holding_of(s) for s in stakes if holds_on(s, day)]
            if holdings:
                footprint.investments[investor] = holdings
        for supplier, supplying in self.supplied.items():
            supplies = supplies_of([f for f in supplying if holds_on(f, day)], name_of)
            if supplies:
                footprint.supplied[supplier] = supplies
        footprint.dependencies = [edge_of(e) for e in self.edges if holds_on(e, day)]
        return footprint

    def change_days(self) -> list[date]:
        """Every day on which a fact here starts or stops, in order."""
        days = {company.founded.start for company in self.companies.values()}
        for group in (self.names, self.links, self.held, self.stakes):
            for facts in group.values():
                for fact in facts:
                    days.add(fact.valid_from)
                    if fact.valid_to is not None:
                        days.add(fact.valid_to)
        return sorted(days)


# --- one fact as the footprint shows it --------------------------------------------------------
def parent_link(fact: LinkFact) -> ParentLink:
    return ParentLink(fact.acquirer, fact.target, UUID(fact.event_id), fact.occurred)


def holding_of(fact: StakeFact) -> Holding:
    return Holding(fact.investee, tuple(UUID(i) for i in fact.event_ids), fact.since)


def entry_of(fact: HeldFact, name_of: Callable[[str], str]) -> StackEntry:
    """A held fact as a stack entry; an asset-less partnership is named by the names of the day."""
    asset = fact.asset
    if fact.label != "asset" or asset is None:
        asset = partnership_label(None, fact.label == "provider", [name_of(s) for s in fact.via])
    return StackEntry(
        Layer(fact.layer), asset, fact.kind, fact.relation,  # type: ignore[arg-type]
        fact.via, fact.status, fact.since, tuple(UUID(i) for i in fact.event_ids),
        available_since=fact.available_since,
    )  # fmt: skip


def supplies_of(facts: list[HeldFact], name_of: Callable[[str], str]) -> list[Supply]:
    """Supplies from the held facts naming their supplier, one per unit: a partnership's
    provider supplies its parties; a co-developer (the holder) supplies the asset's owner."""
    by_unit: dict[str, list[HeldFact]] = defaultdict(list)
    for fact in facts:
        by_unit[fact.unit].append(fact)
    supplies = []
    for unit_facts in by_unit.values():
        first = unit_facts[0]
        if first.kind == "partnership":
            to = tuple(sorted({fact.holder for fact in unit_facts}))
            asset = first.asset or supply_label(None, [name_of(c) for c in to])
        else:
            to, asset = first.via, first.asset or ""
        supplies.append(
            Supply(
                Layer(first.layer),
                asset,
                to,
                (),
                first.status,
                first.since,
                tuple(UUID(i) for i in first.event_ids),
            )
        )
    return supplies


def edge_of(fact: EdgeFact) -> DependencyEdge:
    return DependencyEdge(
        AssetNode(fact.from_company, Layer(fact.from_layer), fact.from_asset),
        AssetNode(fact.on_company, Layer(fact.on_layer), fact.on_asset),
        fact.kind, fact.status, fact.since, tuple(UUID(i) for i in fact.event_ids),
    )  # fmt: skip


def partnership_label(asset: str | None, has_provider: bool, via_names: list[str]) -> str:
    """The asset a partner entry shows: the partnership's asset, the provider, or the parties."""
    if asset:
        return asset
    if has_provider:
        return via_names[0]
    return "Partnership with " + ", ".join(via_names)


def supply_label(asset: str | None, customer_names: list[str]) -> str:
    """What a provider's supply shows: the partnership's asset, or who it supplies."""
    return asset or "Supply to " + ", ".join(customer_names)
