"""The reference fold's output: the `Footprint` of a day from the world the events built.

Entries (owned, partner), supplies (the provider's side) and dependency edges, each from the
assets, partnerships and dependencies live on the day, as DESIGN §3 and §8 define them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackline.domain.dates import PartialDate
from stackline.domain.events import Event, PartnershipActivated, PartnershipFormed
from stackline.domain.footprint import (
    AssetNode,
    CompanyFacts,
    DependencyEdge,
    EventFacts,
    Footprint,
    Holding,
    StackEntry,
    Supply,
)
from stackline.domain.payloads import BaseModelRef
from stackline.domain.values import Layer

if TYPE_CHECKING:
    from stackline.domain.fold import World


@dataclass
class FoldedAsset:
    owner: str
    layer: Layer
    name: str
    kind: str
    status: str
    since: PartialDate
    event_ids: list[UUID]
    partners: dict[str, PartialDate] = field(default_factory=dict)  # co-developer → since
    base: BaseModelRef | None = None  # the model it is fine-tuned from
    base_since: PartialDate | None = None
    status_since: PartialDate | None = None  # the launch that gave it its status
    base_event: UUID | None = None


def footprint_of(world: World, effective: Sequence[Event], as_of: date) -> Footprint:
    footprint = Footprint(as_of=as_of)
    for slug, company in world.companies.items():
        link = world.parents.get(slug)
        footprint.companies[slug] = CompanyFacts(
            slug, company.name, company.kind, company.founded, link.parent if link else None
        )
    for link in world.parents.values():
        footprint.children.setdefault(link.parent, []).append(link)
    for asset in world.assets.values():
        _add_asset(footprint, asset)
    for pid, formed in world.partnerships.items():
        _add_partnership(footprint, formed, world.activations.get(pid), world.companies)
    for (investor, investee), made in world.investments.items():
        holding = Holding(investee, tuple(event_id(e) for e in made), made[0].occurred_on)
        footprint.investments.setdefault(investor, []).append(holding)
    _add_dependencies(footprint, world)
    footprint.facts = {event_id(e): EventFacts(e.occurred_on.end, e.confidence) for e in effective}
    return footprint


def _add_asset(footprint: Footprint, asset: FoldedAsset) -> None:
    ids = tuple(asset.event_ids)
    owned = StackEntry(
        asset.layer, asset.name, asset.kind, "owned", (), asset.status, asset.since, ids,
        status_since=asset.status_since or asset.since,
    )  # fmt: skip
    footprint.entries.setdefault(asset.owner, []).append(owned)
    for partner, since in asset.partners.items():
        if partner == asset.owner:
            continue
        entry = StackEntry(
            asset.layer, asset.name, asset.kind, "partner", (asset.owner,), asset.status, since, ids
        )
        footprint.entries.setdefault(partner, []).append(entry)
        supply = Supply(asset.layer, asset.name, (asset.owner,), (), asset.status, since, ids)
        footprint.supplied.setdefault(partner, []).append(supply)


def _add_partnership(
    footprint: Footprint,
    formed: PartnershipFormed,
    activated: PartnershipActivated | None,
    companies: dict[str, CompanyFacts],
) -> None:
    p = formed.payload
    if p.ends_on is not None and p.ends_on.start <= footprint.as_of:
        return
    status = "active" if activated is not None else p.status
    customers = [party for party in p.parties if party != p.provider]
    for party in customers:
        via = (p.provider,) if p.provider else tuple(x for x in p.parties if x != party)
        asset = partnership_label(p.asset, p.provider is not None, [companies[x].name for x in via])
        entry = StackEntry(
            p.layer, asset, "partnership", "partner", via, status, formed.occurred_on,
            (event_id(formed),),
        )  # fmt: skip
        footprint.entries.setdefault(party, []).append(entry)
    if p.provider is not None:
        to = tuple(sorted(customers))
        label = supply_label(p.asset, [companies[x].name for x in to])
        supply = Supply(p.layer, label, to, (), status, formed.occurred_on, (event_id(formed),))
        footprint.supplied.setdefault(p.provider, []).append(supply)


def _add_dependencies(footprint: Footprint, world: World) -> None:
    for formed in world.dependencies.values():
        p = formed.payload
        if p.ends_on is not None and p.ends_on.start <= footprint.as_of:
            continue
        edge = DependencyEdge(
            AssetNode(p.from_.company, p.from_.layer, p.from_.asset),
            AssetNode(p.on.company, p.on.layer, p.on.asset),
            p.kind, p.status, formed.occurred_on, (event_id(formed),),
        )  # fmt: skip
        footprint.dependencies.append(edge)
    for asset in world.assets.values():
        if asset.base is not None and asset.base_since is not None:
            footprint.dependencies.append(
                DependencyEdge(
                    AssetNode(asset.owner, asset.layer, asset.name),
                    AssetNode(asset.base.company, Layer.MODEL, asset.base.model),
                    "fine_tuned_from",
                    "active",
                    asset.base_since,
                    (asset.base_event,) if asset.base_event else (),
                )
            )


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


def event_id(event: Any) -> UUID:
    assert event.id is not None, "stored events always carry an id"
    found: UUID = event.id
    return found
