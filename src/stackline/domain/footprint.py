"""The world as of one day — companies, ownership links, entries, holdings — as compose reads it.

Two things produce it: the reference fold over events (`fold.py`) and the store's projection
tables. `FootprintSource` is the narrow reading interface both satisfy; `Footprint` is the
in-memory form.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal, Protocol
from uuid import UUID

from stackline.domain.dates import PartialDate, later
from stackline.domain.values import Layer, fold_name

Relation = Literal["owned", "partner", "stake"]
RELATION_ORDER = {"owned": 0, "partner": 1, "stake": 2}


@dataclass(frozen=True, slots=True)
class StackEntry:
    """One thing a company has in one layer, and how it has it."""

    layer: Layer
    asset: str
    kind: str
    relation: Relation
    via: tuple[str, ...]
    status: str
    since: PartialDate
    event_ids: tuple[UUID, ...]
    certain: bool = False
    confidence: str = "confirmed"
    # The first day it was available or active (None while only announced): §9.5.
    available_since: PartialDate | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str, str, tuple[str, ...]]:
        return (self.layer.value, fold_name(self.asset), self.relation, self.via)

    @property
    def is_available(self) -> bool:
        return self.status in ("available", "active")

    def as_dict(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "kind": self.kind,
            "relation": self.relation,
            "via": list(self.via),
            "status": self.status,
            "since": str(self.since),
            "available_since": str(self.available_since) if self.available_since else None,
            "certain": self.certain,
            "confidence": self.confidence,
            "event_ids": [str(event_id) for event_id in self.event_ids],
        }

    def rolled_up(self, link: ParentLink) -> StackEntry:
        """This entry as the parent sees it through `link`."""
        available = self.available_since
        return replace(
            self,
            via=(link.child, *self.via),
            since=later(self.since, link.since),
            available_since=available and later(available, link.since),
            event_ids=(*self.event_ids, link.event_id),
        )


@dataclass(frozen=True, slots=True)
class Supply:
    """Something a company supplies to others in one layer: as a partnership's provider, or as
    a co-developer of another company's asset (the provider's side; no effect on presence)."""

    layer: Layer
    asset: str
    to: tuple[str, ...]
    via: tuple[str, ...]
    status: str
    since: PartialDate
    event_ids: tuple[UUID, ...]

    @property
    def key(self) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
        return (self.layer.value, fold_name(self.asset), self.via, self.to)

    def as_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer.value,
            "asset": self.asset,
            "to": list(self.to),
            "via": list(self.via),
            "status": self.status,
            "since": str(self.since),
            "event_ids": [str(event_id) for event_id in self.event_ids],
        }

    def rolled_up(self, link: ParentLink) -> Supply:
        """This supply as the parent sees it through `link`."""
        return replace(
            self,
            via=(link.child, *self.via),
            since=later(self.since, link.since),
            event_ids=(*self.event_ids, link.event_id),
        )


@dataclass(frozen=True, slots=True)
class AssetNode:
    """An asset named by owner, layer and name (`key` folds the name as launches match it)."""

    company: str | None  # None: a base model named without its company
    layer: Layer
    name: str

    @property
    def key(self) -> str:
        return f"{self.company or ''}|{self.layer.value}|{fold_name(self.name)}"


@dataclass(frozen=True, slots=True)
class DependencyEdge:
    """On the day, `dependent` depends on `on` (`kind`), since `since`."""

    dependent: AssetNode
    on: AssetNode
    kind: str
    status: str
    since: PartialDate
    event_ids: tuple[UUID, ...]


@dataclass(frozen=True, slots=True)
class CompanyFacts:
    slug: str
    name: str
    kind: str | None
    founded: PartialDate
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class ParentLink:
    """`parent` owns `child` since `since`, through the acquisition `event_id`."""

    parent: str
    child: str
    event_id: UUID
    since: PartialDate


@dataclass(frozen=True, slots=True)
class Holding:
    """All of an investor's effective investments in one investee."""

    investee: str
    event_ids: tuple[UUID, ...]
    since: PartialDate


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What certainty and confidence need to know of an event."""

    period_end: date
    confidence: str


class FootprintSource(Protocol):
    as_of: date

    def company(self, slug: str) -> CompanyFacts | None: ...

    def subsidiaries(self, slug: str) -> list[ParentLink]: ...

    def direct_entries(self, slug: str) -> list[StackEntry]: ...

    def holdings(self, slug: str) -> list[Holding]: ...

    def supplies(self, slug: str) -> list[Supply]:
        """What the company itself (not its subsidiaries) supplies to others on the day."""

    def event_facts(self, ids: set[UUID]) -> dict[UUID, EventFacts]: ...


@dataclass
class Footprint:
    """An in-memory `FootprintSource`."""

    as_of: date
    companies: dict[str, CompanyFacts] = field(default_factory=dict)
    children: dict[str, list[ParentLink]] = field(default_factory=dict)
    entries: dict[str, list[StackEntry]] = field(default_factory=dict)
    investments: dict[str, list[Holding]] = field(default_factory=dict)
    facts: dict[UUID, EventFacts] = field(default_factory=dict)
    supplied: dict[str, list[Supply]] = field(default_factory=dict)
    dependencies: list[DependencyEdge] = field(default_factory=list)

    def company(self, slug: str) -> CompanyFacts | None:
        return self.companies.get(slug)

    def subsidiaries(self, slug: str) -> list[ParentLink]:
        return self.children.get(slug, [])

    def direct_entries(self, slug: str) -> list[StackEntry]:
        return self.entries.get(slug, [])

    def supplies(self, slug: str) -> list[Supply]:
        return self.supplied.get(slug, [])

    def holdings(self, slug: str) -> list[Holding]:
        return self.investments.get(slug, [])

    def event_facts(self, ids: set[UUID]) -> dict[UUID, EventFacts]:
        return {event_id: self.facts[event_id] for event_id in ids if event_id in self.facts}
