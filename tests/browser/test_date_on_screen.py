"""The date on screen is the date used (issue #22 item 1): after any step in time — previous or
next event, the month slider — every date box and hidden date field holds the day shown, so a
following Compare or Show uses it; a company page steps through its own change days."""

from __future__ import annotations

import json
import urllib.request
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tests.browser.conftest import Browsing
from tests.browser.test_matrix_slider import first_month, month_end, shown_day, wait_for_as_of

if TYPE_CHECKING:
    from playwright.sync_api import Page


def date_fields(page: Page) -> list[str]:
    """The value of every input named as_of on the page (boxes and hidden fields)."""
    return page.eval_on_selector_all("input[name=as_of]", "inputs => inputs.map(i => i.value)")


def test_stepping_on_the_matrix_moves_every_date_field_and_compare_uses_the_day_shown(
    browsing: Browsing,
) -> None:
    page = browsing.page().page
    page.goto("/?as_of=2016-05-18")
    page.locator("a[data-step][rel=prev]").click()
    page.wait_for_function("() => !location.search.includes('2016-05-18')")
    day = shown_day(page)
    wait_for_as_of(page, day)
    assert day < "2016-05-18"
    assert date_fields(page) and set(date_fields(page)) == {day}
    page.fill("#compare", "2010-01-01")
    page.locator("#compare").press("Enter")
    page.wait_for_url(f"**/?as_of={day}&compare=2010-01-01")

    page.goto("/?as_of=2026-11-01")
    slider = page.locator("#at")
    first = first_month(page)
    slider.focus()
    page.keyboard.press("Home")
    wait_for_as_of(page, month_end(first, 0))
    assert set(date_fields(page)) == {month_end(first, 0)}


def company_change(server_url: str, slug: str, day: str, next_day: str) -> bool:
    """Whether the company's stack document differs between two days (from the API)."""

    def stack(on: str) -> dict:
        with urllib.request.urlopen(server_url(f"/api/v1/companies/{slug}/stack?as_of={on}")) as r:
            answer = json.load(r)
        return {k: answer[k] for k in ("company", "layers")}

    return stack(day) != stack(next_day)


def test_a_company_steps_through_its_own_change_days_and_show_keeps_the_day(
    browsing: Browsing,
) -> None:
    page = browsing.page().page
    page.goto("/companies/google?as_of=2023-01-01")
    seen = []
    for _ in range(3):
        page.locator("a[data-step][rel=next]").click()
        page.wait_for_function(
            "(before) => new URLSearchParams(location.search).get('as_of') !== before",
            arg=seen[-1] if seen else "2023-01-01",
        )
        day = shown_day(page)
        wait_for_as_of(page, day)
        assert page.locator("#as_of").input_value() == day
        seen.append(day)
        the_day_before = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
        assert company_change(browsing.server_url, "google", the_day_before, day), day
        if page.locator("a[data-step][rel=next]").count() == 0:
            break
    page.locator("#company-heading").wait_for()
    page.locator("button", has_text="Show").click()
    page.wait_for_url(f"**as_of={seen[-1]}**")
    assert shown_day(page) == seen[-1]


def test_a_company_page_says_when_its_day_is_in_the_future(browsing: Browsing) -> None:
    page = browsing.page(javascript=False).page
    page.goto("/companies/google?as_of=2029-05-01")
    assert "is in the future" in page.locator("#company-lede").inner_text()
    page.goto("/companies/google?as_of=2024-05-01")
    assert "is in the future" not in page.locator("#company-lede").inner_text()
