"""Composing a company's stack from a `FootprintSource`: roll-up, stakes, presence, integration.

These rules (DESIGN §3, Entries / Presence / Integration) are shared by the reference fold and the
stored projections; what differs between the two is only how the day's footprint is produced.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal

from stackline.domain.dates import PartialDate, later
from stackline.domain.documents import format_timestamp
from stackline.domain.footprint import (
    RELATION_ORDER,
    CompanyFacts,
    FootprintSource,
    StackEntry,
    Supply,
)
from stackline.domain.values import CONFIDENCE_RANK, LAYER_NAMES, LAYERS, Layer

Presence = Literal["owned", "partner", "stake", "planned", "none"]
PRESENCE_ORDER: tuple[Presence, ...] = ("owned", "partner", "stake", "planned", "none")


@dataclass(frozen=True)
class Stack:
    """A company's four layers as of one day."""

    company: CompanyFacts | None
    slug: str
    subsidiaries: tuple[str, ...]
    as_of: date
    known_on: datetime | None
    entries: dict[Layer, tuple[StackEntry, ...]]
    supplies: tuple[Supply, ...] = ()

    def presence(self, layer: Layer) -> Presence:
        return presence_of(self.entries[layer])

    def signature(self) -> tuple[Any, ...]:
        """What a reader sees change from one day to the next (DESIGN §9.5, change days): the
        name, the parent, each layer's presence and its entries with their status and dates."""
        company = self.company
        return (
            company.name if company else None,
            company.parent if company else None,
            tuple(
                (self.presence(layer), tuple(
                    (e.key, e.status, e.since.text,
                     e.available_since.text if e.available_since else None)
                    for e in self.entries[layer]
                ))
                for layer in LAYERS
            ),
        )  # fmt: skip

    @property
    def owned_layers(self) -> list[str]:
        return [layer.value for layer in LAYERS if self.presence(layer) == "owned"]

    @property
    def covered_layers(self) -> list[str]:
        return [layer.value for layer in LAYERS if self.presence(layer) in ("owned", "partner")]

    def as_dict(self) -> dict[str, Any]:
        company = self.company
        return {
            "company": {
                "slug": self.slug,
                "name": company.name if company else None,
                "parent": company.parent if company else None,
                "subsidiaries": list(self.subsidiaries),
            },
            "as_of": self.as_of.isoformat(),
            "known_on": _timestamp(self.known_on),
            "layers": {
                layer.value: {
                    "presence": self.presence(layer),
                    "entries": [entry.as_dict() for entry in self.entries[layer]],
                }
                for layer in LAYERS
            },
            "integration": {
                "owned_layers": self.owned_layers,
                "covered_layers": self.covered_layers,
            },
            "supplies": [supply.as_dict() for supply in self.supplies],
        }


def presence_of(entries: tuple[StackEntry, ...]) -> Presence:
    if any(e.relation == "owned" and e.is_available for e in entries):
        return "owned"
    if any(e.relation == "partner" and e.is_available for e in entries):
        return "partner"
    if any(e.relation == "stake" for e in entries):
        return "stake"
    return "planned" if entries else "none"


def compose_stack(source: FootprintSource, slug: str, known_on: datetime | None = None) -> Stack:
    company = source.company(slug)
    empty: dict[Layer, tuple[StackEntry, ...]] = {layer: () for layer in LAYERS}
    if company is None:
        return Stack(None, slug, (), source.as_of, known_on, empty)
    entries = _finish(source, _all_entries(source, slug, frozenset({slug})))
    by_layer = {layer: tuple(e for e in entries if e.layer is layer) for layer in LAYERS}
    children = tuple(sorted(link.child for link in source.subsidiaries(slug)))
    supplies = _outside_the_group(source, slug, _all_supplies(source, slug, frozenset({slug})))
    return Stack(company, slug, children, source.as_of, known_on, by_layer, supplies)


