"""Signing in, recording events through the form, and what the stack shows afterwards."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.browser.conftest import (
    EDITOR_NAME,
    EDITOR_PASSWORD,
    Browsing,
    RecordedEvent,
    fill_event_form,
    login,
    submit_event_form,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page


def model_assets(page: Page) -> list[str]:
    return page.locator('section[aria-label="Model layer"] .asset').all_inner_texts()


def event_asset_listed(page: Page, event: RecordedEvent) -> bool:
    return event.asset in model_assets(page)


def test_an_editor_signs_in_through_the_login_page(browsing: Browsing) -> None:
    page = browsing.page().page
    page.goto("/login")
    page.get_by_label("Name").fill(EDITOR_NAME)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".flash").inner_text() == "Unknown name or wrong password."
    assert page.get_by_role("link", name="Record event").count() == 0

    login(page, EDITOR_NAME, EDITOR_PASSWORD)

    assert page.url == browsing.server_url("/")
    assert page.get_by_role("button", name=f"Sign out {EDITOR_NAME}").is_visible()
    assert page.get_by_role("link", name="Record event").is_visible()


def test_the_form_sends_an_anonymous_visitor_to_sign_in_and_back(browsing: Browsing) -> None:
    page = browsing.page().page
    page.goto("/events/new?type=model.released")
    assert page.url.startswith(browsing.server_url("/login?next="))

    login(page)

    assert page.url == browsing.server_url("/events/new?type=model.released")
    assert page.get_by_label("Type").input_value() == "model.released"


def test_a_model_release_recorded_through_the_form_lands_on_its_event_page(
    openai_model_release: RecordedEvent, browsing: Browsing
) -> None:
    event = openai_model_release
    assert event.landing_url == browsing.server_url(f"/events/{event.event_id}")
    assert event.landing_heading == event.summary
    assert event.landing_flash == "Event recorded."

    page = browsing.page().page
    page.goto(f"/events/{event.event_id}")
    fields = page.locator("dl.fields").inner_text()
    assert "2025-03-10" in fields
    assert event.asset in fields
    assert "Browser test notes" in fields
    assert f"by {EDITOR_NAME}" in fields


def test_the_model_release_form_needs_only_its_required_fields(
    openai_model_release: RecordedEvent,
) -> None:
    assert openai_model_release.blocked_by_browser == []


def test_the_company_page_shows_the_model_from_its_release_day_on(
    openai_model_release: RecordedEvent, browsing: Browsing
) -> None:
    page = browsing.page().page
    page.goto("/companies/openai?as_of=2025-03-10")
    assert event_asset_listed(page, openai_model_release)

    page.goto("/companies/openai?as_of=2025-03-09")
    assert page.locator("h1 time").get_attribute("datetime") == "2025-03-09"
    assert not event_asset_listed(page, openai_model_release)
    # The event is still listed among the company's events, whatever the day shown.
    assert page.get_by_role("link", name=openai_model_release.summary).count() == 1


def _count_events_with_summary(browsing: Browsing, summary: str) -> int:
    page = browsing.page().page
    page.goto(f"/timeline?q={summary}")
    lede = page.locator("p.lede").inner_text()
    match = re.match(r"(\d+) events? match", lede)
    assert match, lede
    return int(match.group(1))


def _fill_a_product_launch(page: Page, summary: str) -> None:
    page.goto("/events/new?type=product.launched")
    fill_event_form(
        page,
        occurred_on="2024-05-01",
        summary=summary,
        source_title="Double submit test",
        payload={"company": "anthropic", "product": summary, "status": "available"},
    )


def test_clicking_record_event_twice_quickly_records_one_event(browsing: Browsing) -> None:
    summary = "Doubleclick product with JavaScript"
    page = browsing.page(editor=True).page
    _fill_a_product_launch(page, summary)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    with page.expect_navigation():
        page.get_by_role("button", name="Record event").dblclick()

    assert re.search(r"/events/[0-9a-f-]{36}$", page.url), page.url
    assert len(posts) == 1, f"the form was posted {len(posts)} times: {posts}"
    assert _count_events_with_summary(browsing, summary) == 1


def test_the_same_form_posted_twice_without_javascript_records_one_event(
    browsing: Browsing,
) -> None:
    """Without JavaScript nothing stops a second post: the form's hidden id makes it harmless."""
    summary = "Resubmitted product without JavaScript"
    page = browsing.page(editor=True, javascript=False).page
    _fill_a_product_launch(page, summary)
    form = page.locator("form.event-form").evaluate("f => Object.fromEntries(new FormData(f))")
    assert re.fullmatch(r"[0-9a-f-]{36}", form["id"]), form

    first = page.request.post(browsing.server_url("/events/new"), form=form)
    second = page.request.post(browsing.server_url("/events/new"), form=form)

    assert first.ok and second.ok, (first.status, second.status)
    assert first.url == second.url == browsing.server_url(f"/events/{form['id']}")
    assert "Event recorded." in first.text()
    assert "This event was already recorded." in second.text()
    assert _count_events_with_summary(browsing, summary) == 1


def test_a_new_company_can_be_registered_through_the_form(browsing: Browsing) -> None:
    page = browsing.page(editor=True).page
    page.goto("/events/new?type=company.registered")
    slug_input = page.locator('[name="payload.company"]')
    assert slug_input.evaluate("e => e.tagName") == "INPUT", "the new company's slug is a picker"

    fill_event_form(
        page,
        occurred_on="2021-02-03",
        summary="Formco is founded",
        source_title="Browser test",
        payload={"company": "formco", "name": "Formco"},
    )
    submit_event_form(page)
    page.goto("/companies/formco?as_of=2022-01-01")
    assert page.locator("main h1").inner_text().startswith("Formco")
