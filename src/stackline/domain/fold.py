"""The reference fold (DESIGN §3): replay the effective events up to a day into a `Footprint`.

It is deliberately plain — one pass over the events in (effective date, seq) order — because it is
the specification the stored projections are tested against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from stackline.domain.dates import PartialDate
from stackline.domain.events import (
    AcquisitionCompleted,
    AssetRetired,
    CompanyRegistered,
    CompanyRenamed,
    Event,
    EventRetracted,
    InvestmentMade,
    PartnershipEnded,
    PartnershipFormed,
)
from stackline.domain.footprint import (
    CompanyFacts,
    EventFacts,
    Footprint,
    Holding,
    ParentLink,
    StackEntry,
)
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
class _Asset:
    owner: str
    layer: Layer
    name: str
    kind: str
    status: str
    since: PartialDate
    event_ids: list[UUID]
    partners: dict[str, PartialDate] = field(default_factory=dict)  # co-developer → since


@dataclass
class _World:
    companies: dict[str, CompanyFacts] = field(default_factory=dict)
    parents: dict[str, ParentLink] = field(default_factory=dict)
    assets: dict[tuple[str, Layer, str], _Asset] = field(default_factory=dict)
    partnerships: dict[UUID, PartnershipFormed] = field(default_factory=dict)
    investments: dict[tuple[str, str], list[InvestmentMade]] = field(default_factory=dict)

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
                deal.acquirer, deal.target, _id(event), event.occurred_on
            )
        elif isinstance(event, AssetRetired):
            retired = event.payload
            self.assets.pop((retired.company, retired.layer, fold_name(retired.asset)), None)
        elif isinstance(event, PartnershipFormed):
            self.partnerships[_id(event)] = event
        elif isinstance(event, PartnershipEnded):
            self.partnerships.pop(event.payload.partnership, None)
        elif isinstance(event, InvestmentMade):
            key = (event.payload.investor, event.payload.investee)
            self.investments.setdefault(key, []).append(event)
        elif isinstance(event.payload, LAUNCH_PAYLOADS):
            self._launch(event, event.payload)

    def _launch(self, event: Event, payload: LaunchPayload) -> None:
        layer, name, kind = launched_asset(payload)
        status = getattr(payload, "status", "available")
        partners = {p: event.occurred_on for p in getattr(payload, "partners", None) or ()}
        key = (payload.company, layer, fold_name(name))
        asset = self.assets.get(key)
        if asset is None:
            self.assets[key] = _Asset(
                payload.company,
                layer,
                name,
                kind,
                status,
                event.occurred_on,
                [_id(event)],
                partners,
            )
            return
        asset.name, asset.kind, asset.status = name, kind, status
        asset.event_ids.append(_id(event))
        for partner, since in partners.items():
            asset.partners.setdefault(partner, since)


def fold_footprint(
    events: Iterable[Event], as_of: date, known_on: datetime | None = None
) -> Footprint:
    """The footprint of every company on `as_of`, from the events known at `known_on`."""
    effective = effective_events(events, as_of, known_on)
    world = _World()
    for event in effective:
        world.apply(event)
    footprint = Footprint(as_of=as_of)
    for slug, company in world.companies.items():
        link = world.parents.get(slug)
        footprint.companies[slug] = CompanyFacts(
            slug, company.name, company.kind, company.founded, link.parent if link else None
        )
    for link in world.parents.values():
        footprint.children.setdefault(link.parent, []).append(link)
    for asset in world.assets.values():
        _add_asset_entries(footprint, asset)
    for formed in world.partnerships.values():
        _add_partnership_entries(footprint, formed, world.companies)
    for (investor, investee), made in world.investments.items():
        holding = Holding(investee, tuple(_id(e) for e in made), made[0].occurred_on)
        footprint.investments.setdefault(investor, []).append(holding)
    footprint.facts = {_id(e): EventFacts(e.occurred_on.end, e.confidence) for e in effective}
    return footprint


def _add_asset_entries(footprint: Footprint, asset: _Asset) -> None:
    owned = StackEntry(
        asset.layer, asset.name, asset.kind, "owned", (), asset.status, asset.since,
        tuple(asset.event_ids),
    )  # fmt: skip
    footprint.entries.setdefault(asset.owner, []).append(owned)
    for partner, since in asset.partners.items():
        if partner != asset.owner:
            entry = StackEntry(
                asset.layer, asset.name, asset.kind, "partner", (asset.owner,), asset.status,
                since, tuple(asset.event_ids),
            )  # fmt: skip
            footprint.entries.setdefault(partner, []).append(entry)


def _add_partnership_entries(
    footprint: Footprint, formed: PartnershipFormed, companies: dict[str, CompanyFacts]
) -> None:
    p = formed.payload
    if p.ends_on is not None and p.ends_on.start <= footprint.as_of:
        return
    for party in p.parties:
        if party == p.provider:
            continue
        via = (p.provider,) if p.provider else tuple(x for x in p.parties if x != party)
        names = [companies[x].name for x in via]
        asset = partnership_label(p.asset, p.provider is not None, names)
        entry = StackEntry(
            p.layer, asset, "partnership", "partner", via, p.status, formed.occurred_on,
            (_id(formed),),
        )  # fmt: skip
        footprint.entries.setdefault(party, []).append(entry)


def partnership_label(asset: str | None, has_provider: bool, via_names: list[str]) -> str:
    """The asset a partner entry shows: the partnership's asset, the provider, or the parties."""
    if asset:
        return asset
    if has_provider:
        return via_names[0]
    return "Partnership with " + ", ".join(via_names)


def _id(event: Event) -> UUID:
    assert event.id is not None, "stored events always carry an id"
    return event.id
