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

from stackline.domain.dates import PartialDate
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
            "certain": self.certain,
            "confidence": self.confidence,
            "event_ids": [str(event_id) for event_id in self.event_ids],
        }

    def rolled_up(self, link: ParentLink) -> StackEntry:
        """This entry as the parent sees it through `link`."""
        since = self.since if self.since.start >= link.since.start else link.since
        return replace(
            self,
            via=(link.child, *self.via),
            since=since,
            event_ids=(*self.event_ids, link.event_id),
        )


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

    def owned_layers(self, slug: str) -> set[Layer]:
        """Layers of the company's own (not its subsidiaries') owned entries."""

    def holdings(self, slug: str) -> list[Holding]: ...

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

    def company(self, slug: str) -> CompanyFacts | None:
        return self.companies.get(slug)

    def subsidiaries(self, slug: str) -> list[ParentLink]:
        return self.children.get(slug, [])

    def direct_entries(self, slug: str) -> list[StackEntry]:
        return self.entries.get(slug, [])

    def owned_layers(self, slug: str) -> set[Layer]:
        return {e.layer for e in self.entries.get(slug, []) if e.relation == "owned"}

    def holdings(self, slug: str) -> list[Holding]:
        return self.investments.get(slug, [])

    def event_facts(self, ids: set[UUID]) -> dict[UUID, EventFacts]:
        return {event_id: self.facts[event_id] for event_id in ids if event_id in self.facts}
