"""The recording form's helpers in a real browser: a new company's slug proposed from its name
(and left alone once typed), and a company picker that filters registered companies as you type."""

from __future__ import annotations

from tests.browser.conftest import Browsing


def test_the_slug_is_proposed_from_the_name_until_the_editor_types_one(browsing: Browsing) -> None:
    watched = browsing.page(editor=True)
    page = watched.page
    page.goto("/events/new?type=company.registered")
    slug = page.locator("#f-payload-company")

    page.locator("#f-payload-name").press_sequentially("Ünö Robotics & Co.")
    assert slug.input_value() == "uno-robotics-co"

    slug.fill("uno")
    page.locator("#f-payload-name").press_sequentially(" Ltd")
    assert slug.input_value() == "uno"  # the editor's own slug stays
    assert watched.console_errors == [] and watched.page_errors == []


def test_a_company_picker_offers_the_registered_companies(browsing: Browsing) -> None:
    page = browsing.page(editor=True).page
    page.goto("/events/new?type=model.released")
    picker = page.locator("#f-payload-company")

    assert picker.get_attribute("list") == "company-choices"
    offered = page.locator("#company-choices option").evaluate_all(
        "options => options.map(o => [o.value, o.textContent])"
    )
    assert ["nvidia", "Nvidia (nvidia)"] in offered


def test_a_list_of_companies_narrows_as_you_type_and_keeps_the_chosen(browsing: Browsing) -> None:
    page = browsing.page(editor=True).page
    page.goto("/events/new?type=partnership.formed")
    parties = page.locator("#f-payload-parties")
    parties.select_option(["nvidia"])
    page.get_by_label("Filter the companies listed below").fill("open")

    shown = parties.locator("option").evaluate_all(
        "options => options.filter(o => !o.hidden).map(o => o.value)"
    )
    assert "openai" in shown and "nvidia" in shown  # matching, and already chosen
    assert "google" not in shown
