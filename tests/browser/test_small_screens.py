"""Small screens and accessibility basics: at 390 px wide no page scrolls sideways, no table or
field list breaks a word inside its letters, charts keep their text legible, every label sits
beside or above its control, the "None" pill reaches WCAG AA contrast, every page has a skip
link, and a dark theme keeps the presence colours apart."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.browser.conftest import Browsing

PHONE = {"width": 390, "height": 844}
PAGES = (
    "/",
    "/?as_of=2026-11-01&compare=2025-01-01",
    "/trends",
    "/timeline",
    "/companies/spacex?as_of=2026-07-01&compare=2026-01-01",
    "/companies/nvidia",
    "/graph",
    "/plans",
    "/events/new?type=partnership.formed",
)
PRESENCES = ("owned", "partner", "stake", "planned", "none")


def _phone_page(browsing: Browsing, *, dark: bool = False, editor: bool = True) -> object:
    watched = browsing.page(editor=editor)
    page = watched.page
    page.set_viewport_size(PHONE)
    if dark:
        page.emulate_media(color_scheme="dark")
    return page


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(browsing: Browsing, path: str) -> None:
    page = _phone_page(browsing)
    page.goto(path)  # type: ignore[attr-defined]
    widths = page.evaluate(  # type: ignore[attr-defined]
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide in a {widths[1]} px window"


def _luminance(colour: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"\d+", colour)[:3])

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_presence_pill_reads_at_aa_contrast_and_the_colours_stay_apart(
    browsing: Browsing, dark: bool
) -> None:
    page = _phone_page(browsing, dark=dark)
    page.goto("/?as_of=2026-11-01")  # type: ignore[attr-defined]
    backgrounds = {}
    for presence in PRESENCES:
        pill = page.locator(f"main span.presence.presence-{presence}").first  # type: ignore[attr-defined]
        colour, background = pill.evaluate(
            "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
        )
        assert _contrast(colour, background) >= 4.5, (presence, colour, background)
        backgrounds[presence] = background
    assert len(set(backgrounds.values())) == len(PRESENCES)  # five distinguishable fills
    body = page.evaluate(  # type: ignore[attr-defined]
        "getComputedStyle(document.documentElement).backgroundColor"
    )
    assert (_luminance(body) < 0.2) == dark


def test_a_skip_link_leads_past_the_navigation(browsing: Browsing) -> None:
    page = browsing.page().page
    page.goto("/timeline")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


# The words (runs of letters and digits) whose rendered boxes sit on more than one line: a word
# broken inside its letters. Breaks after a hyphen or a slash are between words. Hashes are
# identifiers broken on purpose; visually hidden text is one pixel wide by design.
SPLIT_WORDS = """
(selector) => {
  const found = [];
  const word = /[\\p{L}\\p{N}]+/gu;
  for (const box of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(".visually-hidden, code.hash")) continue;
      for (const m of node.data.matchAll(word)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top);
        if (tops.length > 1 && Math.max(...tops) - Math.min(...tops) > 2) {
          const cell = node.parentElement.closest("td, th, dt, dd") || node.parentElement;
          found.push(`${m[0]} in <${cell.tagName.toLowerCase()}> ${cell.textContent.trim().slice(0, 50)}`);
        }
      }
    }
  }
  return found;
}
"""
TABLE_PAGES = (
    "/",
    "/?as_of=2026-06-30&compare=2025-01-01",
    "/plans",
    "/timeline",
    "/timeline?sort=-date",
    "/companies/spacex?as_of=2026-07-01&compare=2026-01-01",
    "/companies/google",
    "/trends",
    "/graph?company=anthropic",
    "EVENT",
)


def _an_event_page(browsing: Browsing) -> str:
    """The page of an event with details, sources and a payload of several fields."""
    url = browsing.server_url("/api/v1/events?company=spacex&type=acquisition.completed")
    with urllib.request.urlopen(url, timeout=10) as answer:
        events = json.load(answer)["events"]
    return f"/events/{events[0]['id']}"


@pytest.mark.parametrize("path", TABLE_PAGES)
def test_no_table_breaks_a_word_inside_its_letters_on_a_phone(
    browsing: Browsing, path: str
) -> None:
    page = _phone_page(browsing, editor=False)
    page.goto(_an_event_page(browsing) if path == "EVENT" else path)  # type: ignore[attr-defined]
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")  # type: ignore[attr-defined]
    assert page.locator("main table, main dl").count() >= 1  # type: ignore[attr-defined]
    split = page.evaluate(SPLIT_WORDS, "main table, main dl")  # type: ignore[attr-defined]
    assert split == [], f"{path}: words broken inside their letters: {split[:10]}"
    widths = page.evaluate(  # type: ignore[attr-defined]
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide in a {widths[1]} px window"


# Each chart text's size on screen: its font size times the scale its SVG is drawn at.
CHART_TEXT_SIZES = """
() => [...document.querySelectorAll("main svg.chart text")]
  .filter(t => t.getBBox().width > 0)
  .map(t => [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a])
"""


@pytest.mark.parametrize("path", ["/trends", "/companies/spacex", "/companies/google"])
def test_charts_keep_their_text_legible_on_a_phone(browsing: Browsing, path: str) -> None:
    page = _phone_page(browsing, editor=False)
    page.goto(path)  # type: ignore[attr-defined]
    sizes = page.evaluate(CHART_TEXT_SIZES)  # type: ignore[attr-defined]
    assert len(sizes) >= 5
    small = [(text, round(size, 1)) for text, size in sizes if size < 10]
    assert small == [], f"{path}: chart text drawn below 10 px: {small[:8]}"
    widths = page.evaluate(  # type: ignore[attr-defined]
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1]  # the chart scrolls in its own box, not the page


# Each label naming a control elsewhere, and where the two sit: the label must be just left of
# its control on the same line, or just above it, starting where it starts.
LABEL_PLACES = """
() => [...document.querySelectorAll("main label[for]")].flatMap(label => {
  const control = document.getElementById(label.htmlFor);
  if (!control || label.contains(control) || control.type === "hidden") return [];
  const l = label.getBoundingClientRect(), c = control.getBoundingClientRect();
  if (!l.width || !c.width) return [];
  const sameLine = l.top < c.bottom && c.top < l.bottom && c.left - l.right >= 0
    && c.left - l.right <= 32;
  const above = c.top - l.bottom >= -1 && c.top - l.bottom <= 16 && Math.abs(c.left - l.left) <= 16;
  return [[label.textContent.trim(), sameLine || above,
           [l.left, l.top, l.right, l.bottom].map(Math.round),
           [c.left, c.top, c.right, c.bottom].map(Math.round)]];
})
"""


@pytest.mark.parametrize(
    "path",
    [
        "/companies/spacex?as_of=2026-07-01",
        "/",
        "/graph?company=anthropic",
        "/timeline",
        "/trends",
        "/plans",
    ],
)
def test_every_label_sits_beside_or_above_its_control_on_a_phone(
    browsing: Browsing, path: str
) -> None:
    page = _phone_page(browsing, editor=False)
    page.goto(path)  # type: ignore[attr-defined]
    places = page.evaluate(LABEL_PLACES)  # type: ignore[attr-defined]
    assert len(places) >= 1
    astray = [place for place in places if not place[1]]
    assert astray == [], (
        f"{path}: labels away from their controls (label box, control box): {astray}"
    )
