"""How much compute (DESIGN §9.3, §9.6) over HTTP, on a hand-made log whose numbers are known by
construction: the company series and the ranking as JSON and CSV (read back with Python's csv),
ETags and 304s, CORS, the OpenAPI document, errors; the company page's chart and facilities,
the `/capacity` page with its compare date and CSV button.

The log: oracle (2000) opens Abilene (2025-01-01, 300 MW, 100,000 H100e; an announced expansion
to 1,000 MW counts nothing) and lets openai (2015) rent it from 2025-03-01; openai also signs
with oracle for "Somewhere" (no such facility: $2B per year, listed, never counted). xai (2023)
opens Colossus (2024-09-02, 150 MW, 100,000 H100e), expanded to 250 MW on 2025-06-01; spacex
(2002) buys xai on 2026-02-02. idle (2020) has only an announced facility.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from stackline.services import accounts
from stackline.store.units_of_work import Database
from tests.integration.builders import acquired, event, launched, partnered, registered
from tests.web.api_support import bearer
from tests.web.conftest import make_app

API = "/api/v1"
MONEY = {"amount": 2e9, "currency": "USD", "basis": "per_year", "estimated": False}


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Any:
    app = make_app(tmp_path_factory.mktemp("capacity"), CLOCK="2026-11-15T12:00:00Z")
    database: Database = app.extensions["stackline.database"]
    token = accounts.create_token(database, "capacity")
    client = app.test_client()
    ids: dict[str, str] = {}

    def post(name: str, document: dict[str, Any]) -> None:
        ids[name] = document["id"]
        answer = client.post(f"{API}/events", data=json.dumps(document), headers=bearer(token))
        assert answer.status_code == 201, answer.get_json()

    for slug, founded in (("oracle", "2000"), ("openai", "2015"), ("xai", "2023"),
                          ("spacex", "2002"), ("idle", "2020")):  # fmt: skip
        post(slug, registered(slug, founded))
    post("abilene", launched("compute", "oracle", "Abilene", "2025-01-01", capacity_mw=300,
                             h100e=100_000))  # fmt: skip
    post("plan", event("compute.expanded", "2025-02-01",
                       {"company": "oracle", "facility": "Abilene", "capacity_mw": 1000,
                        "status": "announced"}))  # fmt: skip
    post("deal", partnered(["openai", "oracle"], "compute", "2025-03-01", provider="oracle",
                           asset="abilene"))  # fmt: skip
    post("nowhere", partnered(["openai", "oracle"], "compute", "2025-04-01", provider="oracle",
                              asset="Somewhere", amount=MONEY))  # fmt: skip
    post("colossus", launched("compute", "xai", "Colossus", "2024-09-02", capacity_mw=150,
                              h100e=100_000))  # fmt: skip
    post("phase", event("compute.expanded", "2025-06-01",
                        {"company": "xai", "facility": "Colossus", "capacity_mw": 250,
                         "status": "available"}))  # fmt: skip
    post("buy", acquired("spacex", "xai", "2026-02-02"))
    post("idle-site", launched("compute", "idle", "Plan", "2024-01-01", status="announced",
                               capacity_mw=50))  # fmt: skip
    yield client, ids
    database.dispose()


def test_a_company_series_has_a_row_for_its_first_day_and_each_change(log: Any) -> None:
    client, ids = log
    answer = client.get(f"{API}/companies/openai/capacity?from=2024-01-01&to=2026-06-30")
    assert answer.status_code == 200
    document = answer.get_json()
    assert document["company"] == {"slug": "openai", "name": "Openai"}
    assert (document["from"], document["to"], document["known_on"]) == (
        "2024-01-01", "2026-06-30", None,
    )  # fmt: skip
    rows = [(r["on"], r["owned_mw"], r["contracted_mw"], r["contracted_h100e"])
            for r in document["series"]]  # fmt: skip
    assert rows == [("2024-01-01", 0, 0, 0), ("2025-03-01", 0, 300, 100_000)]
    (abilene,) = document["series"][-1]["facilities"]
    assert abilene == {
        "company": "oracle", "facility": "Abilene", "relation": "contracted", "via": ["oracle"],
        "capacity_mw": 300, "h100e": 100_000, "event_ids": [ids["deal"], ids["abilene"]],
    }  # fmt: skip
    assert document["contracts_without_facility"] == [
        {"partnership": ids["nowhere"], "company": "openai", "provider": "oracle",
         "asset": "Somewhere", "amount": MONEY, "via": ["oracle"]},
    ]  # fmt: skip


def test_a_parent_owns_its_subsidiarys_facility_from_the_acquisition(log: Any) -> None:
    client, ids = log
    document = client.get(f"{API}/companies/spacex/capacity").get_json()
    assert document["from"] == "2002-01-01" and document["to"] == "2026-11-15"
    rows = [(r["on"], r["owned_mw"], r["owned_h100e"]) for r in document["series"]]
    assert rows == [("2002-01-01", 0, 0), ("2026-02-02", 250, 100_000)]
    (colossus,) = document["series"][-1]["facilities"]
    assert (colossus["relation"], colossus["via"]) == ("owned", ["xai"])
    assert colossus["event_ids"] == [ids["colossus"], ids["phase"]]


def test_the_series_as_csv_reads_back_with_pythons_csv(log: Any) -> None:
    client, _ = log
    answer = client.get(f"{API}/companies/xai/capacity?format=csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows == [
        ["on", "owned_mw", "owned_h100e", "contracted_mw", "contracted_h100e"],
        ["2023-01-01", "0", "0", "0", "0"],
        ["2024-09-02", "150", "100000", "0", "0"],
        ["2025-06-01", "250", "100000", "0", "0"],
    ]


def test_the_ranking_lists_top_level_companies_with_capacity(log: Any) -> None:
    client, _ = log
    document = client.get(f"{API}/capacity?as_of=2026-06-30").get_json()
    assert document["as_of"] == "2026-06-30" and document["known_on"] is None
    assert document["companies"] == [  # a tie: by slug
        {"slug": "openai", "name": "Openai", "owned_mw": 0, "owned_h100e": 0,
         "contracted_mw": 300, "contracted_h100e": 100_000, "total_h100e": 100_000},
        {"slug": "oracle", "name": "Oracle", "owned_mw": 300, "owned_h100e": 100_000,
         "contracted_mw": 0, "contracted_h100e": 0, "total_h100e": 100_000},
        {"slug": "spacex", "name": "Spacex", "owned_mw": 250, "owned_h100e": 100_000,
         "contracted_mw": 0, "contracted_h100e": 0, "total_h100e": 100_000},
    ]  # fmt: skip
    earlier = client.get(f"{API}/capacity?as_of=2025-12-31").get_json()
    assert [c["slug"] for c in earlier["companies"]] == ["openai", "oracle", "xai"]


def test_the_ranking_as_csv_has_the_answers_columns(log: Any) -> None:
    client, _ = log
    text = client.get(f"{API}/capacity?as_of=2026-06-30&format=csv&bom=1").get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [r["slug"] for r in rows] == ["openai", "oracle", "spacex"]
    assert rows[0] == {"slug": "openai", "name": "Openai", "owned_mw": "0", "owned_h100e": "0",
                       "contracted_mw": "300", "contracted_h100e": "100000",
                       "total_h100e": "100000"}  # fmt: skip


def test_known_on_answers_as_the_log_stood_then(log: Any) -> None:
    """Every event here was recorded at the app's fixed clock: a moment before it knew none."""
    client, _ = log
    known = client.get(f"{API}/capacity?as_of=2026-06-30&known_on=2026-11-15T12:00:00Z")
    assert known.get_json()["known_on"] == "2026-11-15T12:00:00.000000Z"
    assert len(known.get_json()["companies"]) == 3
    earlier = client.get(f"{API}/capacity?as_of=2026-06-30&known_on=2026-11-14").get_json()
    assert earlier["companies"] == []
    assert client.get(f"{API}/companies/spacex/capacity?known_on=2026-11-14").status_code == 404


