"""Facts: what the projections hold, each over the days `[valid_from, valid_to)` it is true.

A unit of the log (an asset, a partnership, a company, …) yields facts from its live events
(`units.py`); the store keeps each kind of fact in a table of its own, and the reference fold
keeps them in memory. Either way a day's footprint is built from the facts holding that day
(`fact_set.py`), so the as-of rules are written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stackline.domain.dates import PartialDate


@dataclass(frozen=True, slots=True)
class HeldFact:
    """Something a company holds in one layer: its own asset (`owned`), or another's (`partner`:
    a partnership's party, a co-developer of an asset). An asset-less partnership is named by
    the provider's or the parties' names on the day (`label` says which)."""

    unit: str
    holder: str
    layer: str
    relation: str
    asset: str | None
    label: str  # asset, provider or parties
    kind: str
    via: tuple[str, ...]
    status: str
    since: PartialDate
    event_ids: tuple[str, ...]
    valid_from: date
    valid_to: date | None
    supplier: str | None = None  # who supplies it: a provider, or the co-developer itself
    # The first day it was available (an asset) or active (a partnership); None while only
    # announced. A co-developer's is no earlier than its own `since`.
    available_since: PartialDate | None = None


@dataclass(frozen=True, slots=True)
class EdgeFact:
    """A dependency between two assets (`dependency.formed`, or a model's `base_model`)."""

    unit: str
    from_company: str
    from_layer: str
    from_asset: str
    on_company: str | None  # None: a base model named without its company
    on_layer: str
    on_asset: str
    kind: str
    status: str
    since: PartialDate
    event_ids: tuple[str, ...]
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class CompanyFact:
    """A registered company: it exists from its founding."""

    unit: str
    slug: str
    founded: PartialDate
    kind: str | None
    event_id: str


@dataclass(frozen=True, slots=True)
class NameFact:
    unit: str
    company: str
    name: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class LinkFact:
    """`acquirer` owns `target` (through the acquisition `event_id`, dated `occurred`)."""

    unit: str
    target: str
    acquirer: str
    occurred: PartialDate
    event_id: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class StakeFact:
    """An investor's stake in an investee: every investment effective by then, since the first."""

    unit: str
    investor: str
    investee: str
    since: PartialDate
    event_ids: tuple[str, ...]
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class AliasFact:
    """Another name of a company (`layer` None) or of one of its assets (how a dataset spells
    it), from the event that gave it."""

    unit: str
    company: str
    layer: str | None
    alias: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class CapacityFact:
    """A compute facility's size while it holds (DESIGN §9.6): its launch's figures, replaced
    field by field by each available expansion; `status` announced counts nothing yet."""

    unit: str
    company: str
    facility: str
    status: str
    capacity_mw: float | None
    h100e: float | None
    event_ids: tuple[str, ...]  # the launches and available expansions that sized it
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class ContractFact:
    """A party's (`holder`'s) side of an active compute partnership with a provider: capacity
    it rents, once its `asset` is matched to a facility of the provider's group (§9.6)."""

    unit: str
    partnership: str  # the forming event's id
    holder: str
    provider: str
    asset: str | None
    amount: str | None  # the partnership's Money, as JSON text
    occurred: PartialDate  # the partnership's date: its facility is matched on its first day
    event_ids: tuple[str, ...]
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class PlanFact:
    """An announcement that is a plan (its outcome is told by `plans.py`); one per event."""

    seq: int
    event_id: str
    kind: str
    company: str
    valid_from: date


Fact = (
    HeldFact | EdgeFact | CompanyFact | NameFact | LinkFact | StakeFact | AliasFact | CapacityFact
    | ContractFact
)  # fmt: skip
IntervalFact = (
    HeldFact | EdgeFact | NameFact | LinkFact | StakeFact | AliasFact | CapacityFact | ContractFact
)  # fmt: skip


def holds_on(fact: IntervalFact, day: date) -> bool:
    """Whether the fact is true on `day`: `valid_from ≤ day < valid_to` (the one predicate every
    as-of read applies, in memory here and in SQL in `store/temporal.py`)."""
    return fact.valid_from <= day and (fact.valid_to is None or day < fact.valid_to)
