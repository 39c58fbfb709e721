"""The append-only log on every backend: seq, hash chain, idempotency, rules, atomicity."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from stackline.domain.documents import InvalidEvent
from stackline.services.recording import record_event
from stackline.services.timeline import EventFilter, export_chunks
from stackline.store.database import read_transaction
from stackline.store.tables import events
from tests.integration.builders import (
    acquired,
    event,
    launched,
    partnered,
    registered,
    retracted,
)


def count(engine: Engine) -> int:
    with read_transaction(engine) as connection:
        return connection.scalar(select(func.count()).select_from(events)) or 0


def exported(engine: Engine) -> list[dict[str, Any]]:
    return json.loads("".join(export_chunks(engine, EventFilter(include_voided=True))))["events"]


def record(engine: Engine, raw: dict[str, Any]) -> Any:
    return record_event(engine, raw, "tester")


def test_appends_get_gapless_seq_and_a_hash_chain_anyone_can_recompute(engine: Engine) -> None:
    record(engine, registered("acme"))
    record(engine, launched("chip", "acme", "A1", "2020-05"))
    record(engine, launched("model", "acme", "M1", "2021"))
    stored = exported(engine)
    assert [e["seq"] for e in stored] == [1, 2, 3]
    previous = "0" * 64
    for document in stored:
        body = {k: v for k, v in document.items() if k != "hash"}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert document["prev_hash"] == previous
        assert hashlib.sha256(canonical.encode()).hexdigest() == document["hash"]
        previous = document["hash"]
    stamps = [e["recorded_at"] for e in stored]
    assert stamps == sorted(stamps)
    assert all(len(s) == 27 and s.endswith("Z") for s in stamps)


def test_the_same_id_with_the_same_content_is_stored_once(engine: Engine) -> None:
    first = registered("acme")
    assert record(engine, first).created
    again = record(engine, dict(first))
    assert not again.created
    assert again.document["seq"] == 1
    assert count(engine) == 1


def test_the_same_id_with_other_content_is_a_conflict_and_writes_nothing(engine: Engine) -> None:
    first = registered("acme")
    record(engine, first)
    with pytest.raises(InvalidEvent) as caught:
        record(engine, {**first, "summary": "something else"})
    assert caught.value.status == 409
    assert count(engine) == 1


@pytest.mark.parametrize(
    ("make", "field", "words"),
    [
        (lambda ids: launched("chip", "ghost", "X", "2020"), "payload.company", "not a registered"),
        (lambda ids: launched("chip", "acme", "X", "1999"), "payload.company", "founded"),
        (lambda ids: launched("chip", "acme", "X", "2999"), "occurred_on", ""),
        (lambda ids: launched("chip", "acme", "X", "2100-01"), "occurred_on", "after today"),
        (lambda ids: acquired("acme", "acme", "2020"), "payload", "different"),
        (lambda ids: acquired("beta", "acme", "2021"), "payload.target", "cycle"),
        (
            lambda ids: retracted("00000000-0000-0000-0000-000000000000"),
            "payload.event",
            "no event",
        ),
        (
            lambda ids: event("partnership.ended", "2019", {"partnership": ids["deal"]}),
            "occurred_on",
            "formed",
        ),
        (
            lambda ids: event(
                "asset.retired", "2020", {"company": "acme", "layer": "hardware", "asset": "Nope"}
            ),
            "payload.asset",
            "holds no",
        ),
        (lambda ids: registered("acme"), "payload.company", "already registered"),
        (
            lambda ids: partnered(["acme", "beta"], "compute", "2021", provider="gamma"),
            "payload",
            "provider",
        ),
    ],
)
def test_an_event_that_breaks_a_rule_is_refused_naming_the_field(
    engine: Engine, make: Any, field: str, words: str
) -> None:
    record(engine, registered("acme", "2000"))
    record(engine, registered("beta", "2000"))
    record(engine, acquired("acme", "beta", "2020"))
    deal = partnered(["acme", "beta"], "compute", "2020")
    record(engine, deal)
    before = count(engine)
    with pytest.raises(InvalidEvent) as caught:
        record(engine, make({"deal": deal["id"]}))
    assert caught.value.status == 422
    assert any(p.field.startswith(field) and words in p.message for p in caught.value.problems), (
        caught.value
    )
    assert count(engine) == before


def test_a_retraction_cannot_be_retracted_and_a_voided_event_cannot_be_voided_again(
    engine: Engine,
) -> None:
    record(engine, registered("acme"))
    chip = launched("chip", "acme", "A1", "2020")
    record(engine, chip)
    retraction = retracted(chip["id"])
    record(engine, retraction)
    with pytest.raises(InvalidEvent, match="already voided"):
        record(engine, retracted(chip["id"]))
    with pytest.raises(InvalidEvent, match="cannot be retracted"):
        record(engine, retracted(retraction["id"]))


def test_a_company_named_by_live_events_cannot_lose_its_registration(engine: Engine) -> None:
    company = registered("acme")
    record(engine, company)
    record(engine, launched("chip", "acme", "A1", "2020"))
    with pytest.raises(InvalidEvent, match="live events still name"):
        record(engine, retracted(company["id"]))
    corrected = registered("acme", "1998", name="Acme Corp", supersedes=company["id"])
    assert record(engine, corrected).created
    too_late = registered("acme", "2021", name="Acme Late")
    too_late["supersedes"] = corrected["id"]
    with pytest.raises(InvalidEvent, match="events name this company"):
        record(engine, too_late)


def test_a_backdated_acquisition_that_would_close_a_cycle_later_is_refused(engine: Engine) -> None:
    for slug in ("a", "b", "c"):
        record(engine, registered(slug, "2000"))
    record(engine, acquired("a", "b", "2020"))
    record(engine, acquired("b", "c", "2021"))
    with pytest.raises(InvalidEvent, match="cycle"):
        record(engine, acquired("c", "a", "2019"))
    assert count(engine) == 5


def test_the_event_table_refuses_raw_updates_and_deletes(engine: Engine) -> None:
    record(engine, registered("acme"))
    with pytest.raises(Exception, match="immutable"), engine.begin() as connection:
        connection.execute(events.update().values(summary="edited"))
    with pytest.raises(Exception, match="immutable"), engine.begin() as connection:
        connection.execute(events.delete())
    assert exported(engine)[0]["summary"].startswith("company.registered")
