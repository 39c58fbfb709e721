"""Converting between events and rows of the `events` table.

A row holds the event's export form (what the hash covers) plus columns derived from it for
indexes: `effective_on`, `period_end`, `layer`, `target_id` and `unit`. `derived_columns` is the
one place they are computed, on append and when `verify` checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy import Row

from stackline.domain.dates import PartialDate
from stackline.domain.events import EVENT_CLASSES, TARGET_FIELDS, Event, Origin, layer_in_payload
from stackline.domain.records import EventRecord
from stackline.domain.values import Source
from stackline.store.statements import json_text

RECORD_COLUMNS = "seq, id, type, occurred_on, confidence, payload, supersedes, recorded_at, unit"


def derived_columns(record: EventRecord) -> dict[str, Any]:
    """The indexed columns a row derives from its event's content (dates as ISO text)."""
    payload = record.payload
    target_field = TARGET_FIELDS.get(record.type)
    return {
        "effective_on": record.occurred.start.isoformat(),
        "period_end": record.occurred.end.isoformat(),
        "layer": layer_in_payload(record.type, payload),
        "target_id": str(payload[target_field]) if target_field else None,
        "unit": record.unit,
    }


def event_row(document: dict[str, Any], record: EventRecord | None = None) -> dict[str, Any]:
    """The row of a sealed event, from its export form."""
    record = record or EventRecord.of_document(document)
    return {
        **{key: document[key] for key in (
            "seq", "id", "type", "schema_version", "occurred_on", "summary", "details",
            "confidence", "supersedes", "recorded_at", "recorded_by", "prev_hash", "hash",
        )},
        **origin_columns(document.get("origin")),
        "sources": json_text(document["sources"]),
        "payload": json_text(document["payload"]),
        **derived_columns(record),
    }  # fmt: skip


def origin_columns(origin: dict[str, Any] | None) -> dict[str, Any]:
    """An event's `origin` as the three columns that hold it (nulls for a curated event)."""
    origin = origin or {}
    return {
        "origin_dataset": origin.get("dataset"),
        "origin_key": origin.get("key"),
        "origin_snapshot": origin.get("snapshot"),
    }


def stored_origin(values: Any) -> dict[str, Any] | None:
    if values.get("origin_dataset") is None:
        return None
    return {
        "dataset": values["origin_dataset"],
        "key": values["origin_key"],
        "snapshot": values["origin_snapshot"],
    }


def record_of_row(row: tuple[Any, ...]) -> EventRecord:
    """An `EventRecord` from a row selected as `RECORD_COLUMNS`."""
    seq, event_id, event_type, occurred_on, confidence, payload, supersedes, recorded_at, unit = row
    return EventRecord(
        seq, event_id, event_type, PartialDate.parse(occurred_on), confidence,
        orjson.loads(payload), supersedes, recorded_at, unit,
    )  # fmt: skip


def record_of_event_row(row: Any) -> EventRecord:
    """An `EventRecord` from a whole row of `events` (selected as `select(events)`)."""
    return EventRecord(
        row.seq, row.id, row.type, PartialDate.parse(row.occurred_on), row.confidence,
        orjson.loads(row.payload), row.supersedes, row.recorded_at, row.unit,
    )  # fmt: skip


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
        "sources": orjson.loads(values["sources"]),
        "payload": orjson.loads(values["payload"]),
        "supersedes": values["supersedes"],
        "origin": stored_origin(values),
        "recorded_at": values["recorded_at"],
        "recorded_by": values["recorded_by"],
        "prev_hash": values["prev_hash"],
        "hash": values["hash"],
    }


def row_event(row: Row[Any] | Mapping[str, Any]) -> Event:
    """A stored event as a model, built without validating it again.

    Every row was validated on its way in, and `verify` catches rows changed since; skipping a
    second validation makes reading the log (rebuilds, projections, "known on" folds) several
    times faster.
    """
    values = row if isinstance(row, Mapping) else row._mapping
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
        sources=tuple(
            Source.model_construct(**_source(s)) for s in orjson.loads(values["sources"])
        ),
        payload=_payload(payload_class, orjson.loads(values["payload"])),
        supersedes=UUID(supersedes) if supersedes else None,
        origin=_origin(stored_origin(values)),
        seq=values["seq"],
        schema_version=values["schema_version"],
        recorded_at=stored_moment(values["recorded_at"]),
        recorded_by=values["recorded_by"],
        prev_hash=values["prev_hash"],
        hash=values["hash"],
    )
    return event


def _origin(stored: dict[str, Any] | None) -> Origin | None:
    if stored is None:
        return None
    return Origin.model_construct(**{**stored, "snapshot": PartialDate.parse(stored["snapshot"])})


def _source(stored: dict[str, Any]) -> dict[str, Any]:
    published = stored.get("published_on")
    return {**stored, "published_on": PartialDate.parse(published) if published else None}


def _payload(payload_class: Any, stored: dict[str, Any]) -> Any:
    """The payload model from its stored JSON (validated: nested values get their types)."""
    return payload_class.model_validate(stored)


@lru_cache(maxsize=256)
def stored_moment(text: str) -> datetime:
    """A stored `recorded_at` as an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
