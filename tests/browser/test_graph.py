"""The supply-chain graph in a real browser.

On the shared seed-only server: an edge that starts between two days shows only on the later one,
the previous/next steps move through event days, and nothing logs an error. On a server of its own
holding the seed and the bundled Epoch AI snapshot (as `stackline serve` starts by default), read
at 1280 and 390 px: nothing off the page, every column reachable in the drawing's frame, every cut
label whole a hover or a tap away, no line through a box, pages and sorting that work without
JavaScript, and names in the company box.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest

from tests.browser.conftest import PAGE_TIMEOUT_MS, Browsing, Server, running_server

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


WIDTHS = (1280, 390)
FROZEN_AT = "2026-11-15T12:00:00Z"  # after the bundled snapshot's date
Segment = tuple[tuple[float, float], tuple[float, float]]

# Everything the geometric checks need, read from the drawing in one call.
DRAWING = """() => {
  const svg = document.querySelector("svg.graph");
  if (!svg) return null;
  const box = (r) => [r.x.baseVal.value, r.y.baseVal.value, r.width.baseVal.value,
                      r.height.baseVal.value];
  return {
    width: svg.width.baseVal.value,
    shownWidth: svg.getBoundingClientRect().width,
    boxes: [...svg.querySelectorAll("a[data-node] > rect")].map(
      (r) => [r.parentElement.getAttribute("data-node"), box(r)]),
    edges: [...svg.querySelectorAll("path.edge")].map(
      (p) => [p.getAttribute("data-from"), p.getAttribute("data-to"), p.getAttribute("d")]),
  };
}"""


@pytest.fixture(scope="module")
def full_server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Server]:
    """A server of its own with the seed and the bundled datasets, its clock fixed."""
    directory = tmp_path_factory.mktemp("stackline-graph-datasets")
    with running_server(directory, clock=FROZEN_AT, datasets=True) as running:
        yield running


@pytest.fixture
def open_page(browser: Any, full_server: Server) -> Iterator[Any]:
    contexts: list[Any] = []

    def opened(path: str, width: int = 1280, javascript: bool = True) -> Any:
        context = browser.new_context(
            base_url=full_server.base_url,
            viewport={"width": width, "height": 860},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.errors = errors
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        return page

    yield opened
    for context in contexts:
        context.close()


def page_links(page: Any) -> list[str]:
    return [a.get_attribute("href") or "" for a in page.locator("nav.graph-pages ol a").all()]


def segments(path: str) -> list[Segment]:
    """The straight stretches of a path drawn with straight lines only (M, then L)."""
    assert re.fullmatch(r"M [\d.]+ [\d.]+( L [\d.]+ [\d.]+)+", path), path
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    return list(pairwise(zip(numbers[0::2], numbers[1::2], strict=True)))


def through(segment: Segment, box: list[float], margin: float = 0.5) -> bool:
    (x1, y1), (x2, y2) = segment
    x, y, width, height = box
    return (
        min(x1, x2) < x + width - margin
        and max(x1, x2) > x + margin
        and min(y1, y2) < y + height - margin
        and max(y1, y2) > y + margin
    )


def lines_through_boxes(drawing: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(edge source, edge target, box) for every stretch of a line inside a box."""
    return [
        (source, target, node)
        for source, target, path in drawing["edges"]
        for segment in segments(path)
        for node, box in drawing["boxes"]
        if through(segment, box)
    ]


