"""Small screens and accessibility basics: at 390 px wide no page scrolls sideways, the "None"
pill reaches WCAG AA contrast, every page has a skip link, and a dark theme keeps the presence
colours apart."""

from __future__ import annotations

import re

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
