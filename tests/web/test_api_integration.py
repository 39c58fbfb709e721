"""Integration over time on a hand-made log whose changes are known by construction: the JSON
document and its CSV (read back with Python's csv), ranges, subsidiaries, errors; the matrix
page's pages and its comparison with an earlier day, read from the same presence projection.

The log: alpha (2000) launches a chip in 2002 and takes beta's model through a partnership from
2004 that ends on 2007-01-01 (`ends_on`: a change with no event); beta (2001) releases that model
in 2003; gamma (2005) launches an app in 2006 and is bought by alpha on 2010-06-01; delta (2001)
invests in beta in 2008 (a stake in the model layer).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from stackline.services import accounts
from stackline.store.units_of_work import Database
from tests.integration.builders import acquired, invested, launched, partnered, registered
from tests.web.api_support import bearer
from tests.web.conftest import make_app
from tests.web.helpers import page

API = "/api/v1"
NONE4 = {"hardware": "none", "compute": "none", "model": "none", "application": "none"}


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Any:
    app = make_app(tmp_path_factory.mktemp("integration"), CLOCK="2026-11-15T12:00:00Z")
    database: Database = app.extensions["stackline.database"]
    token = accounts.create_token(database, "integration")
    client = app.test_client()
    ids: dict[str, str] = {}

    def post(name: str, document: dict[str, Any]) -> None:
        ids[name] = document["id"]
        answer = client.post(f"{API}/events", data=json.dumps(document), headers=bearer(token))
        assert answer.status_code == 201, answer.get_json()

    post("alpha", registered("alpha", "2000"))
    post("beta", registered("beta", "2001"))
    post("delta", registered("delta", "2001"))
    post("gamma", registered("gamma", "2005"))
    post("chip", launched("chip", "alpha", "A1", "2002-03-01"))
    post("model", launched("model", "beta", "B1", "2003-05-01"))
    post("deal", partnered(["alpha", "beta"], "model", "2004-01-01", provider="beta",
                           ends_on="2007-01-01"))  # fmt: skip
    post("app", launched("product", "gamma", "G1", "2006-02-01"))
    post("stake", invested("delta", "beta", "2008-01-01"))
    post("buy", acquired("alpha", "gamma", "2010-06-01"))
    yield client, ids
    database.dispose()


def layers(**held: str) -> dict[str, str]:
    return {**NONE4, **held}


def expected(ids: dict[str, str]) -> dict[str, list[tuple[str, dict[str, str], Any, list[str]]]]:
    """Each company's changes: (on, layers, parent, event ids)."""
    return {
        "alpha": [
            ("2000-01-01", layers(), None, [ids["alpha"]]),
            ("2002-03-01", layers(hardware="owned"), None, [ids["chip"]]),
            ("2004-01-01", layers(hardware="owned", model="partner"), None, [ids["deal"]]),
            ("2007-01-01", layers(hardware="owned"), None, []),
            ("2010-06-01", layers(hardware="owned", application="owned"), None, [ids["buy"]]),
        ],
        "beta": [
            ("2001-01-01", layers(), None, [ids["beta"]]),
            ("2003-05-01", layers(model="owned"), None, [ids["model"]]),
        ],
        "gamma": [
            ("2005-01-01", layers(), None, [ids["gamma"]]),
            ("2006-02-01", layers(application="owned"), None, [ids["app"]]),
            ("2010-06-01", layers(application="owned"), "alpha", [ids["buy"]]),
        ],
        "delta": [
            ("2001-01-01", layers(), None, [ids["delta"]]),
            ("2008-01-01", layers(model="stake"), None, [ids["stake"]]),
        ],
    }


def changes_of(
    document: dict[str, Any],
) -> dict[str, list[tuple[str, dict[str, str], Any, list[str]]]]:
    return {
        company["slug"]: [
            (c["on"], c["layers"], c["parent"], c["event_ids"]) for c in company["changes"]
        ]
        for company in document["companies"]
    }


def test_each_company_starts_on_its_founding_and_changes_on_each_day_its_presence_does(
    log: Any,
) -> None:
    client, ids = log
    document = client.get(f"{API}/integration").get_json()

    assert document["from"] == "2000-01-01" and document["to"] == "2026-11-15"
    assert document["known_on"] is None
    assert changes_of(document) == expected(ids)
    # Ranked as the matrix ranks them on the last day: two owned layers, then one (by name).
    assert [c["slug"] for c in document["companies"]] == ["alpha", "beta", "gamma", "delta"]
    alpha = document["companies"][0]["changes"][-1]
    assert alpha["owned_layers"] == ["hardware", "application"]
    assert alpha["covered_layers"] == ["hardware", "application"]


def test_a_range_starts_with_the_state_on_its_first_day_and_stops_at_its_last(log: Any) -> None:
    client, ids = log
    document = client.get(f"{API}/integration?from=2005-06-01&to=2009-12-31").get_json()
    found = changes_of(document)

    assert found["alpha"] == [
        ("2005-06-01", layers(hardware="owned", model="partner"), None, []),
        ("2007-01-01", layers(hardware="owned"), None, []),
    ]
    assert found["delta"] == [
        ("2005-06-01", layers(), None, []),
        ("2008-01-01", layers(model="stake"), None, [ids["stake"]]),
    ]
    assert found["gamma"][-1][0] == "2006-02-01"