def test_every_page_of_the_whole_industry_draws_no_line_through_a_box(open_page: Any) -> None:
    first = open_page("/graph")
    links = page_links(first)
    assert len(links) >= 10  # the seed and the datasets hold many ownership groups
    drawn_edges = 0
    for link in links:
        page = first if link == "?page=1" else open_page("/graph" + link)
        drawing = page.evaluate(DRAWING)
        assert drawing is not None, link
        assert lines_through_boxes(drawing) == [], link
        drawn_edges += len(drawing["edges"])
        assert page.errors == [], page.errors
    assert drawn_edges > 200


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/graph?company=Anthropic", "/graph?company=nvidia"])
def test_nothing_is_cut_off_and_every_column_can_be_brought_into_view(
    open_page: Any, width: int, path: str
) -> None:
    page = open_page(path, width)

    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    drawing = page.evaluate(DRAWING)
    assert drawing["shownWidth"] == pytest.approx(drawing["width"])  # drawn at size, not shrunk
    frame = page.locator(".graph-frame")
    headers = page.locator("svg.graph a.graph-company")
    assert headers.count() >= 4
    for index in range(headers.count()):
        header = headers.nth(index)
        header.scroll_into_view_if_needed()
        seen = frame.bounding_box()
        where = header.bounding_box()
        assert seen is not None and where is not None
        assert (
            seen["x"] - 1 <= where["x"]
            and where["x"] + where["width"] <= seen["x"] + seen["width"] + 1
        )
        assert (
            seen["y"] - 1 <= where["y"]
            and where["y"] + where["height"] <= seen["y"] + seen["height"] + 1
        )
    assert lines_through_boxes(drawing) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_cut_label_is_whole_in_its_tooltip_and_in_the_name_a_tap_reads(
    open_page: Any, width: int
) -> None:
    page = open_page("/graph?company=Microsoft", width)

    labels = page.locator("svg.graph a[data-node]").evaluate_all(
        """links => links.map(a => {
             const text = a.querySelector("text");
             return [text.firstChild.textContent, text.querySelector("title").textContent,
                     a.getAttribute("aria-label")];
           })"""
    )
    cut = [label for label in labels if label[0].endswith("…")]
    assert cut, "Microsoft's page has long asset names"
    for printed, tooltip, spoken in cut:
        assert tooltip.startswith(printed[:-1]) and len(tooltip) > len(printed) - 1
        assert spoken.startswith(tooltip.split(" (")[0])
    rows = page.locator("table.graph-edges").inner_text()
    for _, tooltip, _ in cut:
        assert tooltip.split(" (")[0] in rows  # every drawn asset has an edge in the list


def test_the_pages_and_the_sort_links_work_without_javascript(open_page: Any) -> None:
    page = open_page("/graph", javascript=False)

    page.locator("nav.graph-pages").get_by_role("link", name="Next page").click()
    assert "page=2" in page.url
    assert (
        page.locator("nav.graph-pages [aria-current=page]").inner_text()
        == page.locator("nav.graph-pages ol a").nth(1).inner_text()
    )
    page.goto("/graph?company=Anthropic")
    page.locator("p.graph-sort").get_by_role("link", name="date, newest first").click()
    assert "sort=-date" in page.url and "company=Anthropic" in page.url
    since = page.locator("table.graph-edges tbody tr td:nth-child(4)").all_inner_texts()
    years = [int(text[:4]) for text in since]
    assert len(years) > 5 and years == sorted(years, reverse=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_name_typed_in_the_company_box_shows_its_neighbourhood(
    open_page: Any, width: int
) -> None:
    page = open_page("/graph", width)

    box = page.get_by_label("Around company")
    assert (
        page.locator(f"datalist#{box.get_attribute('list')} option[value='Anthropic']").count() == 1
    )
    box.fill("ANTHROPIC")
    assert box.evaluate("input => input.checkValidity()")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.locator("h1").inner_text().endswith("around Anthropic")
    rows = page.locator("table.graph-edges tbody tr").all_inner_texts()
    assert rows and all("Anthropic" in row for row in rows)


def test_pointing_at_a_box_brings_its_edges_forward(open_page: Any) -> None:
    page = open_page("/graph?company=Anthropic")

    page.locator("svg.graph a.graph-company.focus").hover()
    assert page.locator("svg.graph.tracing").count() == 1
    assert page.locator("svg.graph path.edge.traced").count() >= 3
    assert page.errors == []
