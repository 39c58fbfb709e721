"""Dataset imports over HTTP (DESIGN §9.1 origin, §9.2 Runs): `GET /api/v1/datasets` and
`/datasets`, the `origin` filter on the events API, the export and the timeline, the origin and
the credit on a derived event's page, and the refusal of `origin` from the API and the form.

The seeded app gets a few real rows imported (chips by AMD and NVIDIA, one cluster, and one chip
by a maker no company is named by); expected values come from the files and the log, never from
counts the seed's aliases decide.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stackline.services.datasets.report import DatasetReport
from stackline.store.units_of_work import Database
from tests.integration.epoch_support import FIRST_IMPORT, FIRST_SNAPSHOT, cut_snapshot, run
from tests.unit.adapters import variants
from tests.unit.adapters.variants import CLUSTERS, HARDWARE
from tests.web.api_support import API, company_registered, export_document, post_event
from tests.web.helpers import form_data, login, page

UNKNOWN_MAKER = "Zyxel Quantum Silicon"
ROWS = {
    # Chips the seed does not curate (so the import derives events of its own), and one it does.
    HARDWARE: ["AMD Instinct MI300A", "NVIDIA A10G", "NVIDIA H100 SXM5 80GB"],
    CLUSTERS: ["Microsoft Azure Eagle"],
}


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    folder = cut_snapshot(tmp_path / "epoch", FIRST_SNAPSHOT, ROWS)
    variants.add_row(folder, HARDWARE, {
        "Hardware name": "Zyxel Q1", "Manufacturer": UNKNOWN_MAKER, "Release date": "2025-01-02",
        "Link to datasheet": "https://example.com/q1",
    })  # fmt: skip
    return folder


@pytest.fixture
def imported(database: Database, snapshot: Path) -> DatasetReport:
    report = run(database, snapshot, FIRST_IMPORT)
    assert report.written > 0
    return report


def events_of(client: FlaskClient, query: str) -> list[dict[str, Any]]:
    """Every event the events API gives for a query, page after page."""
    found: list[dict[str, Any]] = []
    cursor = ""
    while True:
        answer = client.get(f"{API}/events?{query}&limit=200{cursor}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        body = answer.get_json()
        found += body["events"]
        if not body["next_cursor"]:
            return found
        cursor = f"&cursor={body['next_cursor']}"


def test_the_datasets_api_lists_the_run_with_its_files_counts_and_unresolved_names(
    client: FlaskClient, imported: DatasetReport, snapshot: Path
) -> None:
    answer = client.get(f"{API}/datasets")

    assert answer.status_code == 200
    body = answer.get_json()
    assert "Epoch AI" in body["credit"] and "CC BY 4.0" in body["credit"]
    (run_,) = body["runs"]
    assert run_["snapshot"] == FIRST_SNAPSHOT and run_["dataset"] == "epoch-ai"
    files = {f["name"]: f for f in run_["files"]}
    assert files.keys() == {HARDWARE, CLUSTERS}
    for name, file in files.items():
        assert file["sha256"] == hashlib.sha256((snapshot / name).read_bytes()).hexdigest()
        reported = imported.file_of(file["dataset"], name)
        assert (file["rows"], file["created"], file["matched"]) == (
            reported.rows, reported.created, reported.matched,
        )  # fmt: skip
        assert len(file["conflicts"]) == len(reported.conflicts)
    assert files[HARDWARE]["rows"] == len(ROWS[HARDWARE]) + 1
    assert run_["unresolved"] == {UNKNOWN_MAKER: 1}
    assert [s["key"] for s in files[HARDWARE]["skipped"]] == ["Zyxel Q1"]
    live = {d["dataset"]: d["live_events"] for d in body["datasets"]}
    assert sum(live.values()) == imported.written


def test_the_datasets_page_shows_the_run_and_credits_epoch(
    client: FlaskClient, imported: DatasetReport, snapshot: Path
) -> None:
    response = client.get("/datasets")

    assert response.status_code == 200
    text = page(response).one("main").text()
    assert f"Snapshot {FIRST_SNAPSHOT}" in text
    for name in ROWS:
        assert name in text
        assert hashlib.sha256((snapshot / name).read_bytes()).hexdigest() in text
    assert UNKNOWN_MAKER in text and "Zyxel Q1" in text
    assert "Epoch AI" in text and "CC BY 4.0" in text


def test_before_any_import_the_datasets_page_and_api_say_so(client: FlaskClient) -> None:
    assert client.get(f"{API}/datasets").get_json()["runs"] == []
    text = page(client.get("/datasets")).one("main").text()
    assert "No dataset has been imported" in text
    footer = page(client.get("/")).one("footer").text()
    assert "Epoch AI" not in footer


@pytest.mark.parametrize("origin", ["epoch-ai", "epoch-ai/ml-hardware", "none"])
def test_the_events_api_and_the_export_keep_exactly_the_events_of_an_origin(
    client: FlaskClient, imported: DatasetReport, origin: str
) -> None:
    everything = export_document(client)["events"]

    def wanted(event: dict[str, Any]) -> bool:
        if origin == "none":
            return event["origin"] is None
        dataset = (event["origin"] or {}).get("dataset", "")
        return bool(dataset == origin or dataset.startswith(origin + "/"))

    expected = {e["id"] for e in everything if wanted(e)}
    assert expected and len(expected) < len(everything)

    listed = events_of(client, f"origin={origin}&include_voided=true")
    exported = export_document(client, f"?origin={origin}")

    assert {e["id"] for e in listed} == expected
    assert {e["id"] for e in exported["events"]} == expected
    assert exported["filters"]["origin"] == origin
    assert exported["count"] == len(expected)


def test_the_csv_export_ends_with_the_origin_of_each_event(
    client: FlaskClient, imported: DatasetReport
) -> None:
    response = client.get(f"{API}/export?format=csv")

    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][-1] == "origin"
    origins = {row[1]: row[-1] for row in table[1:]}
    for event in export_document(client, "?include_voided=false")["events"]:
        cell = origins[event["id"]]
        if event["origin"] is None:
            assert cell == ""
        else:
            assert event["origin"]["dataset"] in cell and event["origin"]["key"] in cell


def test_a_prefix_that_is_not_a_dataset_name_matches_nothing(
    client: FlaskClient, imported: DatasetReport
) -> None:
    assert events_of(client, "origin=epoch") == []  # `epoch-ai/…` starts with it, is not under it


def test_the_timeline_keeps_exactly_the_events_of_an_origin(
    client: FlaskClient, imported: DatasetReport
) -> None:
    everything = export_document(client)["events"]
    derived = [e for e in everything if e["origin"] is not None]
    assert len(derived) < 50  # one page of the timeline

    document = page(client.get("/timeline?origin=epoch-ai&include_voided=1"))

    links = {
        a.get("href") for a in document.one("main").find_all("a")
        if (a.get("href") or "").startswith("/events/")
    }  # fmt: skip
    assert links == {f"/events/{e['id']}" for e in derived}
    lede = document.one("p", class_="lede").text()
    assert lede.startswith(f"{len(derived)} events match")
    curated = page(client.get("/timeline?origin=none&include_voided=1"))
    curated = curated.one("p", class_="lede").text()
    assert curated.startswith(f"{len(everything) - len(derived)} events match")
    chosen = page(client.get("/timeline?origin=none")).one("select", id="origin")
    assert [o.get("value") for o in chosen.find_all("option") if "selected" in o.attrs] == ["none"]


def test_a_derived_events_page_shows_its_origin_and_credits_epoch_ai(
    client: FlaskClient, imported: DatasetReport
) -> None:
    everything = export_document(client)["events"]
    derived = next(e for e in everything if e["origin"] is not None)
    curated = next(e for e in everything if e["origin"] is None)

    document = page(client.get(f"/events/{derived['id']}"))

    origin = document.one("dd", class_="origin")
    text = origin.text()
    assert derived["origin"]["key"] in text and derived["origin"]["dataset"] in text
    assert f"snapshot {FIRST_SNAPSHOT}" in text and "CC BY 4.0" in text
    assert origin.one("a").get("href") == "https://epoch.ai/data"
    assert "Epoch AI" in document.one("footer").text()
    assert page(client.get(f"/events/{curated['id']}")).find("dd", class_="origin") is None


ORIGIN = {"dataset": "epoch-ai/ml-hardware", "key": "NVIDIA H100 SXM5 80GB", "snapshot": "2026"}


def test_the_api_refuses_an_event_that_claims_an_origin(client: FlaskClient, token: str) -> None:
    response = post_event(client, token, {**company_registered("acme"), "origin": ORIGIN})

    assert response.status_code == 422
    assert "origin" in [d["field"] for d in response.get_json()["details"]]
    assert client.get(f"{API}/events?company=acme").status_code == 404  # nothing written


def test_the_form_refuses_an_event_that_claims_an_origin(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    assert login(client).status_code == 302
    form_page = client.get("/events/new?type=company.registered")
    data = form_data(form_page, "/events/new")
    data.update({
        "occurred_on": "2020-03", "summary": "Acme is founded", "payload.company": "acme",
        "payload.name": "Acme", "sources.0.title": "Acme's page",
        "origin": json.dumps(ORIGIN),
    })  # fmt: skip

    response = client.post("/events/new", data=data)

    assert response.status_code == 422
    assert "origin" in response.get_data(as_text=True)
    assert client.get(f"{API}/events?company=acme").status_code == 404
    del data["origin"]  # the same form without it is recorded
    assert client.post("/events/new", data=data).status_code == 303
