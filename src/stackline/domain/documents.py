"""Events as JSON documents: parsing with field-named errors, the export form, and the hash chain."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import ValidationError

from stackline.domain.errors import FieldProblem, InvalidEvent, MalformedDocument
from stackline.domain.events import (
    CLIENT_FIELDS,
    EVENT_ADAPTER,
    EVENT_TYPES,
    SCHEMA_VERSION,
    Event,
)
from stackline.domain.messages import human_message

HASHED_FIELDS = (
    "seq", "id", "type", "schema_version", "occurred_on", "summary", "details", "confidence",
    "sources", "payload", "supersedes", "recorded_at", "recorded_by", "prev_hash",
)  # fmt: skip
# Hashed too, but only when it is not null: events sealed before it existed keep their hashes.
OPTIONAL_HASHED = ("origin",)
# Every field of an event as the export writes it, in order.
DOCUMENT_FIELDS = (*HASHED_FIELDS[:11], "origin", *HASHED_FIELDS[11:], "hash")
# Fields a file may carry that are read and dropped: what a listing adds to an event.
LISTED_ONLY = ("voided_by", "layer", "companies")


def _same(document: dict[str, Any]) -> dict[str, Any]:
    return document


def _with_origin(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "origin": document.get("origin")}


# One step per schema version, turning an event of that version into the next one's shape
# (its `schema_version` stays as sealed: the hash covers it). 1 → 2 changes nothing; 2 → 3
# adds `origin` (null).
UPCASTS = {1: _same, 2: _with_origin}


def upcast(document: dict[str, Any]) -> dict[str, Any]:
    """A stored or exported event of any version in the current shape."""
    version = document.get("schema_version")
    if not isinstance(version, int):
        return document  # a new event, not yet sealed: already the current shape
    for step in range(max(version, 1), SCHEMA_VERSION):
        document = UPCASTS[step](document)
    return document


def importable(raw: object) -> object:
    """An event read from a file, upcast, with what listings add to it dropped."""
    if not isinstance(raw, dict):
        return raw
    return upcast({k: v for k, v in raw.items() if k not in LISTED_ONLY})


def parse_event(raw: object) -> Event:
    """Validate one event object; errors name each bad field (`payload.company`, `sources.0.url`)."""
    if not isinstance(raw, dict):
        raise MalformedDocument(
            "an event must be a JSON object", [FieldProblem("", "not an object")]
        )
    event_type = raw.get("type")
    if event_type not in EVENT_TYPES:
        known = ", ".join(EVENT_TYPES)
        raise InvalidEvent(
            f"unknown event type {str(event_type)[:60]!r}; known types: {known}",
            [FieldProblem("type", f"must be one of: {known}")],
            code="unknown_type",
        )
    try:
        return EVENT_ADAPTER.validate_python(raw)
    except ValidationError as error:
        raise InvalidEvent(f"invalid {event_type} event", problems_of(error)) from None


def problems_of(error: ValidationError) -> list[FieldProblem]:
    """One problem per bad field. A list's "too short" is left out when its items have problems
    of their own: pydantic counts only valid items, so it would blame a list that has items."""
    problems = []
    for item in error.errors(include_url=False):
        location = [str(part) for part in item["loc"]]
        if len(location) > 1 and location[0] in EVENT_TYPES:  # the union's tag, not a field
            location = location[1:]
        field = ".".join(location)
        message = human_message(field, item["type"], item["msg"], item.get("ctx"))
        problems.append(FieldProblem(field, message, item["type"]))
    lists_with_bad_items = {
        ".".join(parts[:i])
        for parts in (p.field.split(".") for p in problems)
        for i in range(1, len(parts))
        if parts[i].isdigit()
    }
    return [p for p in problems if not (p.kind == "too_short" and p.field in lists_with_bad_items)]


def format_timestamp(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC: fixed width, so it sorts as it compares."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def client_document(event: Event) -> dict[str, Any]:
    """The fields a client sends, in their canonical JSON form (used for idempotency checks)."""
    return {
        "id": str(event.id) if event.id else None,
        "type": event.type,
        "occurred_on": str(event.occurred_on),
        "summary": event.summary,
        "details": event.details,
        "confidence": event.confidence,
        "sources": [source.model_dump(mode="json") for source in event.sources],
        "payload": event.payload.model_dump(mode="json", exclude_none=True),
        "supersedes": str(event.supersedes) if event.supersedes else None,
        "origin": event.origin.model_dump(mode="json") if event.origin else None,
    }


def event_document(event: Event) -> dict[str, Any]:
    """Every envelope field, as the export and the API show it."""
    document = client_document(event)
    document.update(
        seq=event.seq,
        schema_version=event.schema_version,
        recorded_at=format_timestamp(event.recorded_at) if event.recorded_at else None,
        recorded_by=event.recorded_by,
        prev_hash=event.prev_hash,
        hash=event.hash,
    )
    return {key: document[key] for key in DOCUMENT_FIELDS}


_WHOLE = object()


def canonical_json(value: Any, numbers_in: Any = _WHOLE) -> bytes:
    """JSON with sorted keys, separators `(",", ":")`, `ensure_ascii=False`, in UTF-8 — the
    bytes the hash chain is defined over (DESIGN §2), exactly as Python's `json` writes them.

    orjson writes the same bytes several times faster, except for floats that Python writes with
    an exponent (`1e-05`, where orjson writes `0.00001`) and integers beyond 64 bits, which
    orjson refuses; values holding either take Python's `json` (a property test holds the two
    to the same bytes)."""
    if _needs_python_json(value):
        return python_canonical_json(value)
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def python_canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _needs_python_json(value: Any) -> bool:
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return False
    if kind is float:
        return value != 0.0 and not 1e-4 <= abs(value) < 1e16
    if kind is int:
        return not -(2**63) <= value < 2**64
    if kind is dict:
        return any(_needs_python_json(item) for item in value.values())
    if kind is list or kind is tuple:
        return any(_needs_python_json(item) for item in value)
    return True  # anything else: let `json` decide


def compute_hash(document: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of the hashed envelope fields (DESIGN §2, hash chain)."""
    hashed = {k: document[k] for k in HASHED_FIELDS}
    hashed.update({k: document[k] for k in OPTIONAL_HASHED if document.get(k) is not None})
    return hashlib.sha256(canonical_json(hashed, numbers_in=document["payload"])).hexdigest()


def same_client_fields(a: Event, b: Event) -> bool:
    return client_document(a) == client_document(b)


assert set(CLIENT_FIELDS) <= set(DOCUMENT_FIELDS)
