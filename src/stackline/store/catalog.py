"""How each event type reaches the projection tables: the one table the projector dispatches on.

An event type changes projections in up to two ways:
- **points**: rows that belong to the event alone (a registration's company row, an acquisition's
  ownership link), keyed by its `seq`, written when it is appended and deleted when it is voided;
- **a unit**: a thing whose rows are recomputed from all of its live events together (an asset
  from its launches and retirement, a partnership from its forming and ending), so a backdated
  or voided event lands in the right interval without replaying the log.

A new event type adds one line here (and its unit's rows in `units.py` when it has a new kind
of unit); the projector, imports, rebuilds and the rule context all follow from this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from stackline.domain.events import EVENT_TYPES
from stackline.domain.records import EventRecord, asset_key_of
from stackline.store.tables import (
    companies,
    company_names,
    investments,
    ownership_links,
    plans,
)

PointRows = list[tuple[Table, dict[str, Any]]]


@dataclass(frozen=True)
class EventProjection:
    unit: Callable[[EventRecord], str] | None = None
    points: Callable[[EventRecord], PointRows] | None = None


def asset_unit(record: EventRecord) -> str:
    key = asset_key_of(record)
    assert key is not None
    return "asset:" + key


def own_partnership(record: EventRecord) -> str:
    return "partnership:" + record.id


def target_partnership(record: EventRecord) -> str:
    return "partnership:" + str(record.payload["partnership"])


def own_dependency(record: EventRecord) -> str:
    return "dependency:" + record.id


def target_dependency(record: EventRecord) -> str:
    return "dependency:" + str(record.payload["dependency"])


def _registration(record: EventRecord) -> PointRows:
    p, on = record.payload, record.occurred
    return [
        (companies, {"slug": p["company"], "registration_seq": record.seq,
                     "founded_on": on.text, "founded_start": on.start.isoformat(),
                     "kind": p.get("kind")}),
        (company_names, {"company": p["company"], "seq": record.seq,
                         "valid_from": on.start.isoformat(), "name": p["name"]}),
    ]  # fmt: skip


def _rename(record: EventRecord) -> PointRows:
    p = record.payload
    row = {"company": p["company"], "seq": record.seq, "valid_from": record.start.isoformat(),
           "name": p["name"]}  # fmt: skip
    return [(company_names, row)]


def _ownership(record: EventRecord) -> PointRows:
    p = record.payload
    row = {"target": p["target"], "seq": record.seq, "acquirer": p["acquirer"],
           "valid_from": record.start.isoformat(), "occurred_on": record.occurred.text,
           "event_id": record.id}  # fmt: skip
    return [(ownership_links, row)]


def _investment(record: EventRecord) -> PointRows:
    p = record.payload
    row = {"investor": p["investor"], "seq": record.seq, "investee": p["investee"],
           "valid_from": record.start.isoformat(), "occurred_on": record.occurred.text,
           "event_id": record.id}  # fmt: skip
    return [(investments, row)]


def _plan(record: EventRecord) -> PointRows:
    """An announcement with a target date is a plan (whose outcome the plans read tells)."""
    p = record.payload
    if not p.get("target_on") or p.get("status", "announced") != "announced":
        return []
    kind = {"partnership.formed": "partnership", "acquisition.announced": "acquisition"}
    company = p.get("company") or p.get("acquirer") or (p.get("parties") or [""])[0]
    row = {"seq": record.seq, "event_id": record.id, "kind": kind.get(record.type, "asset"),
           "company": company, "valid_from": record.start.isoformat()}  # fmt: skip
    return [(plans, row)]


EVENT_PROJECTIONS: dict[str, EventProjection] = {
    "company.registered": EventProjection(points=_registration),
    "company.renamed": EventProjection(points=_rename),
    "chip.launched": EventProjection(unit=asset_unit, points=_plan),
    "compute.launched": EventProjection(unit=asset_unit, points=_plan),
    "model.released": EventProjection(unit=asset_unit, points=_plan),
    "product.launched": EventProjection(unit=asset_unit),
    "asset.retired": EventProjection(unit=asset_unit),
    "partnership.formed": EventProjection(unit=own_partnership, points=_plan),
    "partnership.activated": EventProjection(unit=target_partnership),
    "partnership.ended": EventProjection(unit=target_partnership),
    "acquisition.announced": EventProjection(points=_plan),
    "acquisition.completed": EventProjection(points=_ownership),
    "acquisition.abandoned": EventProjection(),
    "investment.made": EventProjection(points=_investment),
    "dependency.formed": EventProjection(unit=own_dependency),
    "dependency.ended": EventProjection(unit=target_dependency),
    "event.retracted": EventProjection(),
}
assert set(EVENT_PROJECTIONS) == set(EVENT_TYPES), "every event type needs a projection entry"

# Tables of point rows, and the column naming the event that wrote each row.
POINT_TABLES: dict[Table, str] = {
    companies: "registration_seq",
    company_names: "seq",
    ownership_links: "seq",
    investments: "seq",
    plans: "seq",
}


def unit_of(record: EventRecord) -> str | None:
    """The unit the event belongs to, if its type has units."""
    unit = EVENT_PROJECTIONS[record.type].unit
    return unit(record) if unit is not None else None


def point_rows(record: EventRecord) -> PointRows:
    points = EVENT_PROJECTIONS[record.type].points
    return points(record) if points is not None else []
