"""The reference fold (DESIGN §3): replay the effective events up to a day into a `Footprint`.

It is deliberately plain — one pass over the events in (effective date, seq) order — because it is
the specification the stored projections are tested against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from stackline.domain.events import (
    AcquisitionCompleted,
    AssetRetired,
    CompanyRegistered,
    CompanyRenamed,
    DependencyEnded,
    DependencyFormed,
    Event,
    EventRetracted,
    InvestmentMade,
    PartnershipActivated,
    PartnershipEnded,
    PartnershipFormed,
)
from stackline.domain.fold_output import FoldedAsset, event_id, footprint_of
from stackline.domain.footprint import CompanyFacts, Footprint, ParentLink
from stackline.domain.payloads import LAUNCH_PAYLOADS, LaunchPayload, launched_asset
from stackline.domain.values import Layer, fold_name


def voided_ids(events: Iterable[Event]) -> set[UUID]:
    """Targets of retractions, and events a later event supersedes."""
    voided: set[UUID] = set()
    for event in events:
        if isinstance(event, EventRetracted):
            voided.add(event.payload.event)
        if event.supersedes is not None:
            voided.add(event.supersedes)
    return voided


def effective_events(
    events: Iterable[Event], as_of: date, known_on: datetime | None
) -> list[Event]:
    known = [e for e in events if known_on is None or (e.recorded_at and e.recorded_at <= known_on)]
    voided = voided_ids(known)
    chosen = [
        e
        for e in known
        if e.id not in voided and e.type != "event.retracted" and e.occurred_on.start <= as_of
    ]
    return sorted(chosen, key=lambda e: (e.occurred_on.start, e.seq or 0))


@dataclass
class World:
    """What the effective events say, applied one by one in (effective date, seq) order."""

    companies: dict[str, CompanyFacts] = field(default_factory=dict)
    parents: dict[str, ParentLink] = field(default_factory=dict)
    assets: dict[tuple[str, Layer, str], FoldedAsset] = field(default_factory=dict)
    partnerships: dict[UUID, PartnershipFormed] = field(default_factory=dict)
    activations: dict[UUID, PartnershipActivated] = field(default_factory=dict)
    investments: dict[tuple[str, str], list[InvestmentMade]] = field(default_factory=dict)
    dependencies: dict[UUID, DependencyFormed] = field(default_factory=dict)

    def apply(self, event: Event) -> None:
        if isinstance(event, CompanyRegistered):
            registered = event.payload
            self.companies[registered.company] = CompanyFacts(
                registered.company, registered.name, registered.kind, event.occurred_on
            )
        elif isinstance(event, CompanyRenamed):
            old = self.companies[event.payload.company]
            self.companies[old.slug] = CompanyFacts(
                old.slug, event.payload.name, old.kind, old.founded
            )
        elif isinstance(event, AcquisitionCompleted):
            deal = event.payload
            self.parents[deal.target] = ParentLink(
                deal.acquirer, deal.target, event_id(event), event.occurred_on
            )
        elif isinstance(event, AssetRetired):
            retired = event.payload
            self.assets.pop((retired.company, retired.layer, fold_name(retired.asset)), None)
        elif isinstance(event.payload, LAUNCH_PAYLOADS):
            self._launch(event, event.payload)
        else:
            self._apply_deal(event)

    def _apply_deal(self, event: Event) -> None:
        if isinstance(event, PartnershipFormed):
            self.partnerships[event_id(event)] = event
        elif isinstance(event, PartnershipActivated):
            if event.payload.partnership in self.partnerships:
                self.activations.setdefault(event.payload.partnership, event)
        elif isinstance(event, PartnershipEnded):
            self.partnerships.pop(event.payload.partnership, None)
        elif isinstance(event, InvestmentMade):
            key = (event.payload.investor, event.payload.investee)
            self.investments.setdefault(key, []).append(event)
        elif isinstance(event, DependencyFormed):
            self.dependencies[event_id(event)] = event
        elif isinstance(event, DependencyEnded):
            self.dependencies.pop(event.payload.dependency, None)

    def _launch(self, event: Event, payload: LaunchPayload) -> None:
        layer, name, kind = launched_asset(payload)
        status = getattr(payload, "status", None) or "available"
        partners = {p: event.occurred_on for p in getattr(payload, "partners", None) or ()}
        base = getattr(payload, "base_model", None)
        key = (payload.company, layer, fold_name(name))
        asset = self.assets.get(key)
        if asset is None:
            self.assets[key] = FoldedAsset(
                payload.company, layer, name, kind, status, event.occurred_on,
                [event_id(event)], partners, base, event.occurred_on if base else None,
                event.occurred_on, event_id(event) if base else None,
            )  # fmt: skip
            return
        if status != asset.status:
            asset.status_since = event.occurred_on
        asset.name, asset.kind, asset.status = name, kind, status
        asset.event_ids.append(event_id(event))
        for partner, since in partners.items():
            asset.partners.setdefault(partner, since)
        if base is not None and asset.base is None:
            asset.base, asset.base_since, asset.base_event = (
                base,
                event.occurred_on,
                event_id(event),
            )


def fold_footprint(
    events: Iterable[Event], as_of: date, known_on: datetime | None = None
) -> Footprint:
    """The footprint of every company on `as_of`, from the events known at `known_on`."""
    effective = effective_events(events, as_of, known_on)
    world = World()
    for event in effective:
        world.apply(event)
    return footprint_of(world, effective, as_of)
