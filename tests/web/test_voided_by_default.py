"""One default for voided events (DESIGN §9.5): the timeline page, CSV and TimelineJS leave them
out unless `include_voided`, like `/api/v1/events`; the JSON export stays the whole log. The
README's pandas recipe is run on a CSV holding a correction and a retraction."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any
from uuid import uuid4

import pandas as pd
from flask.testing import FlaskClient

from tests.web.api_support import API, export_document, post_event

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_recipe() -> str:
    """The line of the README's notebook recipe that sums the deals by type."""
    block = README.read_text(encoding="utf-8").split("import pandas as pd", 1)[1].split("```")[0]
    [line] = [line for line in block.splitlines() if line.startswith("deals = ")]
    return line.removeprefix("deals = ")


def _with_amounts(client: FlaskClient) -> list[dict[str, Any]]:
    return [
        e
        for e in export_document(client, "?include_voided=false")["events"]
        if (e["payload"].get("amount") or {}).get("currency", "USD") == "USD"
        and "amount" in (e["payload"].get("amount") or {})
    ]


def _correct_and_retract(client: FlaskClient, token: str) -> tuple[str, str, str, str]:
    """Correct one dated deal's amount and retract another's: (corrected, correction,
    retracted, retraction) ids."""
    first, second = _with_amounts(client)[:2]
    correction = {
        k: first[k] for k in ("type", "occurred_on", "summary", "sources", "payload", "confidence")
    }
    correction["payload"] = {
        **first["payload"],
        "amount": {
            **first["payload"]["amount"],
            "amount": first["payload"]["amount"]["amount"] * 2,
        },
    }
    correction.update(id=str(uuid4()), supersedes=first["id"])
    assert post_event(client, token, correction).status_code == 201
    retraction = {
        "id": str(uuid4()),
        "type": "event.retracted",
        "occurred_on": "2026-01-01",
        "summary": "Retracted: no source supports this deal",
        "sources": [{"title": "Editor's check"}],
        "payload": {"event": second["id"], "reason": "no source supports it"},
    }
    assert post_event(client, token, retraction).status_code == 201, retraction
    return first["id"], correction["id"], second["id"], retraction["id"]


def _csv(client: FlaskClient, query: str = "") -> pd.DataFrame:
    response = client.get(f"{API}/export?format=csv{query}")
    assert response.status_code == 200
    return pd.read_csv(io.BytesIO(response.get_data()), parse_dates=["effective_on"])


def test_the_readme_recipe_counts_each_live_dollar_once(client: FlaskClient, token: str) -> None:
    corrected, correction, retracted, retraction = _correct_and_retract(client, token)
    events = _csv(client)
    assert corrected not in set(events.id) and retracted not in set(events.id)
    assert {correction, retraction} <= set(events.id)  # a retraction stays listed: no amount
    deals = eval(_readme_recipe(), {"events": events})

    live = client.get(f"{API}/events?limit=1000").get_json()["events"]
    expected: dict[str, float] = {}
    for event in live:
        amount = event["payload"].get("amount") or {}
        if "amount" in amount and amount.get("currency", "USD") == "USD":
            expected[event["type"]] = expected.get(event["type"], 0) + amount["amount"]
    assert {k: float(v) for k, v in deals.items()} == expected

    everything = eval(_readme_recipe(), {"events": _csv(client, "&include_voided=true")})
    assert everything.sum() > deals.sum()  # the voided amounts are there when asked for


def test_the_timeline_page_leaves_voided_events_out_unless_asked(
    client: FlaskClient, token: str
) -> None:
    corrected, correction, _, _ = _correct_and_retract(client, token)
    day = client.get(f"{API}/events/{corrected}").get_json()["occurred_on"]
    page = client.get(f"/timeline?from={day}&to={day}").get_data(as_text=True)
    links = set(re.findall(r'/events/([0-9a-f-]{36})"', page))
    shown_total = int(re.search(r"(\d+) events? match", page)[1])
    live = client.get(f"{API}/events?from={day}&to={day}&limit=1000").get_json()["events"]
    assert shown_total == len(live)
    assert corrected not in links and correction in links
    every = client.get(f"/timeline?from={day}&to={day}&include_voided=1").get_data(as_text=True)
    assert int(re.search(r"(\d+) events? match", every)[1]) == len(live) + 1
    assert corrected in set(re.findall(r'/events/([0-9a-f-]{36})"', every))
    # The page's export links carry what the page shows.
    assert "include_voided=true" in every.split('id="export-csv"', 1)[1].split(">", 1)[0]
    assert "include_voided=false" in page.split('id="export-json"', 1)[1].split(">", 1)[0]


def test_the_json_export_stays_the_whole_log_with_voided_events_marked(
    client: FlaskClient, token: str
) -> None:
    corrected, correction, retracted, retraction = _correct_and_retract(client, token)
    document = export_document(client)
    by_id = {e["id"]: e for e in document["events"]}
    assert by_id[corrected]["voided_by"] == correction
    assert by_id[retracted]["voided_by"] == retraction
    assert document["count"] == len(document["events"])
    timelinejs = json.loads(client.get(f"{API}/export?format=timelinejs").get_data())
    slides = {slide["unique_id"] for slide in timelinejs["events"]}
    assert not slides & {corrected, retracted, retraction}