def _all_entries(source: FootprintSource, slug: str, path: frozenset[str]) -> list[StackEntry]:
    group = _top_owner(source, slug)
    entries = [e for e in source.direct_entries(slug) if not _within(source, group, e)]
    entries.extend(_stakes(source, slug, group))
    for link in source.subsidiaries(slug):
        if link.child in path:  # an ownership cycle; the append rules refuse them
            continue
        child_entries = _all_entries(source, link.child, path | {link.child})
        entries.extend(entry.rolled_up(link) for entry in child_entries)
    return entries


def _available_owned(
    source: FootprintSource, slug: str, path: frozenset[str]
) -> dict[Layer, PartialDate]:
    """For each layer where the company (or a subsidiary) owns an available asset on the day,
    since when: the earliest day such an asset became available, no earlier than the linking
    acquisition."""
    found: dict[Layer, PartialDate] = {}

    def keep(layer: Layer, since: PartialDate) -> None:
        if layer not in found or since.start < found[layer].start:
            found[layer] = since

    for entry in source.direct_entries(slug):
        if entry.relation == "owned" and entry.is_available:
            keep(entry.layer, entry.available_since or entry.since)
    for link in source.subsidiaries(slug):
        if link.child not in path:
            for layer, since in _available_owned(source, link.child, path | {link.child}).items():
                keep(layer, later(since, link.since))
    return found


def _within(source: FootprintSource, group: str, entry: StackEntry) -> bool:
    """Whether a partner entry is with companies of the holder's own ownership group on the
    day (its parent, a subsidiary, a sibling): such a deal adds nothing to its stack (§9.5)."""
    return (
        entry.relation == "partner"
        and bool(entry.via)
        and all(_top_owner(source, other) == group for other in entry.via)
    )


def _stakes(source: FootprintSource, slug: str, group: str) -> list[StackEntry]:
    """A stake in each layer where an investee outside the investor's ownership group owns an
    available asset, dated from the later of the investment and that asset's entry (an
    announced asset makes no stake)."""
    stakes = []
    for holding in source.holdings(slug):
        investee = source.company(holding.investee)
        if investee is None or _top_owner(source, holding.investee) == group:
            continue
        available = _available_owned(source, holding.investee, frozenset({holding.investee}))
        for layer in LAYERS:
            if layer in available:
                owned_since = available[layer]
                since = later(holding.since, owned_since)
                stakes.append(
                    StackEntry(
                        layer=layer,
                        asset=investee.name,
                        kind="investment",
                        relation="stake",
                        via=(holding.investee,),
                        status="active",
                        since=since,
                        event_ids=holding.event_ids,
                        available_since=since,
                    )
                )
    return stakes


def _all_supplies(source: FootprintSource, slug: str, path: frozenset[str]) -> list[Supply]:
    supplies = list(source.supplies(slug))
    for link in source.subsidiaries(slug):
        if link.child not in path:
            children = _all_supplies(source, link.child, path | {link.child})
            supplies.extend(supply.rolled_up(link) for supply in children)
    return supplies


def _outside_the_group(
    source: FootprintSource, slug: str, supplies: list[Supply]
) -> tuple[Supply, ...]:
    """Supplies to companies outside the company's ownership group on the day (a subsidiary
    supplying its parent is not supplying anyone), merged when they share a key."""
    group = _top_owner(source, slug)
    merged: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Supply] = {}
    # A canonical order first, so the merge does not depend on the order a source listed them.
    canonical = sorted(
        supplies, key=lambda s: (s.key, s.since.start, [str(i) for i in s.event_ids])
    )
    for supply in canonical:
        to = tuple(c for c in supply.to if _top_owner(source, c) != group)
        if not to:
            continue
        supply = replace(supply, to=to)
        earlier = merged.get(supply.key)
        merged[supply.key] = supply if earlier is None else _merge_supplies(earlier, supply)
    return tuple(sorted(merged.values(), key=lambda s: (LAYERS.index(s.layer), s.key)))


