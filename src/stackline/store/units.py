"""The rows of one unit — an asset, a partnership, a dependency — computed from its live events.

A unit's rows are always recomputed whole from its events (`catalog.py` says which events belong
to which unit), which keeps backdated events and voids simple: the projector deletes a unit's
rows and writes what this module returns. Each row holds over `[valid_from, valid_to)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table

from stackline.domain.intervals import AssetState, asset_segments, live_span, status_periods
from stackline.domain.records import EventRecord, asset_key
from stackline.store.statements import json_text
from stackline.store.tables import dependencies, stack_facts

UnitRows = dict[Table, list[dict[str, Any]]]
# The tables whose rows belong to units (and carry a `unit` column).
UNIT_TABLES: tuple[Table, ...] = (stack_facts, dependencies)


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def asset_rows(unit: str, records: Sequence[EventRecord]) -> UnitRows:
    """An asset: an owned row for its owner, a partner row for each co-developer (who supplies
    it to the owner), and the edge to the model it is fine-tuned from."""
    facts, edges = [], []
    for segment in asset_segments(records):
        state = segment.state
        common = {
            "unit": unit, "layer": state.layer.value, "asset": state.name, "label": "asset",
            "kind": state.kind, "status": state.status, "since": state.since.text,
            "event_ids": json_text(list(state.event_ids)), "supplier": None,
            "status_since": (state.status_since or state.since).text,
            "valid_from": segment.valid_from.isoformat(), "valid_to": _iso(segment.valid_to),
        }  # fmt: skip
        facts.append({**common, "holder": state.owner, "relation": "owned", "via": "[]"})
        for partner, since in state.partners:
            if partner != state.owner:
                facts.append({
                    **common, "holder": partner, "relation": "partner", "since": since.text,
                    "via": json_text([state.owner]), "supplier": partner,
                })  # fmt: skip
        if state.base is not None:
            edges.append(_base_model_edge(unit, state, common))
    return {stack_facts: facts, dependencies: edges}


def _base_model_edge(unit: str, state: AssetState, common: dict[str, Any]) -> dict[str, Any]:
    assert state.base is not None and state.base_since is not None
    base_company, base_model = state.base
    return {
        "unit": unit, "from_company": state.owner, "from_layer": state.layer.value,
        "from_key": asset_key(state.owner, state.layer.value, state.name),
        "from_asset": state.name, "on_company": base_company, "on_layer": "model",
        "on_key": asset_key(base_company or "", "model", base_model), "on_asset": base_model,
        "kind": "fine_tuned_from", "status": "active", "since": state.base_since.text,
        "event_ids": json_text([state.base_event]), "valid_from": common["valid_from"],
        "valid_to": common["valid_to"],
    }  # fmt: skip


def partnership_rows(unit: str, records: Sequence[EventRecord]) -> UnitRows:
    """A partnership: a partner row for each party but the provider, while it is live, announced
    until it is activated. Without its forming event (voided, not in the log) it has no rows."""
    formed = next((r for r in records if r.type == "partnership.formed"), None)
    span = (
        live_span(formed, [r for r in records if r.type == "partnership.ended"]) if formed else None
    )
    if formed is None or span is None:
        return {stack_facts: []}
    activations = [r.occurred.start for r in records if r.type == "partnership.activated"]
    p = formed.payload
    provider = p.get("provider")
    label = "asset" if p.get("asset") else ("provider" if provider else "parties")
    facts = []
    for start, stop, status in status_periods(span, p["status"], min(activations, default=None)):
        for party in p["parties"]:
            if party == provider:
                continue
            via = [provider] if provider else [x for x in p["parties"] if x != party]
            facts.append({
                "unit": unit, "holder": party, "layer": p["layer"], "relation": "partner",
                "asset": p.get("asset"), "label": label, "kind": "partnership",
                "via": json_text(via), "status": status, "since": formed.occurred.text,
                "event_ids": json_text([formed.id]), "valid_from": start.isoformat(),
                "valid_to": _iso(stop), "supplier": provider, "status_since": None,
            })  # fmt: skip
    return {stack_facts: facts}


def dependency_rows(unit: str, records: Sequence[EventRecord]) -> UnitRows:
    """A dependency: one edge while it is live (from its date to its ending or `ends_on`)."""
    formed = next((r for r in records if r.type == "dependency.formed"), None)
    span = (
        live_span(formed, [r for r in records if r.type == "dependency.ended"]) if formed else None
    )
    if formed is None or span is None:
        return {dependencies: []}
    p = formed.payload
    dependent, on = p["from"], p["on"]
    return {
        dependencies: [{
            "unit": unit, "from_company": dependent["company"], "from_layer": dependent["layer"],
            "from_key": asset_key(dependent["company"], dependent["layer"], dependent["asset"]),
            "from_asset": dependent["asset"], "on_company": on["company"],
            "on_layer": on["layer"], "on_key": asset_key(on["company"], on["layer"], on["asset"]),
            "on_asset": on["asset"], "kind": p["kind"], "status": p["status"],
            "since": formed.occurred.text, "event_ids": json_text([formed.id]),
            "valid_from": span.start.isoformat(), "valid_to": _iso(span.stop),
        }]
    }  # fmt: skip


UNIT_KINDS: dict[str, Callable[[str, Sequence[EventRecord]], UnitRows]] = {
    "asset": asset_rows,
    "partnership": partnership_rows,
    "dependency": dependency_rows,
}


def unit_rows(unit: str, records: Sequence[EventRecord]) -> UnitRows:
    """The rows of `unit` given its live events (in any order)."""
    kind = unit.split(":", 1)[0]
    return UNIT_KINDS[kind](unit, records)
