"""Plans and outcomes (DESIGN §8, §9.5): what was announced, and what happened.

An announcement is of an asset (chip, compute or model), a partnership or an acquisition. It is
`delivered` by a later launch of the same asset that makes it available, by the partnership's
activation, or by the completion of the same acquisition; `abandoned` by the acquisition's
abandonment or the partnership's ending before it started. One with a `target_on` is a plan:
`overdue` once its target period has passed, `pending` before. One without is `undated` while
nothing followed it (its age counts the days since); once delivered or abandoned it is no plan
and is not listed. `slip_days` is 0 for a delivery inside the target period, else the days after
its end (before its start: negative); for an overdue plan it counts to the day looked at.

Each plan names its parties: a partnership's provider is its `supplier` and the other parties
its `buyer`s (all `party` without a provider); a co-developed launch's owner is the `buyer` and
each co-developer a `supplier` (a launch without one names its `owner`); an acquisition its
`acquirer` and `target`. `outcome_confidence` is the delivering (or abandoning) event's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from stackline.domain.catalog import REGISTRY
from stackline.domain.dates import PartialDate
from stackline.domain.records import EventRecord


@dataclass(frozen=True)
class Party:
    slug: str
    role: str  # buyer, supplier, party, owner, acquirer or target
    name: str | None = None  # filled in by the reader that knows the names

    def as_dict(self) -> dict[str, Any]:
        return {"slug": self.slug, "name": self.name or self.slug, "role": self.role}


@dataclass(frozen=True)
class Plan:
    event_id: UUID
    company: str
    layer: str | None
    asset: str | None
    announced_on: PartialDate
    target_on: PartialDate | None
    delivered_on: PartialDate | None
    slip_days: int | None
    state: str
    parties: tuple[Party, ...] = ()
    confidence: str = "confirmed"  # the announcement's
    outcome_confidence: str | None = None
    age_days: int | None = None  # an undated announcement's, on the day looked at

    def named(self, names: dict[str, str]) -> Plan:
        """This plan with its parties' names."""
        return replace(
            self, parties=tuple(replace(p, name=names.get(p.slug, p.slug)) for p in self.parties)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": str(self.event_id), "company": self.company, "layer": self.layer,
            "asset": self.asset, "announced_on": str(self.announced_on),
            "target_on": str(self.target_on) if self.target_on else None,
            "delivered_on": str(self.delivered_on) if self.delivered_on else None,
            "slip_days": self.slip_days, "state": self.state,
            "parties": [party.as_dict() for party in self.parties],
            "confidence": self.confidence, "outcome_confidence": self.outcome_confidence,
            "age_days": self.age_days,
        }  # fmt: skip


def plans_as_of(effective: Sequence[EventRecord], as_of: date) -> list[Plan]:
    """The plans among `effective` (live events dated by `as_of`, in effect order) and their
    outcome on `as_of`: dated ones by target, then undated ones, oldest first."""
    found = []
    for index, record in enumerate(effective):
        plan = _plan_of(record, effective[index + 1 :], as_of)
        if plan is not None:
            found.append(plan)
    return sorted(found, key=_order)


def _order(plan: Plan) -> tuple[Any, ...]:
    target = plan.target_on.start if plan.target_on else date.max
    return (target, plan.announced_on.start, str(plan.event_id))


def _plan_of(record: EventRecord, later: Sequence[EventRecord], as_of: date) -> Plan | None:
    entry, p = REGISTRY[record.type], record.payload
    if not entry.is_announcement(p):
        return None
    target_on = PartialDate.parse(p["target_on"]) if p.get("target_on") else None
    layer = entry.layer(p)
    if entry.asset_field is not None:  # an asset: delivered when it becomes available
        delivered = _first(later, lambda e: e.unit == record.unit and _available(e))
        co_developers = [s for s in p.get("partners") or () if s != p["company"]]
        parties = (
            Party(p["company"], "buyer" if co_developers else "owner"),
            *(Party(slug, "supplier") for slug in co_developers),
        )
        return _outcome(record, p["company"], layer, p[entry.asset_field], target_on,
                        delivered, None, as_of, parties)  # fmt: skip
    if record.type == "acquisition.announced":
        pair = (p["acquirer"], p["target"])
        done = _first(later, lambda e: e.type == "acquisition.completed"
                      and (e.payload["acquirer"], e.payload["target"]) == pair)  # fmt: skip
        gave_up = _first(later, lambda e: _acts_on(e, "acquisition.abandoned", record.id))
        parties = (Party(pair[0], "acquirer"), Party(pair[1], "target"))
        return _outcome(record, pair[0], None, pair[1], target_on, done, gave_up, as_of, parties)
    started = _first(later, lambda e: _acts_on(e, "partnership.activated", record.id))
    ended = _first(later, lambda e: _acts_on(e, "partnership.ended", record.id))
    gave_up = ended if ended is not None and started is None else None
    provider = p.get("provider")
    parties = tuple(
        Party(slug, "party" if provider is None else "supplier" if slug == provider else "buyer")
        for slug in ([provider] if provider else []) + [s for s in p["parties"] if s != provider]
    )
    company = provider or p["parties"][0]
    return _outcome(
        record, company, layer, p.get("asset"), target_on, started, gave_up, as_of, parties
    )


def _outcome(
    plan: EventRecord, company: str, layer: str | None, asset: str | None,
    target: PartialDate | None, delivered: EventRecord | None, abandoned: EventRecord | None,
    as_of: date, parties: tuple[Party, ...],
) -> Plan | None:  # fmt: skip
    plan_id, announced = UUID(plan.id), plan.occurred
    base = Plan(plan_id, company, layer, asset, announced, target, None, None, "pending",
                parties, plan.confidence)  # fmt: skip
    if target is None:
        if delivered is not None or abandoned is not None:
            return None  # it happened (or did not): no plan to follow
        return replace(base, state="undated", age_days=(as_of - announced.start).days)
    if delivered is not None:
        day = delivered.occurred.start
        slip = 0 if target.start <= day <= target.end else _days_outside(day, target)
        return replace(
            base, delivered_on=delivered.occurred, slip_days=slip, state="delivered",
            outcome_confidence=delivered.confidence,
        )  # fmt: skip
    if abandoned is not None:
        return replace(base, state="abandoned", outcome_confidence=abandoned.confidence)
    if target.end < as_of:
        return replace(base, slip_days=(as_of - target.end).days, state="overdue")
    return base


def _days_outside(day: date, target: PartialDate) -> int:
    return (day - target.end).days if day > target.end else (day - target.start).days


def _available(record: EventRecord) -> bool:
    return REGISTRY[record.type].status_of(record.payload) == "available"


def _acts_on(record: EventRecord, event_type: str, target: str) -> bool:
    field = REGISTRY[event_type].target_field
    return record.type == event_type and field is not None and record.payload[field] == target


def _first(records: Sequence[EventRecord], matches: Any) -> EventRecord | None:
    return next((record for record in records if matches(record)), None)
