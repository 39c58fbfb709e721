"""Exporting the filtered timeline from /timeline as a JSON download."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import Browsing, RecordedEvent


def test_the_json_export_button_downloads_the_filtered_events(
    openai_model_release: RecordedEvent, browsing: Browsing, tmp_path: Path
) -> None:
    page = browsing.page().page
    page.goto("/timeline")
    page.get_by_label("Company").select_option("openai")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert parse_qs(urlsplit(page.url).query).get("company") == ["openai"]
    export = page.get_by_role("link", name="JSON", exact=True)
    assert parse_qs(urlsplit(export.get_attribute("href") or "").query) == {
        "company": ["openai"],
        "include_voided": ["false"],  # what the page shows: live events
    }

    with page.expect_download() as download_info:
        export.click()
    download = download_info.value
    assert download.failure() is None
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert saved.suffix == ".json"
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["format"] == "stackline-timeline"
    assert document["format_version"] == 1
    assert document["count"] == len(document["events"])
    by_id = {event["id"]: event for event in document["events"]}
    assert openai_model_release.event_id in by_id
    ours = by_id[openai_model_release.event_id]
    assert ours["type"] == "model.released"
    assert ours["occurred_on"] == "2025-03-10"
    assert ours["summary"] == openai_model_release.summary
    assert ours["payload"]["company"] == "openai"
    assert ours["payload"]["model"] == openai_model_release.asset
    seqs = [event["seq"] for event in document["events"]]
    assert seqs == sorted(seqs)
    # The filter holds: every exported event names OpenAI somewhere in its payload.
    assert all("openai" in json.dumps(event["payload"]) for event in document["events"])
    # The page counts the same events as the file holds.
    lede = page.locator("p.lede").inner_text()
    assert lede.startswith(f"{len(document['events'])} events match"), lede
