"""The formats analysts use (DESIGN §8): CSV read back with Python's `csv` and compared with the
JSON, the Atom feed parsed with `feedparser`, TimelineJS slides, ETag/304 and CORS."""

from __future__ import annotations

import csv
import io
import json
from calendar import timegm
from datetime import datetime
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient

from stackline.domain.dates import PartialDate
from stackline.services import accounts
from stackline.services.event_formats import EVENT_COLUMNS
from stackline.store.units_of_work import Database
from tests.web.api_support import API, bearer, company_registered, export_document, post_event
from tests.web.conftest import make_app
from tests.web.helpers import login, page
from tests.web.test_pages import retract


def read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    assert text.endswith("\r\n")  # RFC 4180 line ends
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or ()), rows


def expected_cells(event: dict[str, Any]) -> dict[str, str]:
    """What a CSV row must hold for an event as the JSON API lists it."""
    amount = event["payload"].get("amount") or {}
    in_usd = "amount" in amount and amount.get("currency", "USD") == "USD"
    return {
        "seq": str(event["seq"]),
        "id": event["id"],
        "type": event["type"],
        "occurred_on": event["occurred_on"],
        "effective_on": PartialDate.parse(event["occurred_on"]).start.isoformat(),
        "layer": event["layer"] or "",
        "companies": ";".join(event["companies"]),
        "summary": event["summary"],
        "confidence": event["confidence"],
        "amount_usd": str(amount["amount"]) if in_usd else "",
        "source_urls": ";".join(s["url"] for s in event["sources"] if s.get("url")),
        "supersedes": event["supersedes"] or "",
        "voided_by": event["voided_by"] or "",
        "recorded_at": event["recorded_at"],
        "amount_basis": amount.get("basis", "total") if in_usd else "",
        "origin": ";".join(event["origin"].values()) if event["origin"] else "",
    }


