"""Layout defects a reader sees: what the screenshots showed, pinned down as checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.browser.conftest import Browsing, Server


def test_the_forms_payload_fields_are_stacked_in_one_column(browsing: Browsing) -> None:
    page = browsing.page(editor=True).page
    page.goto("/events/new?type=partnership.formed")
    lefts = page.locator("fieldset.payload > .field.depth-0").evaluate_all(
        "all => all.map(e => Math.round(e.getBoundingClientRect().left))"
    )
    assert len(lefts) >= 4
    assert len(set(lefts)) == 1, f"payload fields start at {sorted(set(lefts))} px"


@pytest.fixture(scope="module")
def company_of_this_year(server: Server) -> str:
    """A company whose whole history lies in the current year (the chart spans one year)."""
    today = datetime.now(UTC).date()
    if (today.month, today.day) == (12, 31):
        pytest.skip("on 31 December the chart's span reaches into the next year")
    day = f"{today.year}-01-01"
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
    path = server.directory / "newco.json"
    path.write_text(json.dumps(events), encoding="utf-8")
    server.cli("import", str(path), "--as", "browser-tests")
    return "newco"


def test_the_layers_over_time_chart_always_labels_its_time_axis(
    company_of_this_year: str, browsing: Browsing
) -> None:
    page = browsing.page().page
    page.goto(f"/companies/{company_of_this_year}")
    assert page.locator("svg.chart rect.bar").count() >= 1
    assert page.locator("svg.chart text.tick-label").count() >= 1, "the time axis has no label"
