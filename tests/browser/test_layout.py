"""Layout defects a reader sees: what the screenshots showed, pinned down as checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import PAGE_TIMEOUT_MS, Browsing, Server, running_server


def test_the_forms_payload_fields_are_stacked_in_one_column(browsing: Browsing) -> None:
    page = browsing.page(editor=True).page
    page.goto("/events/new?type=partnership.formed")
    lefts = page.locator("fieldset.payload > .field.depth-0").evaluate_all(
        "all => all.map(e => Math.round(e.getBoundingClientRect().left))"
    )
    assert len(lefts) >= 4
    assert len(set(lefts)) == 1, f"payload fields start at {sorted(set(lefts))} px"


CLOCK = "2026-06-30T12:00:00Z"  # the server's today: the chart spans 2026, whatever the date


@pytest.fixture(scope="module")
def clocked_server(tmp_path_factory: pytest.TempPathFactory, server: Server) -> Iterator[Server]:
    """A server whose today is fixed, holding a company whose whole history lies in its year
    (`server` first: it checks for Chromium)."""
    with running_server(tmp_path_factory.mktemp("stackline-clocked"), clock=CLOCK) as running:
        day = f"{CLOCK[:4]}-01-01"
        events = [
            {
                "type": "company.registered",
                "occurred_on": day,
                "summary": "Newco is founded",
                "sources": [{"title": "Browser tests"}],
                "payload": {"company": "newco", "name": "Newco"},
            },
            {
                "type": "product.launched",
                "occurred_on": day,
                "summary": "Newco launches Newchat",
                "sources": [{"title": "Browser tests"}],
                "payload": {"company": "newco", "product": "Newchat", "status": "available"},
            },
        ]
        path = running.directory / "newco.json"
        path.write_text(json.dumps(events), encoding="utf-8")
        running.cli("import", str(path), "--as", "browser-tests")
        yield running


def test_the_layers_over_time_chart_always_labels_its_time_axis(
    clocked_server: Server, browser: Any
) -> None:
    context = browser.new_context(base_url=clocked_server.base_url)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/companies/newco")
        assert page.locator("svg.chart rect.bar").count() >= 1
        assert page.locator("svg.chart text.tick-label").count() >= 1, "the time axis has no label"
    finally:
        context.close()
