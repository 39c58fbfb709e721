"""The CLI, the pages and the API read the same filter the same way (`--from 2024` included).

One seeded database; for each filter, `stackline export`, `GET /api/v1/export`, `GET
/api/v1/events` and the `/timeline` page must list the same events, and the two exports must
record the same filter. A bad value is refused by all three, naming the parameter.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from stackline.cli import main

FILTERS: list[dict[str, str]] = [
    {"from": "2024"},
    {"to": "2016"},
    {"from": "2024", "to": "2024"},
    {"from": "2023-H2", "to": "2024-Q1"},
    {"from": "2026-06-16", "to": "2026-06"},
    {"type": "chip.launched,model.released"},
    {"company": "openai", "from": "2025"},
    {"layer": "compute"},
    {"q": "Colossus"},
]
OPTION = {"from": "--from", "to": "--to", "type": "--type", "company": "--company",
          "layer": "--layer", "q": "--query"}  # fmt: skip
EVENT_LINK = re.compile(r'href="/events/([0-9a-f-]{36})"')
NEXT_LINK = re.compile(r'<a href="([^"]*)" rel="next">Next page</a>')


def cli_export(app: Flask, tmp_path: Path, chosen: dict[str, str]) -> Any:
    options = [part for key, value in chosen.items() for part in (OPTION[key], value)]
    url = app.config["DATABASE_URL"]
    result = CliRunner().invoke(main, ["export", *options], env={"STACKLINE_DATABASE_URL": url})
    return result


def api_export(client: FlaskClient, chosen: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/v1/export?" + urlencode(chosen))
    assert response.status_code == 200, response.get_data(as_text=True)
    document: dict[str, Any] = json.loads(response.get_data())
    return document


def timeline_ids(client: FlaskClient, chosen: dict[str, str]) -> list[str]:
    """The events the timeline lists for the filter, following its next links to the end."""
    ids: list[str] = []
    href: str | None = "?" + urlencode({**chosen, "include_voided": "1"})
    while href is not None:
        response = client.get("/timeline" + href)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        ids += [i for i in EVENT_LINK.findall(page) if i in page.split("<table", 1)[-1]]
        found = NEXT_LINK.search(page)
        href = html.unescape(found.group(1)) if found else None
    return ids


@pytest.mark.parametrize("chosen", FILTERS, ids=lambda f: urlencode(f))
def test_the_cli_the_api_and_the_timeline_list_the_same_events(
    chosen: dict[str, str], app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    from_api = api_export(client, chosen)
    result = cli_export(app, tmp_path, chosen)
    assert result.exit_code == 0, result.output
    from_cli = json.loads(result.stdout)
    assert from_cli["filters"] == from_api["filters"]
    ids = [e["id"] for e in from_api["events"]]
    assert [e["id"] for e in from_cli["events"]] == ids
    listed = client.get("/api/v1/events?" + urlencode({**chosen, "include_voided": "true",
                                                        "limit": "1000"})).get_json()  # fmt: skip
    assert [e["id"] for e in listed["events"]] == ids
    # The timeline also links each voided event to the event that voided it.
    voiders = {e["voided_by"] for e in listed["events"] if e.get("voided_by")}
    assert set(ids) <= set(timeline_ids(client, chosen)) <= set(ids) | voiders


def test_from_2024_means_the_first_day_of_2024_everywhere(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    from_api = api_export(client, {"from": "2024", "to": "2024-H1"})
    from_cli = json.loads(cli_export(app, tmp_path, {"from": "2024", "to": "2024-H1"}).stdout)
    for document in (from_api, from_cli):
        assert (document["filters"]["from"], document["filters"]["to"]) == (
            "2024-01-01",
            "2024-06-30",
        )


@pytest.mark.parametrize("key,value", [("from", "2024-13"), ("to", "yesterday"),
                                       ("type", "chip.launch"), ("layer", "chips")])  # fmt: skip
def test_a_bad_value_is_refused_by_all_three_naming_it(
    key: str, value: str, app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    api = client.get("/api/v1/export?" + urlencode({key: value}))
    assert api.status_code == 400 and key in {d["field"] for d in api.get_json()["details"]}
    page = client.get("/timeline?" + urlencode({key: value}))
    assert page.status_code == 400 and key in page.get_data(as_text=True)
    result = cli_export(app, tmp_path, {key: value})
    assert result.exit_code != 0 and key in result.output
