"""Converting between events and rows of the `events` table."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Row

from stackline.domain.documents import event_document
from stackline.domain.events import EVENT_ADAPTER, Event, event_layer, referenced_event
from stackline.domain.payloads import LAUNCH_PAYLOADS, launched_asset
from stackline.domain.values import fold_name
from stackline.store.tables import events

EVENT_COLUMNS = [column for column in events.c if column.name not in ("effective_on", "period_end")]


def asset_unit(event: Event) -> str | None:
    """The key of the asset a launch or retirement acts on: `owner|layer|folded name`."""
    if event.type == "asset.retired":
        p: Any = event.payload
        return f"{p.company}|{p.layer.value}|{fold_name(p.asset)}"
    if isinstance(event.payload, LAUNCH_PAYLOADS):
        layer, name, _ = launched_asset(event.payload)
        return f"{event.payload.company}|{layer.value}|{fold_name(name)}"
    return None


def event_row(event: Event, document: dict[str, Any] | None = None) -> dict[str, Any]:
    document = document or event_document(event)
    target = referenced_event(event)
    layer = event_layer(event)
    return {
        **{key: document[key] for key in (
            "seq", "id", "type", "schema_version", "occurred_on", "summary", "details",
            "confidence", "supersedes", "recorded_at", "recorded_by", "prev_hash", "hash",
        )},
        "sources": json.dumps(document["sources"], ensure_ascii=False),
        "payload": json.dumps(document["payload"], ensure_ascii=False),
        "effective_on": event.occurred_on.start,
        "period_end": event.occurred_on.end,
        "target_id": str(target) if target else None,
        "asset_unit": asset_unit(event),
        "layer": layer.value if layer else None,
    }  # fmt: skip


def row_document(row: Row[Any]) -> dict[str, Any]:
    """The export form of a stored event, straight from its row (no model validation)."""
    values = row._mapping
    return {
        "seq": values["seq"],
        "id": values["id"],
        "type": values["type"],
        "schema_version": values["schema_version"],
        "occurred_on": values["occurred_on"],
        "summary": values["summary"],
        "details": values["details"],
        "confidence": values["confidence"],
        "sources": json.loads(values["sources"]),
        "payload": json.loads(values["payload"]),
        "supersedes": values["supersedes"],
        "recorded_at": values["recorded_at"],
        "recorded_by": values["recorded_by"],
        "prev_hash": values["prev_hash"],
        "hash": values["hash"],
    }


def row_event(row: Row[Any]) -> Event:
    return EVENT_ADAPTER.validate_python(row_document(row))


def row_events(rows: Iterable[Row[Any]]) -> Iterator[Event]:
    for row in rows:
        yield row_event(row)
