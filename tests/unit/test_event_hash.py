"""Event documents and the hash chain (DESIGN §2): recomputable by hand from an export."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from stackline.domain.documents import compute_hash, event_document, parse_event
from stackline.domain.events import ZERO_HASH
from tests.unit.builders import raw_event

HASHED = (
    "seq",
    "id",
    "type",
    "schema_version",
    "occurred_on",
    "summary",
    "details",
    "confidence",
    "sources",
    "payload",
    "supersedes",
    "recorded_at",
    "recorded_by",
    "prev_hash",
)


def stored_event(**fields):
    return parse_event(
        raw_event(
            "partnership.formed",
            {
                "parties": ["openai", "microsoft"],
                "layer": "compute",
                "provider": "microsoft",
                "amount": {"amount": 10_000_000_000},
                "status": "active",
            },
            id=str(uuid4()),
            seq=7,
            summary="Über-deal — OpenAI × Microsoft",
            recorded_at="2024-05-02T10:11:12.000345Z",
            recorded_by="editor",
            **{"prev_hash": "a" * 64, "schema_version": 1, **fields},
        )
    )


def by_hand(document: dict) -> str:
    hashed = {name: document[name] for name in HASHED}
    if document.get("origin") is not None:  # hashed only when set (DESIGN §2, §9.1)
        hashed["origin"] = document["origin"]
    text = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_event_document_holds_every_hashed_field_and_the_hash():
    event = stored_event()
    document = event_document(event)
    assert list(document) == [*HASHED[:11], "origin", *HASHED[11:], "hash"]
    assert document["origin"] is None
    assert document["recorded_at"] == "2024-05-02T10:11:12.000345Z"
    assert document["occurred_on"] == "2024-05"
    assert document["id"] == str(event.id)
    assert document["seq"] == 7


def test_the_hash_is_sha256_of_the_canonical_json_of_the_hashed_fields():
    document = event_document(stored_event())
    assert compute_hash(document) == by_hand(document)
    assert compute_hash({**document, "hash": "f" * 64}) == compute_hash(document)


def test_the_hash_of_a_document_round_tripped_through_json_is_unchanged():
    document = event_document(stored_event(details="Line one\nline two"))
    assert compute_hash(json.loads(json.dumps(document))) == compute_hash(document)


def test_the_first_event_chains_from_64_zeros():
    assert ZERO_HASH == "0" * 64
    document = event_document(stored_event(prev_hash=ZERO_HASH))
    assert compute_hash(document) == by_hand(document)


CHANGES = {
    "seq": 8,
    "id": str(uuid4()),
    "type": "partnership.ended",
    "schema_version": 2,
    "occurred_on": "2024-05-01",
    "summary": "Another summary",
    "details": "More",
    "confidence": "likely",
    "sources": [{"title": "B"}],
    "payload": {"layer": "model"},
    "supersedes": str(uuid4()),
    "recorded_at": "2024-05-02T10:11:12.000346Z",
    "recorded_by": "someone",
    "prev_hash": "b" * 64,
}


@pytest.mark.parametrize("name", HASHED)
def test_the_hash_changes_when_any_hashed_field_changes(name):
    assert set(CHANGES) == set(HASHED)
    document = event_document(stored_event())
    changed = {**document, name: CHANGES[name]}
    assert compute_hash(changed) != compute_hash(document)
    assert compute_hash(changed) == by_hand(changed)


def test_the_hash_changes_when_the_event_is_parsed_with_another_field_value():
    event = stored_event()
    twin = parse_event({**event_document(event), "summary": "Uber-deal"})
    assert compute_hash(event_document(twin)) != compute_hash(event_document(event))
    same = parse_event(event_document(event))
    assert compute_hash(event_document(same)) == compute_hash(event_document(event))
    assert isinstance(same.id, UUID) and same.recorded_at == datetime(
        2024, 5, 2, 10, 11, 12, 345, tzinfo=UTC
    )


ORIGIN = {"dataset": "epoch-ai/gpu-clusters", "key": "xAI Colossus Memphis Phase 1",
          "snapshot": "2026-03-06"}  # fmt: skip


def test_an_origin_is_hashed_when_it_is_set_and_left_out_when_it_is_not():
    plain = event_document(stored_event())
    derived = event_document(stored_event(origin=ORIGIN, schema_version=3))
    assert derived["origin"] == ORIGIN
    assert compute_hash(derived) == by_hand(derived)
    assert compute_hash({**derived, "origin": {**ORIGIN, "key": "other"}}) != compute_hash(derived)
    # An event without one hashes as it did before origins existed: no `origin` key at all.
    without = {name: plain[name] for name in HASHED}
    text = json.dumps(without, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert compute_hash(plain) == hashlib.sha256(text.encode()).hexdigest()


def test_an_event_of_an_older_version_is_upcast_to_the_current_shape_keeping_its_hash():
    from stackline.domain.documents import importable

    old = {k: v for k, v in event_document(stored_event(schema_version=2)).items() if k != "origin"}
    old["hash"] = compute_hash({**old, "origin": None})
    upcast = importable({**old, "voided_by": None})
    assert upcast["origin"] is None and "voided_by" not in upcast
    assert upcast["schema_version"] == 2
    assert compute_hash(event_document(parse_event(upcast))) == old["hash"]