def test_a_page_of_events_as_csv_holds_what_the_json_page_holds(client: FlaskClient) -> None:
    query = "?limit=1000&include_voided=true"
    listed = client.get(f"{API}/events{query}").get_json()["events"]
    response = client.get(f"{API}/events{query}&format=csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    header, rows = read_csv(response.get_data(as_text=True))
    assert header == list(EVENT_COLUMNS)
    assert rows == [expected_cells(event) for event in listed]
    assert any(row["amount_usd"] for row in rows)  # the seed has priced deals
    assert any(";" in row["companies"] for row in rows)


def test_the_export_as_csv_streams_every_event_with_filters(client: FlaskClient) -> None:
    whole = export_document(client, "?include_voided=false")  # what a CSV holds by default
    response = client.get(f"{API}/export?format=csv")
    assert response.headers["Content-Disposition"] == "attachment; filename=stackline-events.csv"
    _, rows = read_csv(response.get_data(as_text=True))
    assert [row["id"] for row in rows] == [event["id"] for event in whole["events"]]

    narrow = client.get(f"{API}/export?format=csv&company=nvidia&layer=hardware")
    _, rows = read_csv(narrow.get_data(as_text=True))
    assert rows and all(row["layer"] == "hardware" for row in rows)
    assert all("nvidia" in row["companies"].split(";") for row in rows)


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_defused(
    client: FlaskClient, token: str
) -> None:
    event = company_registered("formula", summary='=HYPERLINK("http://evil.example","x")')
    assert post_event(client, token, event).status_code == 201

    for url in (
        f"{API}/export?format=csv&company=formula",
        f"{API}/events?company=formula&format=csv",
    ):
        _, rows = read_csv(client.get(url).get_data(as_text=True))
        assert [row["summary"] for row in rows] == ['\'=HYPERLINK("http://evil.example","x")'], url


def test_events_of_an_unknown_company_are_a_404_not_an_empty_list(client: FlaskClient) -> None:
    for url in (
        f"{API}/events?company=nope",
        f"{API}/export?company=nope",
        "/feed.atom?company=nope",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
    assert client.get(f"{API}/events?company=nope").get_json()["error"] == "not_found"


def test_the_feed_carries_the_latest_recorded_events_for_a_feed_reader(
    client: FlaskClient, token: str
) -> None:
    newest = company_registered("feedco", summary="Feedco & <friends> is founded")
    assert post_event(client, token, newest).status_code == 201

    response = client.get("/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 50
    first = feed.entries[0]
    assert first.id == f"urn:uuid:{newest['id']}"
    assert first.title == "2020-03: Feedco & <friends> is founded"
    assert first.link == f"http://localhost/events/{newest['id']}"
    stored = client.get(f"{API}/events/{newest['id']}").get_json()
    recorded = datetime.fromisoformat(stored["recorded_at"].replace("Z", "+00:00"))
    assert timegm(first.updated_parsed) == int(recorded.timestamp())
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == len(ids)
    seqs = [
        client.get(f"{API}/events/{i.removeprefix('urn:uuid:')}").get_json()["seq"] for i in ids[:5]
    ]
    assert seqs == sorted(seqs, reverse=True)  # newest recorded first


def test_the_feed_honours_its_filters_and_is_linked_from_the_pages(client: FlaskClient) -> None:
    feed = feedparser.parse(client.get("/feed.atom?company=nvidia&layer=hardware").get_data())
    assert feed.entries
    for entry in feed.entries:
        terms = {tag.term for tag in entry.tags}
        assert {"nvidia", "hardware"} <= terms
    assert feed.feed.links[0].href == "http://localhost/feed.atom?company=nvidia&layer=hardware"

    for url, href in (
        ("/timeline?company=nvidia", "/feed.atom?company=nvidia"),
        ("/companies/nvidia", "/feed.atom?company=nvidia"),
        ("/timeline", "/feed.atom"),
    ):
        alternate = page(client.get(url)).one("link", rel="alternate")
        assert alternate.get("type") == "application/atom+xml"
        assert alternate.get("href") == href


def timelinejs(client: FlaskClient, query: str = "") -> dict[str, Any]:
    response = client.get(f"{API}/export?format=timelinejs{query}")
    assert response.status_code == 200
    document: dict[str, Any] = json.loads(response.get_data())
    return document


def test_timelinejs_leaves_out_voided_events_and_retractions_unless_asked(
    client: FlaskClient, database: Database
) -> None:
    live = timelinejs(client)["events"]
    victim = live[-1]["unique_id"]
    retraction = retract(database, victim)

    after = {slide["unique_id"] for slide in timelinejs(client)["events"]}
    assert victim not in after and retraction not in after
    assert len(after) == len(live) - 1
    everything = {
        slide["unique_id"] for slide in timelinejs(client, "&include_voided=true")["events"]
    }
    assert {victim, retraction} <= everything


def test_timelinejs_slides_credit_their_sources_and_escape_text(
    client: FlaskClient, token: str
) -> None:
    event = company_registered("xss", summary="<img src=x onerror=alert(1)> founded")
    event["sources"] = [{"title": "A & B", "url": "https://example.com/a?b=1&c=2"}]
    assert post_event(client, token, event).status_code == 201

    [slide] = timelinejs(client, "&company=xss")["events"]
    assert slide["text"]["headline"] == "&lt;img src=x onerror=alert(1)&gt; founded"
    assert '<a href="https://example.com/a?b=1&amp;c=2">A &amp; B</a>' in slide["text"]["text"]
    every = timelinejs(client)["events"]
    assert all("Sources: " in s["text"]["text"] for s in every)
    assert {s["group"] for s in every} == {
        "1 Hardware", "2 Compute", "3 Model", "4 Application", "Deals and ownership"
    }  # fmt: skip


def test_a_company_with_its_subsidiaries_takes_events_of_what_it_owned_then(
    client: FlaskClient,
) -> None:
    alone = {e["id"] for e in export_document(client, "?company=google")["events"]}
    events = export_document(client, "?company=google&include_subsidiaries=true")["events"]
    extra = [e for e in events if e["id"] not in alone]
    assert {e["id"] for e in events} > alone
    deepmind = {e["id"]: e for e in export_document(client, "?company=deepmind")["events"]}
    # DeepMind's own events from the day Google bought it (2014-01-26), none from before.
    assert {e["id"] for e in extra} == {
        i for i, e in deepmind.items() if e["occurred_on"] >= "2014-01-26" and i not in alone
    }
    assert all(e["occurred_on"] >= "2014-01-26" for e in extra)
    assert any(e["occurred_on"] < "2014" for e in deepmind.values())  # its founding is left out


def test_every_read_has_an_etag_and_a_matching_if_none_match_is_a_304(
    client: FlaskClient, token: str
) -> None:
    for url in ("/", "/timeline", "/companies/nvidia", "/trends", "/feed.atom",
                f"{API}/stack", f"{API}/events", f"{API}/export", f"{API}/companies/nvidia/stack"):  # fmt: skip
        first = client.get(url)
        assert first.status_code == 200, url
        tag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304, url
        assert again.get_data() == b"" and again.headers["ETag"] == tag
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200

    tag = client.get(f"{API}/stack").headers["ETag"]
    assert post_event(client, token, company_registered("newco")).status_code == 201
    changed = client.get(f"{API}/stack", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag  # the log grew


def test_an_etag_differs_by_url_and_viewer_and_forms_are_never_tagged(
    client: FlaskClient,
) -> None:
    anonymous = client.get("/timeline").headers["ETag"]
    assert client.get("/timeline?layer=model").headers["ETag"] != anonymous
    login(client)
    signed_in = client.get("/timeline")
    assert signed_in.headers["ETag"] != anonymous
    assert signed_in.headers["Cache-Control"] == "private, no-cache"
    assert client.get("/timeline", headers={"If-None-Match": anonymous}).status_code == 200
    for form in ("/events/new?type=company.registered", "/login"):
        assert "ETag" not in client.get(form).headers, form


def test_public_reads_allow_any_origin_and_writes_and_pages_do_not(
    client: FlaskClient, token: str
) -> None:
    for url in (f"{API}/stack", f"{API}/events?format=csv", "/feed.atom"):
        response = client.get(url, headers={"Origin": "https://notebook.example"})
        assert response.headers["Access-Control-Allow-Origin"] == "*", url
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    written = post_event(client, token, company_registered("corsco"))
    assert written.status_code == 201
    assert "Access-Control-Allow-Origin" not in written.headers
    assert "Access-Control-Allow-Origin" not in client.get("/timeline").headers


@pytest.fixture
def private_app(tmp_path: Any, seeded_template: Any) -> Flask:
    import shutil

    shutil.copyfile(seeded_template, tmp_path / "web.db")
    return make_app(tmp_path, PUBLIC_READ=False)


def test_when_reads_are_private_a_304_needs_the_token_and_no_origin_is_allowed(
    private_app: Flask,
) -> None:
    client = private_app.test_client()
    token = accounts.create_token(private_app.extensions["stackline.database"], "reader")
    answer = client.get(f"{API}/stack", headers=bearer(token))
    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert answer.headers["Cache-Control"] == "private, no-cache"
    tag = answer.headers["ETag"]
    assert client.get(f"{API}/stack", headers={"If-None-Match": tag}).status_code == 401
    again = client.get(f"{API}/stack", headers={**bearer(token), "If-None-Match": tag})
    assert again.status_code == 304
    private_app.extensions["stackline.database"].dispose()


def test_exports_past_the_limit_are_a_429_with_retry_after(
    tmp_path: Any, seeded_template: Any
) -> None:
    import shutil

    shutil.copyfile(seeded_template, tmp_path / "web.db")
    app = make_app(tmp_path, MAX_EXPORTS=2)
    client = app.test_client()
    streaming = [client.get(f"{API}/export", buffered=False) for _ in range(2)]
    assert [r.status_code for r in streaming] == [200, 200]

    refused = client.get(f"{API}/export?format=csv")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "5"
    assert refused.get_json()["error"] == "too_many_exports"
    assert client.get(f"{API}/stack").status_code == 200  # other reads go on

    streaming[1].close()  # the server is done with one (the test client closes last first)
    again = client.get(f"{API}/export?format=csv")
    assert again.status_code == 200 and again.get_data(as_text=True).startswith("seq,")
    streaming[0].close()
    app.extensions["stackline.database"].dispose()
