"""Long words never widen a page (#22 item 7): a company whose name, events' summaries, details,
source titles and asset names are each one unbroken run of 200 letters, recorded through the API
into a server of its own, leaves every page that shows it — and the form's duplicate-event
banner — no wider than the window, at 390 and at 1280 px."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import (
    PAGE_TIMEOUT_MS,
    Server,
    fill_event_form,
    login,
    running_server,
)

CLOCK = "2026-11-15T12:00:00Z"
WIDTHS = (390, 1280)
NAME = "Longco" + "n" * 194  # the most a name may hold, without a space
SUMMARY = "Unbroken" + "x" * 192
PRODUCT = "Product" + "r" * 193
SOURCES = [
    {
        "title": "Title" + "t" * 195,
        "url": "https://example.com/" + "p" * 180,
        "publisher": "Publisher" + "q" * 191,
    }
]


def _events() -> list[dict[str, Any]]:
    def event(kind: str, day: str, letter: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": kind,
            "occurred_on": day,
            "summary": letter.upper() + letter * 199 if letter else SUMMARY,
            "details": "D" + "d" * 199,
            "sources": SOURCES,
            "payload": payload,
        }

    return [
        # Before anything in the seed, so it heads the timeline's first page.
        event("company.registered", "1960", "", {"company": "longco", "name": NAME}),
        event(
            "chip.launched", "2025-06-01", "s",
            {"company": "longco", "chip": "Chip" + "c" * 196, "status": "announced",
             "target_on": "2027"},
        ),
        event(
            "product.launched", "2025-06-02", "p",
            {"company": "longco", "product": PRODUCT, "status": "available"},
        ),
        event(
            "partnership.formed", "2025-07-01", "q",
            {"parties": ["longco", "openai"], "layer": "compute", "provider": "openai",
             "status": "active", "asset": "Asset" + "a" * 195},
        ),
    ]  # fmt: skip


def _post(server: Server, token: str, event: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        server.url("/api/v1/events"),
        data=json.dumps(event).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        stored: dict[str, Any] = json.load(answer)
    return stored


@pytest.fixture(scope="module")
def long_words(tmp_path_factory: pytest.TempPathFactory, server: Server) -> Iterator[Server]:
    """A server of its own (`server` first: it checks for Chromium) holding the long words."""
    with running_server(tmp_path_factory.mktemp("stackline-long-words"), clock=CLOCK) as running:
        token = running.cli("tokens", "create", "long-words").strip().splitlines()[-1]
        for event in _events():
            _post(running, token, event)
        yield running


def _widths(page: Any) -> dict[int, int]:
    """The document's width at each window width."""
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found[width] = page.evaluate("document.documentElement.scrollWidth")
    return found


def _open(browser: Any, server: Server) -> Any:
    context = browser.new_context(base_url=server.base_url)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context


def _event_id(server: Server) -> str:
    url = server.url("/api/v1/events?company=longco&type=chip.launched")
    with urllib.request.urlopen(url, timeout=10) as answer:
        return str(json.load(answer)["events"][0]["id"])


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/timeline", SUMMARY),
        ("/timeline?company=longco", NAME),
        ("/companies/longco", NAME),
        ("EVENT", "Title"),
        ("/", NAME),
        ("/?as_of=2026-11-01&compare=2025-01-01", PRODUCT),
        ("/trends", NAME),
        ("/plans", NAME),
        ("/graph?company=longco", NAME),
        ("/companies/openai", NAME),
    ],
)
def test_an_unbroken_200_letter_text_never_widens_a_page(
    long_words: Server, browser: Any, path: str, shown: str
) -> None:
    context = _open(browser, long_words)
    try:
        page = context.new_page()
        page.goto(f"/events/{_event_id(long_words)}" if path == "EVENT" else path)
        page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
        assert shown in page.content(), f"{path} does not show the long text"
        widths = _widths(page)
        assert all(wide <= width for width, wide in widths.items()), f"{path}: {widths}"
    finally:
        context.close()


def test_the_duplicate_event_banner_never_widens_the_form(long_words: Server, browser: Any) -> None:
    context = _open(browser, long_words)
    try:
        page = context.new_page()
        page.goto("/login")
        login(page)
        page.goto("/events/new?type=product.launched")
        again = _events()[2]
        fill_event_form(
            page,
            occurred_on=again["occurred_on"],
            summary=again["summary"],
            source_title=SOURCES[0]["title"],
            payload={"company": "longco", "product": PRODUCT, "status": "available"},
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Record event").click()
        banner = page.locator("#duplicate-warning")
        assert banner.count() == 1, page.inner_text("main")[:500]
        assert again["summary"] in banner.inner_text()
        widths = _widths(page)
        assert all(wide <= width for width, wide in widths.items()), widths
    finally:
        context.close()
