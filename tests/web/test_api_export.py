"""GET /export (streamed, filtered, both formats) and the JSON Schema generated for its format."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

import jsonschema
import pytest
from flask.testing import FlaskClient

from stackline.domain.catalog import REGISTRY
from stackline.domain.filters import EventFilter
from stackline.services.files import labelled_events
from stackline.services.recording import import_events
from stackline.services.timeline import export_chunks
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from stackline.web.api.export import export_json_schema
from tests.integration.random_logs import append_random_log
from tests.web.api_support import API, company_registered, export_document, post_event
from tests.web.conftest import make_app

ENVELOPE = [
    "seq", "id", "type", "schema_version", "occurred_on", "summary", "details", "confidence",
    "sources", "payload", "supersedes", "origin", "recorded_at", "recorded_by", "prev_hash",
    "hash", "voided_by",
]  # fmt: skip


def export_schema(client: FlaskClient) -> dict[str, object]:
    response = client.get(f"{API}/schemas/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    schema: dict[str, object] = json.loads(response.get_data())
    return schema


def test_the_export_is_streamed_as_an_attachment(client: FlaskClient) -> None:
    response = client.get(f"{API}/export")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == "attachment; filename=stackline-export.json"
    document = json.loads(response.get_data())
    assert document["format"] == "stackline-timeline"
    assert document["format_version"] == 1
    assert document["count"] == len(document["events"])
    assert [e["seq"] for e in document["events"]] == list(range(1, document["count"] + 1))
    assert all(list(event) == ENVELOPE for event in document["events"])


def test_the_export_validates_against_the_served_json_schema(client: FlaskClient) -> None:
    schema = export_schema(client)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for query in ("", "?layer=model&from=2020", "?company=openai&include_voided=false"):
        validator.validate(export_document(client, query))


def test_a_random_log_of_every_event_type_exports_a_document_the_schema_accepts(
    tmp_path: Path,
) -> None:
    database = Database(make_engine(f"sqlite:///{tmp_path / 'random.db'}"))
    upgrade(database.engine)
    for _ in append_random_log(database, seed=4242, proposals=400):
        pass
    document = json.loads("".join(export_chunks(database, EventFilter(include_voided=True))))
    database.dispose()
    assert {event["type"] for event in document["events"]} == set(REGISTRY)
    validator = jsonschema.Draft202012Validator(
        export_json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(document)


def test_the_schema_rejects_an_event_missing_an_envelope_field(
    client: FlaskClient,
) -> None:
    document = export_document(client)
    del document["events"][0]["prev_hash"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, export_schema(client))


def test_the_export_honours_the_filters_and_records_them(client: FlaskClient) -> None:
    document = export_document(client, "?company=spacex&type=acquisition.completed&to=2026")
    assert {e["payload"]["target"] for e in document["events"]} == {"xai", "anysphere"}
    assert document["filters"] == {
        "company": "spacex",
        "layer": None,
        "types": ["acquisition.completed"],
        "q": None,
        "include_voided": True,
        "from": None,
        "to": "2026-12-31",
    }
    assert document["count"] == 2


def test_the_export_includes_voided_events_unless_told_not_to(
    client: FlaskClient, token: str
) -> None:
    target = export_document(client, "?type=chip.launched")["events"][0]["id"]
    retraction = {
        "type": "event.retracted",
        "occurred_on": "2025",
        "summary": "Retracted",
        "sources": [{"title": "Note"}],
        "payload": {"event": target, "reason": "wrong chip"},
    }
    assert post_event(client, token, retraction).status_code == 201
    assert target in {e["id"] for e in export_document(client)["events"]}
    live = export_document(client, "?include_voided=false")["events"]
    assert target not in {e["id"] for e in live}


def test_an_export_imported_into_an_empty_database_reproduces_identical_events(
    client: FlaskClient, token: str, tmp_path: Path
) -> None:
    post_event(client, token, {**company_registered("acme"), "details": "Née « Acme » — ünïcödé"})
    content = client.get(f"{API}/export").get_data()
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    empty = make_app(empty_dir)
    database = empty.extensions["stackline.database"]
    try:
        report = import_events(database, labelled_events("export.json", content), "importer")
        original = json.loads(content)
        assert report.created == original["count"]
        again = export_document(empty.test_client())
        assert again["events"] == original["events"]  # ids, seq, recorded_at, recorded_by, hashes
    finally:
        database.dispose()


def test_the_timelinejs_export_has_one_slide_per_event(client: FlaskClient) -> None:
    response = client.get(f"{API}/export?format=timelinejs&company=openai")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=stackline-timelinejs.json"
    )
    timeline = json.loads(response.get_data())
    voided = {
        d["supersedes"] for d in export_document(client)["events"] if d.get("supersedes")
    } | {
        d["payload"]["event"] for d in export_document(client)["events"]
        if d["type"] == "event.retracted"
    }  # fmt: skip
    # The export is the whole log; slides are its live events (no voided ones, no retractions).
    events = [
        e for e in export_document(client, "?company=openai")["events"]
        if e["id"] not in voided and e["type"] != "event.retracted"
    ]  # fmt: skip
    assert timeline["title"]["text"]["headline"] == "Stackline"
    assert [slide["unique_id"] for slide in timeline["events"]] == [e["id"] for e in events]
    for slide, event in zip(timeline["events"], events, strict=True):
        assert unescape(slide["text"]["headline"]) == event["summary"]
        assert slide["start_date"]["year"] == int(event["occurred_on"][:4])
        assert ("day" in slide["start_date"]) == (len(event["occurred_on"]) == 10)
    groups = {slide["group"] for slide in timeline["events"]}
    assert {"3 Model", "4 Application"} <= groups


def test_a_year_only_event_is_a_partial_start_date_in_timelinejs(
    client: FlaskClient, token: str
) -> None:
    assert (
        post_event(client, token, company_registered("acme", occurred_on="2019")).status_code == 201
    )
    timeline = json.loads(client.get(f"{API}/export?format=timelinejs&company=acme").get_data())
    assert timeline["events"][0]["start_date"] == {"year": 2019}
    assert timeline["events"][0]["group"] == "Deals and ownership"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("format=xml", "format"), ("to=2024-02-30", "to"), ("include_voided=no", "include_voided")],
)
def test_a_malformed_export_parameter_is_a_400(
    client: FlaskClient, query: str, parameter: str
) -> None:
    response = client.get(f"{API}/export?{query}")
    assert response.status_code == 400
    assert response.get_json()["details"][0]["field"] == parameter
