"""POST /events: the bearer token, and every answer — 201, 200, 400, 401, 409, 413 and 422."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from stackline.services import accounts
from tests.web.api_support import API, bearer, company_registered, model_released, post_event
from tests.web.conftest import EDITOR, make_app


def assert_error(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.get_data(as_text=True)  # type: ignore[attr-defined]
    body: dict[str, object] = response.get_json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "message", "details"}
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_a_new_event_is_a_201_with_the_stored_event_and_its_location(
    client: FlaskClient, token: str
) -> None:
    event = company_registered("acme")
    response = post_event(client, token, event)
    assert response.status_code == 201
    stored = response.get_json()
    assert stored["id"] == event["id"]
    assert stored["recorded_by"] == "test-token"
    assert stored["voided_by"] is None
    assert len(stored["hash"]) == 64 and stored["seq"] > 1
    assert response.headers["Location"] == f"{API}/events/{event['id']}"
    assert client.get(response.headers["Location"]).get_json() == stored


def test_an_event_without_an_id_gets_one(client: FlaskClient, token: str) -> None:
    event = company_registered("acme")
    del event["id"]
    stored = post_event(client, token, event).get_json()
    assert client.get(f"{API}/events/{stored['id']}").status_code == 200


def test_repeating_the_same_event_is_a_200_that_writes_nothing(
    client: FlaskClient, token: str
) -> None:
    event = company_registered("acme")
    first = post_event(client, token, event)
    again = post_event(client, token, event)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert "Location" not in again.headers
    listed = client.get(f"{API}/events?company=acme").get_json()["events"]
    assert [e["id"] for e in listed] == [event["id"]]


def test_reusing_an_id_for_other_content_is_a_409_that_writes_nothing(
    client: FlaskClient, token: str
) -> None:
    event = company_registered("acme")
    assert post_event(client, token, event).status_code == 201
    changed = {**event, "summary": "Acme is founded, say the papers"}
    body = assert_error(post_event(client, token, changed), 409, "conflict")
    assert body["details"] == [{"field": "id", "message": "already used by a different event"}]
    stored = client.get(f"{API}/events/{event['id']}").get_json()
    assert stored["summary"] == event["summary"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_on": "2020-13"}, "occurred_on"),
        ({"summary": ""}, "summary"),
        ({"sources": []}, "sources"),
        ({"payload": {"company": "acme"}}, "payload.name"),
        ({"payload": {"company": "Acme!", "name": "Acme"}}, "payload.company"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_schema_failure_is_a_422_naming_the_field(
    client: FlaskClient, token: str, change: dict[str, object], field: str
) -> None:
    event = {**company_registered("acme"), **change}
    body = assert_error(post_event(client, token, event), 422, "invalid_event")
    assert field in [d["field"] for d in body["details"]]  # type: ignore[union-attr]


def test_a_rule_failure_is_a_422_naming_the_field(client: FlaskClient, token: str) -> None:
    body = assert_error(
        post_event(client, token, model_released("nobody", "Ghost", "2024")), 422, "invalid_event"
    )
    assert "payload.company" in [d["field"] for d in body["details"]]  # type: ignore[union-attr]
    assert client.get(f"{API}/events?q=Ghost").get_json()["events"] == []


def test_an_unknown_type_is_a_422_listing_the_known_types(client: FlaskClient, token: str) -> None:
    event = {**company_registered("acme"), "type": "chip.exploded"}
    body = assert_error(post_event(client, token, event), 422, "unknown_type")
    assert "chip.launched" in str(body["message"])


def test_fields_the_store_assigns_are_refused(client: FlaskClient, token: str) -> None:
    event = {**company_registered("acme"), "seq": 1, "recorded_at": "2001-01-01T00:00:00Z"}
    body = assert_error(post_event(client, token, event), 422, "invalid_event")
    assert [d["field"] for d in body["details"]] == ["seq", "recorded_at"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[1, 2]",
        b'"an event"',
        b"null",
        b'{"a": NaN}',
        b"\xff\xfe{",
        b"[" * 5000,
    ],
)
def test_a_malformed_or_non_object_body_is_a_400(
    client: FlaskClient, token: str, body: bytes
) -> None:
    response = client.post(
        f"{API}/events", data=body, headers=bearer(token), content_type="application/json"
    )
    assert_error(response, 400, "bad_request")


def test_a_body_over_the_cap_is_a_413(client: FlaskClient, token: str) -> None:
    event = company_registered("acme", details="x" * (1024 * 1024))
    assert_error(post_event(client, token, event), 413, "request_entity_too_large")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("stk_not-a-real-token"),
        {"Authorization": "Basic dXNlcjpwYXNz"},
        bearer("x" * 300),
    ],
)
def test_a_write_without_a_valid_token_is_a_401(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    event = company_registered("acme")
    response = client.post(f"{API}/events", data=json.dumps(event), headers=headers)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(f"{API}/events?company=acme").status_code == 404  # nothing registered it


def test_the_session_cookie_of_a_signed_in_editor_does_not_allow_a_write(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    database = app.extensions["stackline.database"]
    accounts.create_user(database, *EDITOR)
    client = app.test_client()
    signed_in = client.post("/login", data={"name": EDITOR[0], "password": EDITOR[1]})
    assert signed_in.status_code == 302  # the editor is signed in; the cookie is set
    assert client.get_cookie("session") is not None
    response = client.post(f"{API}/events", json=company_registered("acme"))
    assert_error(response, 401, "unauthorized")
    database.dispose()


def test_writes_are_not_subject_to_the_forms_csrf_check(client: FlaskClient, token: str) -> None:
    # The `app` fixture runs with CSRF enabled: a token-authorized write needs no CSRF token.
    assert post_event(client, token, company_registered("acme")).status_code == 201


def test_a_retraction_that_also_supersedes_is_refused_naming_the_field(
    client: FlaskClient, token: str
) -> None:
    target = company_registered("acme")
    assert post_event(client, token, target).status_code == 201
    before = client.get(f"{API}/events?limit=1000&include_voided=true").get_json()["events"]
    retraction = {
        "type": "event.retracted",
        "occurred_on": "2026-01-01",
        "summary": "Retract Acme",
        "sources": [{"title": "Review"}],
        "payload": {"event": target["id"], "reason": "It was wrong"},
        "supersedes": "6f1c8d1e-8a44-4b36-9b50-4a8d5a5b3c11",  # a random id, not the target
    }

    body = assert_error(post_event(client, token, retraction), 422, "invalid_event")

    assert [d["field"] for d in body["details"]] == ["supersedes"]  # type: ignore[attr-defined, index]
    after = client.get(f"{API}/events?limit=1000&include_voided=true").get_json()["events"]
    assert after == before
