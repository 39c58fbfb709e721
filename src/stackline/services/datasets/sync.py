"""Keeping a dataset's events in step with a snapshot: which events of a row are new, which
changed (a correction that supersedes the one before), which are as they were.

An event of a row is told apart from the row's other events by its *slot*: a launch by its
status (the announcement stays when a delivery is added), a partnership by its user, a
dependency by what it depends on, an expansion or a retirement by its type. Its id is a UUIDv5
of (dataset, key, content, the id it supersedes or none), so the same snapshot imported twice
gives the same ids and writes nothing.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from typing import Any

import orjson

from stackline.domain.catalog import REGISTRY
from stackline.domain.values import fold_name

# Dataset events' ids are names in this namespace (a constant: ids must not change).
NAMESPACE = uuid.UUID("0b8e6f2a-7c1d-5e4f-9a3b-5d1c2e7f8a90")
RELATIVE_TOLERANCE = 1e-6  # numbers closer than one part in a million are the same number


def slot(event_type: str, payload: Mapping[str, Any], target_slot: str | None = None) -> str:
    """What an event of a row stands for among the row's events (see the module's docstring);
    an activation's is its partnership's (`target_slot`)."""
    entry = REGISTRY[event_type]
    if entry.launches:
        return f"{event_type}:{entry.status_of(payload) or 'available'}"
    if event_type == "partnership.formed":
        users = sorted(p for p in payload["parties"] if p != payload.get("provider"))
        return "partnership:" + ",".join(users)
    if event_type == "partnership.activated":
        return f"activation:{target_slot}"
    if event_type == "dependency.formed":
        on = payload["on"]
        return f"dependency:{payload['kind']}:{on['company']}|{fold_name(on['asset'])}"
    return event_type


def content(event_type: str, occurred_on: str, confidence: str, payload: Any) -> list[Any]:
    """What counts as a change (DESIGN §9.2.1): type, date, confidence and payload."""
    return [event_type, occurred_on, confidence, payload]


def same(a: Any, b: Any) -> bool:
    """Equal contents, numbers within one part in a million counting as equal."""
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def event_id(
    dataset: str, key: str, document: Mapping[str, Any], supersedes: str | None,
    revives: str | None = None,
) -> str:  # fmt: skip
    """The id of a dataset event: a UUIDv5 of where it comes from, what it says, what it
    corrects — and, for a row back after its events were retracted, the last voided event of
    its slot (`revives`), so it is not the retracted event's own id."""
    named = [dataset, key, *content(document["type"], document["occurred_on"],
                                    document["confidence"], document["payload"]), supersedes]  # fmt: skip
    if revives is not None:  # left out otherwise: every other id stays as it was
        named.append({"revives": revives})
    name = orjson.dumps(named, option=orjson.OPT_SORT_KEYS).decode()
    return str(uuid.uuid5(NAMESPACE, name))


def canonical_payload(event_type: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A payload as the log stores it (validated, unset fields left out): what sync compares."""
    model = REGISTRY[event_type].payload.model_validate(payload)
    stored: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return stored
