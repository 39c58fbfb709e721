"""The append-only log on every backend: seq, hash chain, idempotency, rules, atomicity."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from stackline.domain.errors import ConflictingEvent, InvalidEvent
from stackline.domain.filters import EventFilter
from stackline.services.recording import record_event
from stackline.services.timeline import export_chunks
from stackline.store.database import read_transaction
from stackline.store.tables import events
from stackline.store.units_of_work import Database
from tests.integration.builders import (
    acquired,
    event,
    launched,
    partnered,
    registered,
    retracted,
)

# Storage-specific: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.storage


def count(database: Database) -> int:
    with read_transaction(database.engine) as connection:
        return connection.scalar(select(func.count()).select_from(events)) or 0


def exported(database: Database) -> list[dict[str, Any]]:
    return json.loads("".join(export_chunks(database, EventFilter(include_voided=True))))["events"]


def record(database: Database, raw: dict[str, Any]) -> Any:
    return record_event(database, raw, "tester")


def test_appends_get_gapless_seq_and_a_hash_chain_anyone_can_recompute(database: Database) -> None:
    record(database, registered("acme"))
    record(database, launched("chip", "acme", "A1", "2020-05"))
    record(database, launched("model", "acme", "M1", "2021"))
    stored = exported(database)
    assert [e["seq"] for e in stored] == [1, 2, 3]
    previous = "0" * 64
    for document in stored:
        body = {k: v for k, v in document.items() if k not in ("hash", "voided_by")}
        if body.get("origin") is None:  # hashed only when set (DESIGN §2)
            body.pop("origin", None)
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert document["prev_hash"] == previous
        assert hashlib.sha256(canonical.encode()).hexdigest() == document["hash"]
        previous = document["hash"]
    stamps = [e["recorded_at"] for e in stored]
    assert stamps == sorted(stamps)
    assert all(len(s) == 27 and s.endswith("Z") for s in stamps)


def test_the_same_id_with_the_same_content_is_stored_once(database: Database) -> None:
    first = registered("acme")
    assert record(database, first).created
    again = record(database, dict(first))
    assert not again.created
    assert again.document["seq"] == 1
    assert count(database) == 1


def test_the_same_id_with_other_content_is_a_conflict_and_writes_nothing(
    database: Database,
) -> None:
    first = registered("acme")
    record(database, first)
    with pytest.raises(ConflictingEvent):
        record(database, {**first, "summary": "something else"})
    assert count(database) == 1


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
            "dates from",
        ),
        (
            lambda ids: event("partnership.activated", "2021", {"partnership": ids["deal"]}),
            "payload.partnership",
            "active from the start",
        ),
        (
            lambda ids: event("acquisition.abandoned", "2021", {"announcement": ids["deal"]}),
            "payload.announcement",
            "not an announced acquisition",
        ),
        (
            lambda ids: event("dependency.ended", "2021", {"dependency": ids["deal"]}),
            "payload.dependency",
            "not a dependency",
        ),
        (
            lambda ids: event(
                "dependency.formed",
                "2021",
                {
                    "from": {"company": "acme", "layer": "model", "asset": "Nope"},
                    "on": {"company": "beta", "layer": "compute", "asset": "Nothing"},
                    "kind": "trained_on",
                    "status": "active",
                },
            ),
            "payload.from.asset",
            "has no model asset",
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
    database: Database, make: Any, field: str, words: str
) -> None:
    record(database, registered("acme", "2000"))
    record(database, registered("beta", "2000"))
    record(database, acquired("acme", "beta", "2020"))
    deal = partnered(["acme", "beta"], "compute", "2020")
    record(database, deal)
    before = count(database)
    with pytest.raises(InvalidEvent) as caught:
        record(database, make({"deal": deal["id"]}))
    assert caught.value.code == "invalid_event"
    assert any(p.field.startswith(field) and words in p.message for p in caught.value.problems), (
        caught.value
    )
    assert count(database) == before


def test_a_retraction_cannot_be_retracted_and_a_voided_event_cannot_be_voided_again(
    database: Database,
) -> None:
    record(database, registered("acme"))
    chip = launched("chip", "acme", "A1", "2020")
    record(database, chip)
    retraction = retracted(chip["id"])
    record(database, retraction)
    with pytest.raises(InvalidEvent, match="already voided"):
        record(database, retracted(chip["id"]))
    with pytest.raises(InvalidEvent, match="cannot be retracted"):
        record(database, retracted(retraction["id"]))


def test_a_company_named_by_live_events_cannot_lose_its_registration(database: Database) -> None:
    company = registered("acme")
    record(database, company)
    record(database, launched("chip", "acme", "A1", "2020"))
    with pytest.raises(InvalidEvent, match="live events still name"):
        record(database, retracted(company["id"]))
    corrected = registered("acme", "1998", name="Acme Corp", supersedes=company["id"])
    assert record(database, corrected).created
    too_late = registered("acme", "2021", name="Acme Late")
    too_late["supersedes"] = corrected["id"]
    with pytest.raises(InvalidEvent, match="events name this company"):
        record(database, too_late)


def test_a_backdated_acquisition_that_would_close_a_cycle_later_is_refused(
    database: Database,
) -> None:
    for slug in ("a", "b", "c"):
        record(database, registered(slug, "2000"))
    record(database, acquired("a", "b", "2020"))
    record(database, acquired("b", "c", "2021"))
    with pytest.raises(InvalidEvent, match="cycle"):
        record(database, acquired("c", "a", "2019"))
    assert count(database) == 5


def test_the_event_table_refuses_raw_updates_and_deletes(database: Database) -> None:
    record(database, registered("acme"))
    with pytest.raises(Exception, match="immutable"), database.engine.begin() as connection:
        connection.execute(events.update().values(summary="edited"))
    with pytest.raises(Exception, match="immutable"), database.engine.begin() as connection:
        connection.execute(events.delete())
    assert exported(database)[0]["summary"].startswith("company.registered")


def test_the_random_logs_propose_every_type_of_the_registry() -> None:
    from stackline.domain.catalog import REGISTRY
    from tests.integration.random_logs import PROPOSED_TYPES

    assert set(REGISTRY) == PROPOSED_TYPES
