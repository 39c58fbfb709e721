"""Converting between events and rows of the `events` table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Row

from stackline.domain.dates import PartialDate
from stackline.domain.documents import event_document
from stackline.domain.events import (
    EVENT_ADAPTER,
    EVENT_CLASSES,
    Event,
    event_layer,
    referenced_event,
)
from stackline.domain.payloads import LAUNCH_PAYLOADS, BaseModelRef, launched_asset
from stackline.domain.values import Layer, Money, Source, fold_name
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
    """A stored event as a model, built without validating it again.

    Every row was validated on its way in, and `verify` catches rows changed since; skipping a
    second validation makes reading the log (rebuilds, projections, "known on" folds) several
    times faster. `validated_row_event` re-validates, for callers that want to be sure.
    """
    values = row._mapping
    event_class: Any = EVENT_CLASSES[values["type"]]
    payload_class = event_class.model_fields["payload"].annotation
    supersedes = values["supersedes"]
    event: Event = event_class.model_construct(
        id=UUID(values["id"]),
        type=values["type"],
        occurred_on=PartialDate.parse(values["occurred_on"]),
        summary=values["summary"],
        details=values["details"],
        confidence=values["confidence"],
        sources=tuple(Source.model_construct(**_source(s)) for s in json.loads(values["sources"])),
        payload=_payload(payload_class, json.loads(values["payload"])),
        supersedes=UUID(supersedes) if supersedes else None,
        seq=values["seq"],
        schema_version=values["schema_version"],
        recorded_at=stored_moment(values["recorded_at"]),
        recorded_by=values["recorded_by"],
        prev_hash=values["prev_hash"],
        hash=values["hash"],
    )
    return event


def validated_row_event(row: Row[Any]) -> Event:
    return EVENT_ADAPTER.validate_python(row_document(row))


def _source(stored: dict[str, Any]) -> dict[str, Any]:
    published = stored.get("published_on")
    return {**stored, "published_on": PartialDate.parse(published) if published else None}


def _payload(payload_class: Any, stored: dict[str, Any]) -> Any:
    """The payload model from its stored JSON, each field in the type its model declares."""
    values: dict[str, Any] = {}
    for name, value in stored.items():
        if value is None:
            values[name] = None
        elif name in _DATES:
            values[name] = PartialDate.parse(value)
        elif name in _UUIDS:
            values[name] = UUID(value)
        elif name in _TUPLES:
            values[name] = tuple(value)
        elif name == "layer":
            values[name] = Layer(value)
        elif name == "amount":
            values[name] = Money.model_construct(**value)
        elif name == "base_model":
            values[name] = BaseModelRef.model_construct(**value)
        else:
            values[name] = value
    return payload_class.model_construct(**values)


_DATES = frozenset({"ends_on", "target_on"})
_UUIDS = frozenset({"partnership", "event"})
_TUPLES = frozenset({"partners", "parties", "aliases"})


@lru_cache(maxsize=256)
def stored_moment(text: str) -> datetime:
    """A stored `recorded_at` as an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
