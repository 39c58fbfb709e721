"""/trends in a real browser: the chart names leaders and links rows to companies; on the company
page the previous/next event steps work from the keyboard, and with JavaScript they swap the page
in place (no reload, focus kept); without JavaScript they are plain links. No console errors and
no CSP violations anywhere on the way."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from tests.browser.conftest import Browsing


def shown_day(page: Any) -> str:
    day = page.locator("h1 time").get_attribute("datetime")
    assert day
    return str(day)


def wait_for_day(page: Any, test: Callable[[str], bool], seconds: float = 10.0) -> str:
    """The day shown, once `test` holds for it (the page's CSP forbids evaluated predicates)."""
    deadline = time.monotonic() + seconds
    while True:
        day = shown_day(page)
        if test(day) or time.monotonic() > deadline:
            return day
        page.wait_for_timeout(50)


def test_trends_leads_to_a_company_whose_events_the_keyboard_steps_through(
    browsing: Browsing,
) -> None:
    watched = browsing.page()
    page = watched.page
    page.goto("/trends")
    assert page.locator("svg.trend-chart a.trend-row").count() >= 5
    leaders = page.locator("svg.trend-chart a.leader")
    assert leaders.count() >= 1
    assert page.locator("ol.leaders li").count() == leaders.count()
    first_row = page.locator("svg.trend-chart a.trend-row").first
    target = first_row.get_attribute("href") or ""
    assert target.startswith("/companies/")

    first_row.click()
    page.wait_for_url(re.compile(re.escape(target.split("?")[0])))
    start = shown_day(page)
    page.evaluate("window.__notReloaded = true")

    previous = page.locator("[data-time-steps] a[rel=prev]")
    days = [start]
    for _ in range(2):
        previous.focus()
        page.keyboard.press("Enter")
        days.append(wait_for_day(page, lambda day, last=days[-1]: day < last))
        assert days[-1] < days[-2]
        assert f"as_of={days[-1]}" in page.url
        assert page.evaluate("window.__notReloaded === true"), "the step reloaded the page"
        assert page.evaluate("document.activeElement.getAttribute('rel')") == "prev"

    following = page.locator("[data-time-steps] a[rel=next]")
    following.focus()
    page.keyboard.press("Enter")
    assert (
        wait_for_day(page, lambda day: day > days[-1]) == days[1]
    )  # the next event after the day before is the day after
    assert page.evaluate("window.__notReloaded === true")
    # The last step has no "next" link any more: focus moves to the step that is left.
    assert page.evaluate("document.activeElement.closest('[data-time-steps]') !== null")

    assert watched.console_errors == [] and watched.page_errors == []
    assert watched.csp_violations() == []


def test_without_javascript_the_steps_are_links_and_the_chart_is_still_there(
    browsing: Browsing,
) -> None:
    page = browsing.page(javascript=False).page
    page.goto("/trends?from=2020")
    assert page.locator("svg.trend-chart path.owned").count() >= 1
    page.goto("/?as_of=2024-01-01")
    next_link = page.locator("[data-time-steps] a[rel=next]")
    with page.expect_navigation():
        next_link.click()
    assert shown_day(page) > "2024-01-01"


def test_the_matrix_compares_two_days_and_pages_in_the_browser(browsing: Browsing) -> None:
    watched = browsing.page()
    page = watched.page
    page.goto("/?as_of=2026-06-01&compare=2023-01-01&per_page=3")
    assert page.locator("table.matrix tbody tr").count() == 3
    assert page.locator("td.cell-changed").count() >= 1
    assert page.locator("#between-heading").count() == 1
    with page.expect_navigation():
        page.locator("nav.pager a[rel=next]").click()
    assert "page=2" in page.url and "compare=2023-01-01" in page.url
    assert watched.console_errors == [] and watched.csp_violations() == []


def test_every_leader_label_is_whole_and_fits_its_band(browsing: Browsing) -> None:
    page = browsing.page().page
    for path in ("/trends", "/trends?from=1990"):
        page.goto(path)
        bands = page.locator("svg.trend-chart a.leader").evaluate_all(
            """all => all.map(a => {
              const text = a.querySelector("text.leader-text"), band = a.querySelector("rect");
              return [text ? text.textContent : "", text ? text.getBBox().width : 0,
                      band.getBBox().width];
            })"""
        )
        listed = page.locator("ol.leaders li").evaluate_all(
            "all => all.map(li => [...li.querySelectorAll('a')].map(a => a.textContent).join(', '))"
        )
        assert len(bands) == len(listed) >= 3
        for number, ((text, width, room), names) in enumerate(zip(bands, listed, strict=True), 1):
            assert text in ("", str(number), names), (path, number, text, names)
            assert width <= room, (path, text, width, room)  # drawn inside its band
        assert any(text == names for (text, _, _), names in zip(bands, listed, strict=True))
