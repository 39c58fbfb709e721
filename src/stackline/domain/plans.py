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

from stackline.domain.catalog import REGISTRY
from stackline.domain.dates import PartialDate
from stackline.domain.records import EventRecord


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


def plans_as_of(effective: Sequence[EventRecord], as_of: date) -> list[Plan]:
    """The plans among `effective` (live events dated by `as_of`, in effect order) and their
    outcome on `as_of`."""
    found = []
    for index, record in enumerate(effective):
        plan = _plan_of(record, effective[index + 1 :], as_of)
        if plan is not None:
            found.append(plan)
    return sorted(found, key=lambda p: (p.target_on.start, p.announced_on.start, str(p.event_id)))


def _plan_of(record: EventRecord, later: Sequence[EventRecord], as_of: date) -> Plan | None:
    entry, p = REGISTRY[record.type], record.payload
    if not entry.is_plan(p):
        return None
    target_on = PartialDate.parse(p["target_on"])
    layer = entry.layer(p)
    if entry.asset_field is not None:  # an asset: delivered when it becomes available
        delivered = _first(later, lambda e: e.unit == record.unit and _available(e))
        return _outcome(record, p["company"], layer, p[entry.asset_field], target_on,
                        delivered, None, as_of)  # fmt: skip
    if record.type == "acquisition.announced":
        pair = (p["acquirer"], p["target"])
        done = _first(later, lambda e: e.type == "acquisition.completed"
                      and (e.payload["acquirer"], e.payload["target"]) == pair)  # fmt: skip
        gave_up = _first(later, lambda e: _acts_on(e, "acquisition.abandoned", record.id))
        return _outcome(record, pair[0], None, pair[1], target_on, done, gave_up, as_of)
    started = _first(later, lambda e: _acts_on(e, "partnership.activated", record.id))
    ended = _first(later, lambda e: _acts_on(e, "partnership.ended", record.id))
    gave_up = ended if ended is not None and started is None else None
    company = p.get("provider") or p["parties"][0]
    return _outcome(record, company, layer, p.get("asset"), target_on, started, gave_up, as_of)


def _outcome(
    plan: EventRecord, company: str, layer: str | None, asset: str | None, target: PartialDate,
    delivered: EventRecord | None, abandoned: EventRecord | None, as_of: date,
) -> Plan:  # fmt: skip
    plan_id, announced = UUID(plan.id), plan.occurred
    if delivered is not None:
        day = delivered.occurred.start
        slip = 0 if target.start <= day <= target.end else _days_outside(day, target)
        return Plan(plan_id, company, layer, asset, announced, target, delivered.occurred, slip,
                    "delivered")  # fmt: skip
    if abandoned is not None:
        return Plan(plan_id, company, layer, asset, announced, target, None, None, "abandoned")
    if target.end < as_of:
        return Plan(plan_id, company, layer, asset, announced, target, None,
                    (as_of - target.end).days, "overdue")  # fmt: skip
    return Plan(plan_id, company, layer, asset, announced, target, None, None, "pending")


def _days_outside(day: date, target: PartialDate) -> int:
    return (day - target.end).days if day > target.end else (day - target.start).days


def _available(record: EventRecord) -> bool:
    return REGISTRY[record.type].status_of(record.payload) == "available"


def _acts_on(record: EventRecord, event_type: str, target: str) -> bool:
    field = REGISTRY[event_type].target_field
    return record.type == event_type and field is not None and record.payload[field] == target


def _first(records: Sequence[EventRecord], matches: Any) -> EventRecord | None:
    return next((record for record in records if matches(record)), None)
