"""The matrix's month slider: with JavaScript it travels on release, in place, keeping focus on
the slider; without, "Go" does the same with a page load."""

from __future__ import annotations

import calendar
import re
import time
from datetime import date
from typing import TYPE_CHECKING

from tests.browser.conftest import Browsing

if TYPE_CHECKING:
    from playwright.sync_api import Page

START = "2026-11-01"


def first_month(page: Page) -> date:
    text = page.locator("#at").get_attribute("data-first-month")
    assert text, "the slider names no first month"
    year, month = (int(part) for part in text.split("-"))
    return date(year, month, 1)


def month_end(first: date, index: int) -> str:
    """The last day of the month `index` months after `first`."""
    months = first.month - 1 + index
    year, month = first.year + months // 12, months % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def shown_day(page: Page) -> str:
    day = page.locator("h1 time").get_attribute("datetime")
    assert day
    return day


def matrix_rows(page: Page) -> list[str]:
    return [
        " ".join(row.split()) for row in page.locator("table.matrix tbody tr").all_inner_texts()
    ]


def wait_for_as_of(page: Page, day: str, seconds: float = 10.0) -> None:
    """Until the address and the heading show `day` (JavaScript travels without a load)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if re.search(r"[?&]as_of=" + re.escape(day) + r"(&|$)", page.url) and (
            shown_day(page) == day
        ):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the page did not travel to {day}: {page.url}")


def test_moving_the_slider_shows_the_matrix_at_the_end_of_the_chosen_month(
    browsing: Browsing,
) -> None:
    watched = browsing.page()
    page = watched.page
    page.goto(f"/?as_of={START}")
    first = first_month(page)
    slider = page.locator("#at")
    before = matrix_rows(page)
    start = date.fromisoformat(START)
    assert int(slider.input_value()) == (start.year - first.year) * 12 + start.month - first.month
    page.evaluate("window.__notReloaded = true")

    slider.focus()
    page.keyboard.press("Home")
    wait_for_as_of(page, month_end(first, 0))
    assert page.locator("#at").input_value() == "0"
    assert page.locator("#at-month").inner_text() == first.strftime("%b %Y")
    earliest = matrix_rows(page)
    assert earliest != before
    assert len(earliest) < len(before)
    assert page.evaluate("document.activeElement.id") == "at"

    page.keyboard.press("ArrowRight")
    wait_for_as_of(page, month_end(first, 1))
    assert page.evaluate("document.activeElement.id") == "at"

    middle = int(page.locator("#at").get_attribute("max") or "0") // 2
    page.locator("#at").fill(str(middle))  # sets the value and fires input and change
    wait_for_as_of(page, month_end(first, middle))
    assert page.locator("#at").input_value() == str(middle)
    assert page.evaluate("window.__notReloaded === true"), "the slider reloaded the page"
    assert watched.console_errors == [] and watched.csp_violations() == []


def test_without_javascript_the_slider_moves_on_go(browsing: Browsing) -> None:
    page = browsing.page(javascript=False).page
    page.goto(f"/?as_of={START}")
    first = first_month(page)
    before = matrix_rows(page)

    slider = page.locator("#at")
    slider.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert slider.input_value() == "2"
    assert page.url == browsing.server_url(f"/?as_of={START}")  # nothing is sent yet

    with page.expect_navigation():
        page.locator(".slider-form").get_by_role("button", name="Go").click()

    assert page.url == browsing.server_url(f"/?as_of={month_end(first, 2)}")
    assert shown_day(page) == month_end(first, 2)
    assert page.locator("#at").input_value() == "2"
    assert matrix_rows(page) != before


def test_the_date_field_shows_the_matrix_as_of_a_typed_day(browsing: Browsing) -> None:
    page = browsing.page(javascript=False).page
    page.goto("/")
    page.get_by_label("Date", exact=True).fill("2010-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.url == browsing.server_url("/?as_of=2010-01-01")
    assert shown_day(page) == "2010-01-01"
