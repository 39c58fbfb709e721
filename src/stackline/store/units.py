"""The rows of one unit — an asset or a partnership — computed from all of its live events.

A unit's rows are always recomputed whole from its events (`catalog.py` says which events belong
to which unit), which keeps backdated events and voids simple: the projector deletes a unit's
rows and writes what this module returns. Each row holds over `[valid_from, valid_to)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table

from stackline.domain.intervals import asset_segments, partnership_span
from stackline.domain.records import EventRecord
from stackline.store.statements import json_text
from stackline.store.tables import stack_facts

UnitRows = dict[Table, list[dict[str, Any]]]
# The tables whose rows belong to units (and carry a `unit` column).
UNIT_TABLES: tuple[Table, ...] = (stack_facts,)


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def asset_rows(unit: str, records: Sequence[EventRecord]) -> UnitRows:
    """An asset: an owned row for its owner, a partner row for each co-developer."""
    facts = []
    for segment in asset_segments(records):
        state = segment.state
        common = {
            "unit": unit, "layer": state.layer.value, "asset": state.name, "label": "asset",
            "kind": state.kind, "status": state.status, "since": state.since.text,
            "event_ids": json_text(list(state.event_ids)),
            "valid_from": segment.valid_from.isoformat(), "valid_to": _iso(segment.valid_to),
        }  # fmt: skip
        facts.append({**common, "holder": state.owner, "relation": "owned", "via": "[]"})
        for partner, since in state.partners:
            if partner != state.owner:
                facts.append({
                    **common, "holder": partner, "relation": "partner", "since": since.text,
                    "via": json_text([state.owner]),
                })  # fmt: skip
    return {stack_facts: facts}


def partnership_rows(unit: str, records: Sequence[EventRecord]) -> UnitRows:
    """A partnership: a partner row for each party other than the provider, while it is live.
    Without its forming event (voided, or not in the log) it has no rows."""
    formed = next((r for r in records if r.type == "partnership.formed"), None)
    if formed is None:
        return {stack_facts: []}
    endings = [r for r in records if r.type == "partnership.ended"]
    span = partnership_span(formed, endings)
    if span is None:
        return {stack_facts: []}
    p = formed.payload
    provider = p.get("provider")
    label = "asset" if p.get("asset") else ("provider" if provider else "parties")
    facts = []
    for party in p["parties"]:
        if party == provider:
            continue
        via = [provider] if provider else [x for x in p["parties"] if x != party]
        facts.append({
            "unit": unit, "holder": party, "layer": p["layer"], "relation": "partner",
            "asset": p.get("asset"), "label": label, "kind": "partnership",
            "via": json_text(via), "status": p["status"], "since": formed.occurred.text,
            "event_ids": json_text([formed.id]), "valid_from": span.start.isoformat(),
            "valid_to": _iso(span.stop),
        })  # fmt: skip
    return {stack_facts: facts}


UNIT_KINDS: dict[str, Callable[[str, Sequence[EventRecord]], UnitRows]] = {
    "asset": asset_rows,
    "partnership": partnership_rows,
}


def unit_rows(unit: str, records: Sequence[EventRecord]) -> UnitRows:
    """The rows of `unit` given its live events (in any order)."""
    kind = unit.split(":", 1)[0]
    return UNIT_KINDS[kind](unit, records)
