"""The supply-chain graph in a real browser: an edge that starts between two days shows only on
the later one, the previous/next steps move through event days, and nothing logs an error."""

from __future__ import annotations

from tests.browser.conftest import Browsing

FINE_TUNE = "path.edge-fine_tuned_from"


def test_an_edge_appears_on_the_day_it_starts_and_not_before(browsing: Browsing) -> None:
    watched = browsing.page()
    page = watched.page
    composer = page.locator(FINE_TUNE, has_text="Composer 2.5 is fine-tuned from Kimi K2.5")
    page.goto("/graph?as_of=2026-04-30&company=Anysphere")
    assert page.locator(FINE_TUNE).count() >= 1  # Composer 2 is built on Kimi K2.5 already
    assert composer.count() == 0  # Composer 2.5 is released in May 2026
    page.goto("/graph?as_of=2026-05-01&company=Anysphere")
    assert composer.count() == 1
    rows = page.locator("table.graph-edges tr", has_text="is fine-tuned from")
    assert rows.filter(has_text="Composer 2.5").filter(has_text="Kimi K2.5").count() == 1
    assert watched.console_errors == [] and watched.page_errors == []
    assert watched.csp_violations() == []


def test_the_steps_move_to_the_previous_and_next_event_days(browsing: Browsing) -> None:
    page = browsing.page().page
    page.goto("/graph?as_of=2026-06-01")
    page.get_by_role("link", name="Next event").click()
    later = page.locator("h1 time").get_attribute("datetime") or ""
    assert later > "2026-06-01"
    page.get_by_role("link", name="Previous event").click()
    assert (page.locator("h1 time").get_attribute("datetime") or "") < later


def test_asset_boxes_link_to_their_company_and_labels_do_not_overlap(browsing: Browsing) -> None:
    page = browsing.page().page
    page.goto("/graph?as_of=2026-07-01&company=openai")
    boxes = page.locator("a.graph-asset rect").evaluate_all(
        "rs => rs.map(r => { const b = r.getBBox(); return [b.x, b.y, b.width, b.height]; })"
    )
    for index, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[index + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
    href = page.locator("a.graph-asset").first.get_attribute("href") or ""
    assert href.startswith("/companies/")