def test_reads_carry_an_etag_answer_304_and_allow_any_origin(log: Any) -> None:
    client, _ = log
    for url in (f"{API}/capacity?as_of=2026-06-30", f"{API}/companies/openai/capacity"):
        first = client.get(url)
        assert first.headers["Access-Control-Allow-Origin"] == "*"
        tag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304
        other = client.get(url + ("&" if "?" in url else "?") + "format=csv")
        assert other.headers["ETag"] != tag


def test_errors_name_the_company_or_the_parameter(log: Any) -> None:
    client, _ = log
    assert client.get(f"{API}/companies/nobody/capacity").status_code == 404
    backwards = client.get(f"{API}/companies/openai/capacity?from=2026-01-01&to=2025-01-01")
    assert backwards.status_code == 400
    assert backwards.get_json()["details"][0]["field"] == "from"
    assert client.get(f"{API}/capacity?as_of=yesterday").status_code == 400


def test_the_openapi_document_describes_both_operations(log: Any) -> None:
    client, _ = log
    document = client.get(f"{API}/openapi.json").get_json()
    series = document["paths"]["/api/v1/companies/{slug}/capacity"]["get"]
    ranking = document["paths"]["/api/v1/capacity"]["get"]
    assert {p["name"] for p in series["parameters"]} >= {"slug", "from", "to", "known_on", "format"}
    assert {p["name"] for p in ranking["parameters"]} >= {"as_of", "known_on", "format"}
    assert "text/csv" in ranking["responses"]["200"]["content"]
    schemas = document["components"]["schemas"]
    assert "contracts_without_facility" in schemas["CompanyCapacityAnswer"]["properties"]
    assert "total_h100e" in schemas["CapacityRankAnswer"]["properties"]


def test_the_company_page_charts_capacity_and_lists_the_facilities_behind_it(log: Any) -> None:
    client, ids = log
    page = client.get("/companies/openai?as_of=2026-06-30").get_data(as_text=True)
    section = page[page.index('id="capacity-heading"') :]
    assert "<svg" in section and "capacity-owned" in section and "capacity-contracted" in section
    assert "Abilene" in section and "contracted via" in section
    assert f"/events/{ids['deal']}" in section
    assert "Contracts without a facility (listed, not counted)" in section
    assert "Somewhere" in section and "$2" in section and "not counted" in section
    assert "<script" not in section


def test_a_company_without_capacity_says_so(log: Any) -> None:
    client, _ = log
    page = client.get("/companies/idle?as_of=2026-06-30").get_data(as_text=True)
    assert "No compute capacity recorded" in page


def test_the_capacity_page_ranks_compares_and_offers_csv(log: Any) -> None:
    client, _ = log
    answer = client.get("/capacity?as_of=2026-06-30&compare=2025-12-31")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    table = page[page.index('class="capacity-ranking"') :]
    assert table.index("Openai") < table.index("Oracle") < table.index("Spacex")
    assert "/api/v1/capacity?as_of=2026-06-30&amp;format=csv" in page
    assert 'name="compare"' in page and "not ranked" in page  # spacex had none on 2025-12-31
    assert 'href="/capacity"' in client.get("/").get_data(as_text=True)  # in the navigation
