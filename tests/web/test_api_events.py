"""GET /events (filters, pagination), GET /events/{id} and GET /event-types."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from stackline.domain.catalog import REGISTRY
from stackline.domain.dates import PartialDate
from stackline.domain.documents import importable, parse_event
from stackline.domain.events import EVENT_CLASSES, EVENT_TYPES, named_companies
from tests.web.api_support import API, export_document, post_event


def every_page(client: FlaskClient, query: str, limit: int) -> list[list[dict[str, Any]]]:
    """Follow `next_after_seq` from the first page to the last."""
    pages, after = [], 0
    while True:
        answer = client.get(f"{API}/events?{query}&limit={limit}&after_seq={after}").get_json()
        pages.append(answer["events"])
        if answer["next_after_seq"] is None:
            return pages
        after = answer["next_after_seq"]
        assert after == answer["events"][-1]["seq"]


def retract(client: FlaskClient, token: str, target: str) -> dict[str, Any]:
    retraction = {
        "type": "event.retracted",
        "occurred_on": "2025-01",
        "summary": "Retracted: the source was misread",
        "sources": [{"title": "Editor's note"}],
        "payload": {"event": target, "reason": "misread source"},
    }
    response = post_event(client, token, retraction)
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def test_walking_after_seq_visits_every_event_once_in_seq_order(client: FlaskClient) -> None:
    expected = [e["seq"] for e in export_document(client, "?include_voided=false")["events"]]
    pages = every_page(client, "include_voided=false", limit=7)
    seen = [event["seq"] for page in pages for event in page]
    assert seen == expected == sorted(expected)
    assert all(len(page) == 7 for page in pages[:-1])
    assert len(pages) == -(-len(expected) // 7)


def test_the_default_page_holds_one_hundred_events_and_the_limit_is_capped(
    client: FlaskClient,
) -> None:
    total = len(export_document(client)["events"])
    first = client.get(f"{API}/events").get_json()
    assert len(first["events"]) == min(total, 100)
    assert client.get(f"{API}/events?limit=1000").status_code == 200
    too_many = client.get(f"{API}/events?limit=1001")
    assert too_many.status_code == 400
    assert too_many.get_json()["details"][0]["field"] == "limit"


@pytest.mark.parametrize(
    ("query", "keeps"),
    [
        ("company=openai", lambda e: "openai" in named_companies(parse_event(importable(e)))),
        ("layer=model", lambda e: _layer(e) == "model"),
        ("layer=compute", lambda e: _layer(e) == "compute"),
        (
            "type=acquisition.completed,investment.made",
            lambda e: e["type"] in ("acquisition.completed", "investment.made"),
        ),
        ("from=2023&to=2024-Q2", lambda e: "2023-01-01" <= _effective(e) <= "2024-06-30"),
        ("q=OPENAI", lambda e: "openai" in e["summary"].casefold()),
        (
            "company=xai&type=model.released",
            lambda e: e["type"] == "model.released" and e["payload"]["company"] == "xai",
        ),
    ],
)
def test_each_filter_keeps_exactly_the_matching_events(
    client: FlaskClient, query: str, keeps: Any
) -> None:
    every = export_document(client, "?include_voided=false")["events"]
    expected = [e["id"] for e in every if keeps(e)]
    found = [e["id"] for page in every_page(client, query, 1000) for e in page]
    assert found == expected
    assert found, "the filter should match part of the seed"


def test_a_retracted_event_is_hidden_unless_asked_and_names_what_voided_it(
    client: FlaskClient, token: str
) -> None:
    target = client.get(f"{API}/events?type=model.released&limit=1").get_json()["events"][0]
    retraction = retract(client, token, target["id"])
    shown = client.get(f"{API}/events/{target['id']}").get_json()
    assert shown["voided_by"] == retraction["id"]
    listed = client.get(f"{API}/events?type=model.released&limit=1000").get_json()["events"]
    assert target["id"] not in {e["id"] for e in listed}
    voided = client.get(f"{API}/events?type=model.released&include_voided=true").get_json()
    assert target["id"] in {e["id"] for e in voided["events"]}


def test_one_event_has_every_envelope_field_and_voided_by(client: FlaskClient) -> None:
    listed = client.get(f"{API}/events?limit=1").get_json()["events"][0]
    event = client.get(f"{API}/events/{listed['id']}").get_json()
    assert event == listed
    assert list(event) == [
        "seq", "id", "type", "schema_version", "occurred_on", "summary", "details", "confidence",
        "sources", "payload", "supersedes", "origin", "recorded_at", "recorded_by", "prev_hash",
        "hash",
        "voided_by", "layer", "companies",
    ]  # fmt: skip
    assert event["voided_by"] is None


@pytest.mark.parametrize("event_id", ["0b9a1f4e-3c2d-4e5f-8a7b-6c5d4e3f2a1b", "not-a-uuid", "1234"])
def test_a_missing_or_malformed_event_id_is_a_json_404(client: FlaskClient, event_id: str) -> None:
    response = client.get(f"{API}/events/{event_id}")
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"] == "not_found"
    assert isinstance(body["details"], list)


def test_a_nul_character_in_a_path_is_a_json_400(client: FlaskClient) -> None:
    response = client.get(f"{API}/events/a%00b")
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


def test_an_upper_case_event_id_finds_the_event(client: FlaskClient) -> None:
    listed = client.get(f"{API}/events?limit=1").get_json()["events"][0]
    assert client.get(f"{API}/events/{listed['id'].upper()}").get_json()["id"] == listed["id"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("type=chip.exploded", "type"),
        ("type=chip.launched,", "type"),
        ("layer=firmware", "layer"),
        ("company=Open%20AI", "company"),
        ("from=last-year", "from"),
        ("after_seq=-1", "after_seq"),
        ("after_seq=99999999999999999999999", "after_seq"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("include_voided=1", "include_voided"),
        ("q=", "q"),
    ],
)
def test_a_malformed_filter_is_a_400_naming_it(
    client: FlaskClient, query: str, parameter: str
) -> None:
    response = client.get(f"{API}/events?{query}")
    assert response.status_code == 400
    assert response.get_json()["details"][0]["field"] == parameter


def test_the_event_types_list_every_type_with_its_layer_and_payload_schema(
    client: FlaskClient,
) -> None:
    types = client.get(f"{API}/event-types").get_json()["types"]
    assert [t["type"] for t in types] == list(EVENT_TYPES)
    by_type = {t["type"]: t for t in types}
    assert by_type["chip.launched"]["layer"] == "hardware"
    assert by_type["partnership.formed"]["layer"] is None
    for name, cls in EVENT_CLASSES.items():
        payload = cls.model_fields["payload"].annotation
        assert by_type[name]["schema"] == payload.model_json_schema()  # type: ignore[union-attr]
    assert by_type["chip.launched"]["schema"]["additionalProperties"] is False


def _layer(document: dict[str, Any]) -> str | None:
    return REGISTRY[document["type"]].layer(document["payload"])


def _effective(document: dict[str, Any]) -> str:
    return PartialDate.parse(document["occurred_on"]).start.isoformat()
