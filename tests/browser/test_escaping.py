"""Script in names and summaries shows as text everywhere, and no dialog ever opens.

The company comes in through `stackline import` (registering through the form is covered in
test_login_and_recording.py); the events naming it are then recorded through the form.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import (
    Browsing,
    Server,
    Watched,
    fill_event_form,
    submit_event_form,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

SLUG = "xss-corp"
NAME = "<script>alert(1)</script><img src=x onerror=alert(1)> Corp"
SUMMARY = "Launch <img src=x onerror=alert(1)><script>alert(1)</script> by the XSS corp"
PRODUCT = "<img src=x onerror=alert(1)>"
DETAILS = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
SOURCE = "</title><script>alert(1)</script>"


@pytest.fixture(scope="module")
def hostile_company(server: Server) -> str:
    """`xss-corp`, whose name is markup, registered through `stackline import`."""
    registration = [
        {
            "type": "company.registered",
            "occurred_on": "2019-05-05",
            "summary": f"{NAME} is founded",
            "sources": [{"title": SOURCE}],
            "payload": {"company": SLUG, "name": NAME},
        }
    ]
    path = server.directory / "hostile-company.json"
    path.write_text(json.dumps(registration), encoding="utf-8")
    server.cli("import", str(path), "--as", "browser-tests")
    return SLUG


def assert_nothing_injected(watched: Watched) -> None:
    page = watched.page
    assert page.locator('img[src="x"]').count() == 0, "an <img> from the payload reached the DOM"
    sources = page.locator("script").evaluate_all("all => all.map(s => s.getAttribute('src'))")
    assert sources == ["/static/app.js"], f"unexpected scripts: {sources}"
    assert watched.dialogs == []
    assert watched.page_errors == []


def visit(watched: Watched, path: str) -> Page:
    response = watched.page.goto(path)
    assert response is not None and response.ok, (path, response and response.status)
    assert_nothing_injected(watched)
    return watched.page


def test_markup_in_names_and_summaries_renders_as_text_on_every_page(
    hostile_company: str, browsing: Browsing
) -> None:
    editor = browsing.page(editor=True)
    page = visit(editor, "/events/new?type=product.launched")
    option = page.locator(f'#company-choices option[value="{SLUG}"]')
    assert option.text_content() == f"{NAME} ({SLUG})"
    fill_event_form(
        page,
        occurred_on="2024-06-01",
        summary=SUMMARY,
        details=DETAILS,
        source_title=SOURCE,
        payload={"company": SLUG, "product": PRODUCT, "status": "available"},
    )
    event_id = submit_event_form(page)
    assert_nothing_injected(editor)
    assert page.locator("main h1").inner_text() == SUMMARY
    assert page.title() == f"{SUMMARY} · Stackline"
    fields = page.locator("dl.fields")
    assert fields.locator("dd.prose").inner_text() == DETAILS
    assert fields.locator("ul.sources li").inner_text() == SOURCE
    assert fields.get_by_role("link", name=NAME, exact=True).count() == 1
    assert PRODUCT in fields.inner_text()

    reader = browsing.page()
    page = visit(reader, "/?as_of=2025-01-01")
    assert page.locator("table.matrix").get_by_role("link", name=NAME, exact=True).count() == 1

    page = visit(reader, f"/companies/{SLUG}?as_of=2025-01-01&compare=2024-01-01")
    assert page.locator("main h1").inner_text().startswith(NAME)
    assert page.title() == f"{NAME} as of 2025-01-01 · Stackline"
    assets = page.locator('section[aria-label="Application layer"] .asset').all_inner_texts()
    assert assets == [PRODUCT]
    assert page.locator("ul.diff-added").inner_text().count(PRODUCT) == 1
    assert page.get_by_role("link", name=SUMMARY, exact=True).count() >= 1
    assert page.locator("svg.chart").count() == 1

    page = visit(reader, f"/timeline?company={SLUG}")
    assert page.get_by_role("link", name=SUMMARY, exact=True).count() == 1
    assert page.get_by_role("link", name=f"{NAME} is founded", exact=True).count() == 1
    assert page.locator(f'#company option[value="{SLUG}"]').inner_text() == NAME

    page = visit(reader, f"/events/{event_id}")
    assert page.locator("main h1").inner_text() == SUMMARY

    assert reader.dialogs == editor.dialogs == []
    assert reader.csp_violations() == []


def test_markup_sent_back_in_a_refused_form_stays_inside_its_fields(
    hostile_company: str, browsing: Browsing
) -> None:
    editor = browsing.page(editor=True)
    page = visit(editor, "/events/new?type=product.launched")
    fill_event_form(
        page,
        occurred_on="not a date",
        summary=DETAILS,
        details=DETAILS,
        source_title=DETAILS,
        payload={"company": SLUG, "product": DETAILS, "status": "available"},
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Record event").click()

    assert page.locator(".error-summary").inner_text().startswith("Nothing was saved")
    assert_nothing_injected(editor)
    assert page.get_by_label("Summary").input_value() == DETAILS
    assert page.get_by_label("Details").input_value() == DETAILS
    assert page.get_by_label("Source title", exact=True).input_value() == DETAILS
    assert page.locator('[name="payload.product"]').input_value() == DETAILS
    assert page.get_by_label("Occurred on").get_attribute("aria-invalid") == "true"
