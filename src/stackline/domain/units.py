"""Units: the things of the log whose state its events change, and the facts each state yields.

Every event that changes a projection belongs to one unit — an asset, a partnership, a
dependency, a company (its name), a company's ownership (its parent), an investor's stake in an
investee — named by a key such as `asset:nvidia|hardware|h100` (`catalog` says which, per type).
A unit's state over time is its live events applied in effect order, each type's one `effect`
(`catalog`); `segments` cuts it into the day ranges over which it holds, and the unit's *kind*
turns each segment into facts (`facts.py`). The store writes those facts to its tables; the
reference fold keeps them in memory: the same functions serve both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import groupby
from typing import Any

from stackline.domain.dates import PartialDate, later
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
    StakeFact,
)
from stackline.domain.records import EventRecord, in_effect_order
from stackline.domain.values import fold_name

Effect = Callable[[Any, EventRecord], Any]


@dataclass(frozen=True)
class Segment:
    """`state` holds on every day from `valid_from` up to, not including, `valid_to`."""

    valid_from: date
    valid_to: date | None
    state: Any


def segments(records: Sequence[EventRecord], effect_of: Callable[[str], Effect]) -> list[Segment]:
    """A unit's states over time: its events applied day by day in effect order (`effect_of`
    gives each type's effect). A state stops where the next day's starts, or at its own `ends`
    (a partnership's `ends_on`), whichever comes first."""
    states: list[tuple[date, Any]] = []
    state: Any = None
    for day, same_day in groupby(in_effect_order(list(records)), key=lambda r: r.occurred.start):
        for record in same_day:
            state = effect_of(record.type)(state, record)
        states.append((day, state))
    found = []
    for index, (day, held) in enumerate(states):
        if held is None:
            continue
        until = states[index + 1][0] if index + 1 < len(states) else None
        ends: date | None = getattr(held, "ends", None)
        if ends is not None and (until is None or ends < until):
            until = ends
        if until is None or until > day:
            found.append(Segment(day, until, held))
    return found


def holding(found: Sequence[Segment], day: date) -> Any:
    """The state holding on `day`, or None."""
    for segment in found:
        if segment.valid_from <= day and (segment.valid_to is None or day < segment.valid_to):
            return segment.state
    return None


def asset_key(owner: str, layer: str, name: str) -> str:
    """How an asset is told apart: its owner, its layer and its folded name."""
    return f"{owner}|{layer}|{fold_name(name)}"


def unit_kind(unit: str) -> str:
    return unit.split(":", 1)[0]


# --- states ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AssetState:
    owner: str
    layer: str
    name: str
    kind: str
    status: str
    since: PartialDate
    event_ids: tuple[str, ...]
    partners: tuple[tuple[str, PartialDate], ...] = ()  # co-developers, each with its own since
    base: tuple[str | None, str] | None = None  # the model it is fine-tuned from …
    base_since: PartialDate | None = None  # … since the launch that said so
    base_event: str | None = None
    ends: date | None = None  # the day it leaves the stack, when that is known ahead
    aliases: tuple[str, ...] = ()  # other names it goes by (how a dataset spells it)
    capacity_mw: float | None = None  # a facility's size: its launch's, then each expansion's
    h100e: float | None = None
    chip_count: float | None = None
    announced_on: PartialDate | None = None  # the first launch that announced it
    available_on: PartialDate | None = None  # the first event that made it available
    sized_by: tuple[str, ...] = ()  # its launches and available expansions (§9.6 `event_ids`)


@dataclass(frozen=True)
class PartnershipState:
    event_id: str  # the forming event's
    occurred: PartialDate
    parties: tuple[str, ...]
    layer: str
    provider: str | None
    asset: str | None
    status: str
    ends: date | None
    active_on: PartialDate | None = None  # the first event that made it active
    amount: str | None = None  # its Money, as JSON text


@dataclass(frozen=True)
class DependencyState:
    event_id: str
    occurred: PartialDate
    dependent: tuple[str, str, str]  # company, layer, asset
    on: tuple[str, str, str]
    kind: str
    status: str
    ends: date | None


@dataclass(frozen=True)
class CompanyState:
    slug: str
    name: str
    kind: str | None
    founded: PartialDate
    event_id: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkState:
    target: str
    acquirer: str
    occurred: PartialDate
    event_id: str


@dataclass(frozen=True)
class StakeState:
    investor: str
    investee: str
    since: PartialDate
    event_ids: tuple[str, ...]


# --- facts of each kind of unit --------------------------------------------------------------
def asset_facts(unit: str, found: Sequence[Segment]) -> Iterable[Fact]:
    """An owned fact for the owner, a partner fact for each co-developer (who supplies the
    asset to its owner), and the edge to the model it is fine-tuned from."""
    for segment in found:
        state: AssetState = segment.state
        owned = HeldFact(
            unit, state.owner, state.layer, "owned", state.name, "asset", state.kind, (),
            state.status, state.since, state.event_ids, segment.valid_from, segment.valid_to,
            None, state.available_on if state.status == "available" else None,
        )  # fmt: skip
        yield owned
        for partner, since in state.partners:
            if partner != state.owner:
                yield replace(
                    owned, holder=partner, relation="partner", since=since, via=(state.owner,),
                    supplier=partner,
                    available_since=owned.available_since and later(owned.available_since, since),
                )  # fmt: skip
        for alias in state.aliases:
            yield AliasFact(
                unit, state.owner, state.layer, alias, segment.valid_from, segment.valid_to
            )
        if state.layer == "compute":
            yield CapacityFact(
                unit, state.owner, state.name, state.status, state.capacity_mw, state.h100e,
                state.sized_by, segment.valid_from, segment.valid_to,
            )  # fmt: skip
        if state.base is not None and state.base_since is not None:
            base_company, base_model = state.base
            yield EdgeFact(
                unit, state.owner, state.layer, state.name, base_company, "model", base_model,
                "fine_tuned_from", "active", state.base_since,
                (state.base_event,) if state.base_event else (),
                segment.valid_from, segment.valid_to,
            )  # fmt: skip


def partnership_facts(unit: str, found: Sequence[Segment]) -> Iterable[Fact]:
    """A partner fact for each party but the provider, while the partnership is live; and, for
    an active compute partnership with a provider, a contract fact for each such party."""
    for segment in found:
        state: PartnershipState = segment.state
        if state.layer == "compute" and state.provider and state.status == "active":
            for party in state.parties:
                if party != state.provider:
                    yield ContractFact(
                        unit, state.event_id, party, state.provider, state.asset, state.amount,
                        state.occurred, (state.event_id,), segment.valid_from, segment.valid_to,
                    )  # fmt: skip
        label = "asset" if state.asset else ("provider" if state.provider else "parties")
        for party in state.parties:
            if party == state.provider:
                continue
            via = (
                (state.provider,)
                if state.provider
                else tuple(x for x in state.parties if x != party)
            )
            yield HeldFact(
                unit, party, state.layer, "partner", state.asset, label, "partnership", via,
                state.status, state.occurred, (state.event_id,), segment.valid_from,
                segment.valid_to, state.provider,
                state.active_on if state.status == "active" else None,
            )  # fmt: skip


def dependency_facts(unit: str, found: Sequence[Segment]) -> Iterable[Fact]:
    for segment in found:
        state: DependencyState = segment.state
        yield EdgeFact(
            unit, *state.dependent, *state.on, state.kind, state.status, state.occurred,
            (state.event_id,), segment.valid_from, segment.valid_to,
        )  # fmt: skip


def company_facts(unit: str, found: Sequence[Segment]) -> Iterable[Fact]:
    """The company (from its registration) and its name over time."""
    if not found:
        return
    first: CompanyState = found[0].state
    yield CompanyFact(unit, first.slug, first.founded, first.kind, first.event_id)
    for segment in found:
        state: CompanyState = segment.state
        yield NameFact(unit, first.slug, state.name, segment.valid_from, segment.valid_to)
        for alias in state.aliases:
            yield AliasFact(unit, first.slug, None, alias, segment.valid_from, segment.valid_to)


def link_facts(unit: str, found: Sequence[Segment]) -> Iterable[Fact]:
    for segment in found:
        state: LinkState = segment.state
        yield LinkFact(
            unit, state.target, state.acquirer, state.occurred, state.event_id,
            segment.valid_from, segment.valid_to,
        )  # fmt: skip


def stake_facts(unit: str, found: Sequence[Segment]) -> Iterable[Fact]:
    for segment in found:
        state: StakeState = segment.state
        yield StakeFact(
            unit, state.investor, state.investee, state.since, state.event_ids,
            segment.valid_from, segment.valid_to,
        )  # fmt: skip


UNIT_FACTS: dict[str, Callable[[str, Sequence[Segment]], Iterable[Fact]]] = {
    "asset": asset_facts,
    "partnership": partnership_facts,
    "dependency": dependency_facts,
    "company": company_facts,
    "parent": link_facts,
    "stake": stake_facts,
}


def facts_of_unit(
    unit: str, records: Sequence[EventRecord], effect_of: Callable[[str], Effect]
) -> list[Fact]:
    """Every fact a unit yields, given its live events (in any order)."""
    return list(UNIT_FACTS[unit_kind(unit)](unit, segments(records, effect_of)))
