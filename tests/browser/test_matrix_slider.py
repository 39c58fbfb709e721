"""The matrix's date slider: with JavaScript it jumps on release; without, "Go" does the same."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.browser.conftest import Browsing

if TYPE_CHECKING:
    from playwright.sync_api import Page

START = "2026-11-01"


def slider_days(page: Page) -> list[str]:
    days = page.locator("#at").get_attribute("data-days")
    assert days, "the slider lists no days"
    return days.split(",")


def shown_day(page: Page) -> str:
    day = page.locator("h1 time").get_attribute("datetime")
    assert day
    return day


def matrix_rows(page: Page) -> list[str]:
    return [
        " ".join(row.split()) for row in page.locator("table.matrix tbody tr").all_inner_texts()
    ]


def wait_for_as_of(page: Page, day: str) -> None:
    page.wait_for_url(re.compile(r"/\?as_of=" + re.escape(day) + r"(&|$)"))


def test_moving_the_slider_shows_the_matrix_as_of_the_chosen_event_day(
    browsing: Browsing,
) -> None:
    page = browsing.page().page
    page.goto(f"/?as_of={START}")
    days = slider_days(page)
    slider = page.locator("#at")
    before = matrix_rows(page)
    assert int(slider.input_value()) == max(i for i, d in enumerate(days) if d <= START)

    slider.focus()
    page.keyboard.press("Home")
    wait_for_as_of(page, days[0])
    assert shown_day(page) == days[0]
    assert page.locator("#at").input_value() == "0"
    assert page.locator("#at-day").inner_text() == days[0]
    earliest = matrix_rows(page)
    assert earliest != before
    assert len(earliest) < len(before)

    page.locator("#at").focus()
    page.keyboard.press("ArrowRight")
    wait_for_as_of(page, days[1])
    assert shown_day(page) == days[1]

    middle = len(days) // 2
    page.locator("#at").fill(str(middle))  # sets the value and fires input and change
    wait_for_as_of(page, days[middle])
    assert shown_day(page) == days[middle]
    assert page.locator("#at").input_value() == str(middle)
    assert matrix_rows(page) not in (before, earliest)


def test_without_javascript_the_slider_moves_on_go(browsing: Browsing) -> None:
    page = browsing.page(javascript=False).page
    page.goto(f"/?as_of={START}")
    days = slider_days(page)
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

    assert page.url == browsing.server_url(f"/?as_of={days[2]}")
    assert shown_day(page) == days[2]
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