def test_a_subsidiary_for_the_whole_range_is_left_out_unless_asked_for(log: Any) -> None:
    client, ids = log
    later = client.get(f"{API}/integration?from=2011").get_json()
    assert [c["slug"] for c in later["companies"]] == ["alpha", "beta", "delta"]

    everyone = client.get(f"{API}/integration?from=2011&include_subsidiaries=true").get_json()
    gamma = changes_of(everyone)["gamma"]
    assert gamma == [("2011-01-01", layers(application="owned"), "alpha", [])]

    named = client.get(f"{API}/integration?company=gamma,beta").get_json()
    assert changes_of(named) == {k: v for k, v in expected(ids).items() if k in ("gamma", "beta")}


def test_the_csv_has_one_row_per_change_with_counts(log: Any) -> None:
    client, ids = log
    answer = client.get(f"{API}/integration?format=csv")

    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == [
        "slug", "name", "parent", "on", "hardware", "compute", "model", "application",
        "owned_count", "covered_count",
    ]  # fmt: skip
    by_change = [
        (r["slug"], r["on"], r["parent"], r["owned_count"], r["covered_count"]) for r in rows
    ]
    wanted = [
        (slug, on, parent or "", str(sum(v == "owned" for v in held.values())),
         str(sum(v in ("owned", "partner") for v in held.values())))
        for slug, changes in expected(ids).items()
        for on, held, parent, _ in changes
    ]  # fmt: skip
    assert by_change == wanted
    alpha_2004 = next(r for r in rows if r["slug"] == "alpha" and r["on"] == "2004-01-01")
    assert (alpha_2004["hardware"], alpha_2004["model"]) == ("owned", "partner")


def test_bad_ranges_and_unknown_companies_are_answered_in_words(log: Any) -> None:
    client, _ = log
    backwards = client.get(f"{API}/integration?from=2010&to=2005")
    assert backwards.status_code == 400
    assert backwards.get_json()["details"][0]["field"] == "from"
    unknown = client.get(f"{API}/integration?company=alpha,nobody")
    assert unknown.status_code == 404
    assert "nobody" in unknown.get_json()["message"]


def test_known_on_before_anything_was_recorded_knows_no_company(log: Any) -> None:
    client, _ = log
    document = client.get(f"{API}/integration?known_on=2026-11-14").get_json()
    assert document["companies"] == []
    assert document["known_on"].startswith("2026-11-14T23:59:59")
    assert client.get(f"{API}/integration?known_on=2026-11-14&company=alpha").status_code == 404


def test_the_matrix_pages_past_its_page_size_with_links_that_keep_the_day(log: Any) -> None:
    client, _ = log
    first = page(client.get("/?as_of=2010-06-01&per_page=2"))
    names = [th.text() for th in first.one("table", class_="matrix").find_all("th", scope="row")]
    assert [n.split()[0] for n in names] == ["Alpha", "Beta"]
    assert "Rows 1–2" in first.one("nav", class_="pager").text()
    following = str(first.one("a", rel="next").get("href"))
    assert "as_of=2010-06-01" in following and "page=2" in following

    second = page(client.get("/" + following))
    rows = second.one("table", class_="matrix").find_all("th", scope="row")
    assert [th.text().split()[0] for th in rows] == ["Delta"]
    assert "Rows 3–3" in second.one("nav", class_="pager").text()
    assert second.find("a", rel="next") is None
    assert second.find("a", rel="prev") is not None


def test_the_matrix_marks_cells_changed_since_a_compare_date_and_lists_the_events(
    log: Any,
) -> None:
    client, ids = log
    document = page(client.get("/?as_of=2010-06-01&compare=2005-01-01"))
    changed = {
        (row.one("th").text().split()[0], index)
        for row in document.one("table", class_="matrix").find_all("tr")
        for index, cell in enumerate(row.find_all("td"))
        if "cell-changed" in cell.classes
    }
    # Columns: hardware 0, compute 1, model 2, application 3.
    assert changed == {("Alpha", 2), ("Alpha", 3), ("Delta", 2)}
    listed = [
        str(a.get("href")).rsplit("/", 1)[-1]
        for a in document.one("section", **{"aria-labelledby": "between-heading"}).find_all("a")
    ]
    # Every event in between, not only those that flipped a cell (DESIGN §9.5).
    between = client.get(f"{API}/events?from=2005-01-02&to=2010-06-01&sort=date").get_json()
    assert listed == [e["id"] for e in between["events"]]
    assert {ids["stake"], ids["buy"]} <= set(listed)


def test_the_stack_api_answers_csv_too(log: Any) -> None:
    client, _ = log
    text = client.get(f"{API}/stack?as_of=2010-06-01&format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["slug"], r["application"], r["owned_count"]) for r in rows] == [
        ("alpha", "owned", "2"), ("beta", "none", "1"), ("delta", "none", "0"),
    ]  # fmt: skip


def test_an_event_of_a_subsidiary_changes_its_owners_series_in_the_same_write(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, CLOCK="2026-11-15T12:00:00Z")
    database: Database = app.extensions["stackline.database"]
    token = accounts.create_token(database, "later")
    client = app.test_client()
    model = launched("model", "child", "M", "2003-01-01")
    for document in (
        registered("parent", "2000"), registered("child", "2000"), registered("fund", "2000"),
        invested("fund", "parent", "2001-01-01"), acquired("parent", "child", "2002-01-01"),
        model,
    ):  # fmt: skip
        answer = client.post(f"{API}/events", data=json.dumps(document), headers=bearer(token))
        assert answer.status_code == 201
    found = changes_of(client.get(f"{API}/integration?from=2003").get_json())
    assert found["parent"] == [("2003-01-01", layers(model="owned"), None, [model["id"]])]
    assert found["fund"] == [("2003-01-01", layers(model="stake"), None, [model["id"]])]
    database.dispose()