def _merge_supplies(a: Supply, b: Supply) -> Supply:
    since = a.since if a.since.start <= b.since.start else b.since
    status = a.status if a.status in ("available", "active") else b.status
    return replace(
        a, since=since, status=status, event_ids=tuple(dict.fromkeys((*a.event_ids, *b.event_ids)))
    )


def _top_owner(source: FootprintSource, slug: str) -> str:
    seen = {slug}
    company = source.company(slug)
    while company is not None and company.parent is not None and company.parent not in seen:
        seen.add(company.parent)
        slug = company.parent
        company = source.company(slug)
    return slug


def _finish(source: FootprintSource, entries: list[StackEntry]) -> list[StackEntry]:
    """Merge entries that share a key, then mark certainty and confidence from their events."""
    merged: dict[tuple[str, str, str, tuple[str, ...]], StackEntry] = {}
    # A canonical order first, so the merge does not depend on the order a source listed entries in.
    for entry in sorted(entries, key=_canonical_order):
        earlier = merged.get(entry.key)
        merged[entry.key] = entry if earlier is None else _merge(earlier, entry)
    ids = {event_id for entry in merged.values() for event_id in entry.event_ids}
    facts = source.event_facts(ids)
    finished = []
    for entry in merged.values():
        known = [facts[i] for i in entry.event_ids if i in facts]
        certain = len(known) == len(entry.event_ids) and all(
            f.period_end <= source.as_of for f in known
        )
        confidence = min(
            (f.confidence for f in known), key=CONFIDENCE_RANK.__getitem__, default="confirmed"
        )
        finished.append(replace(entry, certain=certain, confidence=confidence))
    return sorted(finished, key=lambda e: (RELATION_ORDER[e.relation], e.key[1], e.via))


def _canonical_order(entry: StackEntry) -> tuple[Any, ...]:
    return (entry.key, entry.since.start, entry.since.text, [str(i) for i in entry.event_ids])


def _merge(a: StackEntry, b: StackEntry) -> StackEntry:
    since = a.since if a.since.start <= b.since.start else b.since
    status = a.status if a.is_available or not b.is_available else b.status
    event_ids = tuple(dict.fromkeys((*a.event_ids, *b.event_ids)))
    return replace(a, since=since, status=status, event_ids=event_ids)


def _timestamp(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment is not None else None


@dataclass(frozen=True, slots=True)
class MatrixRow:
    slug: str
    name: str
    parent: str | None
    presence: dict[str, Presence]  # by layer name, bottom to top

    @property
    def owned_layers(self) -> list[str]:
        return [name for name in LAYER_NAMES if self.presence[name] == "owned"]

    @property
    def covered_layers(self) -> list[str]:
        return [name for name in LAYER_NAMES if self.presence[name] in ("owned", "partner")]

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "parent": self.parent,
            "layers": {name: self.presence[name] for name in LAYER_NAMES},
            "owned_layers": self.owned_layers,
            "covered_layers": self.covered_layers,
        }


def compose_matrix(
    source: FootprintSource, slugs: list[str], include_subsidiaries: bool = False
) -> list[MatrixRow]:
    """Companies existing on the day (top-level ones unless asked), ranked by integration."""
    rows = []
    for slug in slugs:
        company = source.company(slug)
        if company is None or (company.parent is not None and not include_subsidiaries):
            continue
        stack = compose_stack(source, slug)
        presence = {layer.value: stack.presence(layer) for layer in LAYERS}
        rows.append(MatrixRow(slug, company.name, company.parent, presence))
    return sorted(rows, key=_integration_rank)


def _integration_rank(row: MatrixRow) -> tuple[Any, ...]:
    strength = [PRESENCE_ORDER.index(row.presence[name]) for name in LAYER_NAMES]
    return (
        -len(row.owned_layers),
        -len(row.covered_layers),
        sum(strength),
        row.name.casefold(),
        row.slug,
    )
