"""The supply chain over the API on a hand-made log whose answers are known by construction:
the graph's nodes and edges on two days, supplies on the provider's side, plans against
outcomes, and the new events' rules answered as 422s naming the field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stackline.services import accounts
from stackline.store.units_of_work import Database
from tests.integration.builders import acquired, event, launched, partnered, registered
from tests.web.api_support import bearer
from tests.web.conftest import make_app

API = "/api/v1"


@pytest.fixture
def chain(tmp_path: Path) -> Any:
    """Chips → a cloud built with them → a model trained on it → an app running on the model;
    a provider partnership activated later; a plan delivered late and one overdue."""
    app = make_app(tmp_path, CLOCK="2026-11-15T12:00:00Z")
    database: Database = app.extensions["stackline.database"]
    token = accounts.create_token(database, "chain")
    client = app.test_client()
    ids: dict[str, str] = {}

    def post(name: str, document: dict[str, Any]) -> None:
        ids[name] = document["id"]
        answer = client.post(f"{API}/events", data=json.dumps(document), headers=bearer(token))
        assert answer.status_code == 201, answer.get_json()

    for slug in ("chipco", "cloudco", "labco", "appco", "holdco"):
        post(slug, registered(slug, "2010"))
    post("chip", launched("chip", "chipco", "C1", "2020-01-01"))
    post("cloud", launched("compute", "cloudco", "Cloud", "2020-06-01"))
    post("model", launched("model", "labco", "L1", "2021-01-01"))
    post("app", launched("product", "appco", "App", "2021-06-01"))
    post("tuned", launched("model", "appco", "App-Tuned", "2022-01-01",
                           base_model={"company": "labco", "model": "L1"}))  # fmt: skip
    for name, (dependent, on, kind, day) in {
        "built": (("cloudco", "compute", "Cloud"), ("chipco", "hardware", "C1"), "built_with", "2020-07-01"),
        "trained": (("labco", "model", "L1"), ("cloudco", "compute", "Cloud"), "trained_on", "2021-02-01"),
        "runs": (("appco", "application", "App"), ("labco", "model", "L1"), "runs_on", "2023-01-01"),
    }.items():  # fmt: skip
        post(name, dependency(dependent, on, kind, day))
    deal = partnered(["labco", "cloudco"], "compute", "2022-01-01", provider="cloudco",
                     status="announced", target_on="2022-H1")  # fmt: skip
    post("deal", deal)
    post("start", event("partnership.activated", "2022-09-15", {"partnership": ids["deal"]}))
    post("plan", launched("chip", "chipco", "C2", "2023-01-01", status="announced",
                          target_on="2023-Q2"))  # fmt: skip
    post("late", launched("chip", "chipco", "C2", "2023-08-10"))
    post("never", launched("chip", "chipco", "C3", "2024-01-01", status="announced",
                           target_on="2024-Q1"))  # fmt: skip
    post("owns", acquired("holdco", "cloudco", "2024-06-01"))
    yield client, token, ids
    database.dispose()


def dependency(
    dependent: tuple[str, str, str], on: tuple[str, str, str], kind: str, day: str
) -> dict[str, Any]:
    def ref(asset: tuple[str, str, str]) -> dict[str, str]:
        return {"company": asset[0], "layer": asset[1], "asset": asset[2]}

    payload = {"from": ref(dependent), "on": ref(on), "kind": kind, "status": "active"}
    return event("dependency.formed", day, payload)


def edges(client: FlaskClient, query: str) -> set[tuple[str, str, str]]:
    graph = client.get(f"{API}/graph?{query}").get_json()
    return {(e["from"], e["kind"], e["to"]) for e in graph["edges"] if e["kind"] != "has"}


def test_the_graph_holds_each_dependency_from_its_date(chain: Any) -> None:
    client, _, _ = chain
    early = edges(client, "as_of=2022-06-01")
    later = edges(client, "as_of=2023-06-01")
    runs = ("asset:appco|application|app", "runs_on", "asset:labco|model|l1")
    assert runs not in early and runs in later
    for edge in (
        ("asset:cloudco|compute|cloud", "built_with", "asset:chipco|hardware|c1"),
        ("asset:labco|model|l1", "trained_on", "asset:cloudco|compute|cloud"),
        ("asset:appco|model|app-tuned", "fine_tuned_from", "asset:labco|model|l1"),
        ("company:labco", "partner", "company:cloudco"),
    ):
        assert edge in early and edge in later, edge


def test_ownership_edges_start_with_the_acquisition(chain: Any) -> None:
    client, _, _ = chain
    owns = ("company:holdco", "owns", "company:cloudco")
    assert owns not in edges(client, "as_of=2024-05-31")
    assert owns in edges(client, "as_of=2024-06-01")


def test_a_company_narrows_the_graph_to_two_edges_around_it(chain: Any) -> None:
    client, _, _ = chain
    graph = client.get(f"{API}/graph?as_of=2023-06-01&company=appco").get_json()
    ids = {node["id"] for node in graph["nodes"]}
    assert {"company:appco", "asset:appco|application|app", "asset:labco|model|l1"} <= ids
    assert "company:chipco" not in ids  # three edges away
    assert client.get(f"{API}/graph?company=nobody").status_code == 404


def test_the_provider_supplies_from_the_deal_and_it_is_announced_until_activated(
    chain: Any,
) -> None:
    client, _, _ = chain
    before = client.get(f"{API}/companies/cloudco/stack?as_of=2022-06-01").get_json()
    after = client.get(f"{API}/companies/cloudco/stack?as_of=2022-10-01").get_json()
    assert [(s["layer"], s["to"], s["status"]) for s in before["supplies"]] == [
        ("compute", ["labco"], "announced")
    ]
    assert after["supplies"][0]["status"] == "active"
    labco = client.get(f"{API}/companies/labco/stack?as_of=2022-06-01").get_json()
    assert labco["layers"]["compute"]["presence"] == "planned"


def test_plans_are_delivered_late_overdue_or_pending(chain: Any) -> None:
    client, _, ids = chain
    plans = {
        p["event_id"]: p for p in client.get(f"{API}/plans?as_of=2024-06-30").get_json()["plans"]
    }
    assert (plans[ids["plan"]]["state"], plans[ids["plan"]]["delivered_on"], plans[ids["plan"]]["slip_days"]) == (
        "delivered", "2023-08-10", 41,
    )  # fmt: skip
    assert (plans[ids["never"]]["state"], plans[ids["never"]]["slip_days"]) == ("overdue", 91)
    assert (plans[ids["deal"]]["state"], plans[ids["deal"]]["slip_days"]) == ("delivered", 77)
    early = client.get(f"{API}/plans?as_of=2024-02-01").get_json()["plans"]
    assert {p["event_id"]: p["state"] for p in early}[ids["never"]] == "pending"


@pytest.mark.parametrize(
    ("make", "field", "words"),
    [
        (
            lambda ids: dependency(
                ("appco", "application", "Nope"), ("labco", "model", "L1"), "runs_on", "2023-01-01"
            ),
            "payload.from.asset",
            "has no",
        ),
        (
            lambda ids: dependency(
                ("appco", "application", "App"), ("labco", "model", "L1"), "runs_on", "2020-01-01"
            ),
            "payload.from.asset",
            "has no",
        ),
        (
            lambda ids: event("partnership.activated", "2023", {"partnership": ids["deal"]}),
            "payload.partnership",
            "already activated",
        ),
        (
            lambda ids: event("dependency.ended", "2019", {"dependency": ids["runs"]}),
            "occurred_on",
            "dates from",
        ),
        (
            lambda ids: event("acquisition.abandoned", "2024-07", {"announcement": ids["owns"]}),
            "payload.announcement",
            "not an announced acquisition",
        ),
    ],
)
def test_the_new_events_rules_answer_422_naming_the_field(
    chain: Any, make: Any, field: str, words: str
) -> None:
    client, token, ids = chain
    answer = client.post(f"{API}/events", data=json.dumps(make(ids)), headers=bearer(token))
    assert answer.status_code == 422, answer.get_json()
    details = answer.get_json()["details"]
    assert any(d["field"] == field and words in d["message"] for d in details), details


def test_an_export_of_the_first_stage_imports_unchanged(tmp_path: Path) -> None:
    """The stage-1 format (schema_version 1, no supply-chain fields) restores into an empty
    log with its own seals, and exports back event for event (upcast: `origin` null)."""
    fixture = Path(__file__).parents[1] / "fixtures" / "export-stage-1.json"
    original = json.loads(fixture.read_text())
    app: Flask = make_app(tmp_path, CLOCK="2026-12-01T12:00:00Z")
    database: Database = app.extensions["stackline.database"]
    try:
        from stackline.services.files import labelled_events
        from stackline.services.recording import import_events

        report = import_events(
            database, labelled_events("stage-1", fixture.read_bytes()), "restorer"
        )
        assert report.created == original["count"]
        exported = app.test_client().get(f"{API}/export").get_json()
        assert exported["events"] == [
            {**e, "origin": None, "voided_by": None} for e in original["events"]
        ]
        assert {e["schema_version"] for e in exported["events"]} == {1}
    finally:
        database.dispose()


def test_plans_name_both_sides_and_how_sure_their_outcome_is(chain: Any) -> None:
    client, token, ids = chain
    late = launched("chip", "chipco", "C4", "2024-03-01", status="announced", target_on="2024-Q2")
    client.post(f"{API}/events", data=json.dumps(late), headers=bearer(token))
    shipped = {**launched("chip", "chipco", "C4", "2024-05-01"), "confidence": "likely"}
    assert (
        client.post(f"{API}/events", data=json.dumps(shipped), headers=bearer(token)).status_code
        == 201
    )
    plans = {
        p["event_id"]: p for p in client.get(f"{API}/plans?as_of=2024-06-30").get_json()["plans"]
    }
    assert plans[ids["deal"]]["parties"] == [
        {"slug": "cloudco", "name": "Cloudco", "role": "supplier"},
        {"slug": "labco", "name": "Labco", "role": "buyer"},
    ]
    assert plans[ids["deal"]]["outcome_confidence"] == "confirmed"
    assert plans[late["id"]]["outcome_confidence"] == "likely"
    assert plans[ids["never"]]["parties"] == [{"slug": "chipco", "name": "Chipco", "role": "owner"}]
    assert plans[ids["never"]]["outcome_confidence"] is None
    page = client.get("/plans?as_of=2024-06-30").get_data(as_text=True)
    row = page.split(f"/events/{ids['deal']}", 1)[0].rsplit("<tr>", 1)[1]
    assert '>Cloudco</a> <span class="muted">supplier' in row and ">Labco</a>" in row
    delivered = page.split(f"/events/{late['id']}", 1)[1].split("</tr>", 1)[0]
    assert 'class="tag"' in delivered and "likely" in delivered


def test_an_announcement_with_no_date_is_listed_with_its_age_until_something_follows(
    chain: Any,
) -> None:
    client, token, _ = chain
    vapour = launched("chip", "chipco", "Vapour", "2024-01-10", status="announced")
    assert (
        client.post(f"{API}/events", data=json.dumps(vapour), headers=bearer(token)).status_code
        == 201
    )
    plans = {
        p["event_id"]: p for p in client.get(f"{API}/plans?as_of=2024-06-30").get_json()["plans"]
    }
    assert (plans[vapour["id"]]["state"], plans[vapour["id"]]["target_on"]) == ("undated", None)
    assert plans[vapour["id"]]["age_days"] == (date(2024, 6, 30) - date(2024, 1, 10)).days
    assert "no date given" in client.get("/plans?as_of=2024-06-30").get_data(as_text=True)
    shipped = launched("chip", "chipco", "Vapour", "2024-09-01")
    assert (
        client.post(f"{API}/events", data=json.dumps(shipped), headers=bearer(token)).status_code
        == 201
    )
    later = {p["event_id"] for p in client.get(f"{API}/plans?as_of=2024-12-31").get_json()["plans"]}
    assert vapour["id"] not in later  # delivered without a date promised: no plan to follow
    before = {
        p["event_id"] for p in client.get(f"{API}/plans?as_of=2024-06-30").get_json()["plans"]
    }
    assert vapour["id"] in before


def test_a_target_before_the_announcement_is_refused_naming_the_field(chain: Any) -> None:
    client, token, _ = chain
    early = launched("chip", "chipco", "C9", "2025-09-09", status="announced", target_on="2024")
    answer = client.post(f"{API}/events", data=json.dumps(early), headers=bearer(token))
    assert answer.status_code == 422
    assert [d["field"] for d in answer.get_json()["details"]] == ["payload.target_on"]
