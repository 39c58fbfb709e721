"""Plans and outcomes (DESIGN §8): what was announced with a target date, and what happened.

A plan is an announced asset (chip, compute or model), an announced partnership, or an announced
acquisition that names a `target_on`. It is `delivered` by a later launch of the same asset that
makes it available, by the partnership's activation, or by the completion of the same
acquisition; `abandoned` by the acquisition's abandonment or the partnership's ending before it
started; `overdue` once its target period has passed; `pending` before. `slip_days` is 0 for a
delivery inside the target period, else the days after its end (before its start: negative);
for an overdue plan it counts to the day looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from stackline.domain.dates import PartialDate
from stackline.domain.events import (
    AcquisitionAbandoned,
    AcquisitionAnnounced,
    AcquisitionCompleted,
    Event,
    PartnershipActivated,
    PartnershipEnded,
    PartnershipFormed,
)
from stackline.domain.payloads import LAUNCH_PAYLOADS, launched_asset
from stackline.domain.values import fold_name


@dataclass(frozen=True)
class Plan:
    event_id: UUID
    company: str
    layer: str | None
    asset: str | None
    announced_on: PartialDate
    target_on: PartialDate
    delivered_on: PartialDate | None
    slip_days: int | None
    state: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": str(self.event_id), "company": self.company, "layer": self.layer,
            "asset": self.asset, "announced_on": str(self.announced_on),
            "target_on": str(self.target_on),
            "delivered_on": str(self.delivered_on) if self.delivered_on else None,
            "slip_days": self.slip_days, "state": self.state,
        }  # fmt: skip


def plans_as_of(effective: Sequence[Event], as_of: date) -> list[Plan]:
    """The plans among `effective` (live events dated by `as_of`, in effect order) and their
    outcome on `as_of`."""
    found = []
    for index, event in enumerate(effective):
        plan = _plan_of(event, effective[index + 1 :], as_of)
        if plan is not None:
            found.append(plan)
    return sorted(found, key=lambda p: (p.target_on.start, p.announced_on.start, str(p.event_id)))


def _plan_of(event: Event, later: Sequence[Event], as_of: date) -> Plan | None:
    payload: Any = event.payload
    target_on = getattr(payload, "target_on", None)
    if target_on is None or (getattr(payload, "status", "announced") or "available") != "announced":
        return None
    assert event.id is not None
    if isinstance(payload, LAUNCH_PAYLOADS):
        layer, name, _ = launched_asset(payload)
        delivered = _first(later, lambda e: _delivers_asset(e, payload.company, layer, name))
        return _outcome(
            event, payload.company, layer.value, name, target_on, delivered, None, as_of
        )
    if isinstance(event, PartnershipFormed):
        p = event.payload
        started = _first(
            later, lambda e: _targets(e, PartnershipActivated, "partnership", event.id)
        )
        ended = _first(later, lambda e: _targets(e, PartnershipEnded, "partnership", event.id))
        gave_up = ended if ended is not None and started is None else None
        company = p.provider or p.parties[0]
        return _outcome(event, company, p.layer.value, p.asset, target_on, started, gave_up, as_of)
    if isinstance(event, AcquisitionAnnounced):
        deal = event.payload
        done = _first(later, lambda e: isinstance(e, AcquisitionCompleted)
                      and (e.payload.acquirer, e.payload.target) == (deal.acquirer, deal.target))  # fmt: skip
        gave_up = _first(
            later, lambda e: _targets(e, AcquisitionAbandoned, "announcement", event.id)
        )
        return _outcome(event, deal.acquirer, None, deal.target, target_on, done, gave_up, as_of)
    return None


def _outcome(
    plan: Event, company: str, layer: str | None, asset: str | None, target: PartialDate,
    delivered: Event | None, abandoned: Event | None, as_of: date,
) -> Plan:  # fmt: skip
    assert plan.id is not None
    if delivered is not None:
        day = delivered.occurred_on.start
        slip = 0 if target.start <= day <= target.end else _days_outside(day, target)
        return Plan(plan.id, company, layer, asset, plan.occurred_on, target,
                    delivered.occurred_on, slip, "delivered")  # fmt: skip
    if abandoned is not None:
        return Plan(
            plan.id, company, layer, asset, plan.occurred_on, target, None, None, "abandoned"
        )
    if target.end < as_of:
        return Plan(plan.id, company, layer, asset, plan.occurred_on, target, None,
                    (as_of - target.end).days, "overdue")  # fmt: skip
    return Plan(plan.id, company, layer, asset, plan.occurred_on, target, None, None, "pending")


def _days_outside(day: date, target: PartialDate) -> int:
    return (day - target.end).days if day > target.end else (day - target.start).days


def _delivers_asset(event: Event, company: str, layer: Any, name: str) -> bool:
    payload: Any = event.payload
    if not isinstance(payload, LAUNCH_PAYLOADS) or payload.company != company:
        return False
    other_layer, other_name, _ = launched_asset(payload)
    status = getattr(payload, "status", None) or "available"
    return (
        other_layer == layer and fold_name(other_name) == fold_name(name) and status == "available"
    )


def _targets(event: Event, kind: type[Event], field: str, target: UUID | None) -> bool:
    return isinstance(event, kind) and getattr(event.payload, field) == target


def _first(events: Sequence[Event], matches: Any) -> Event | None:
    return next((event for event in events if matches(event)), None)
