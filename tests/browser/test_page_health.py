"""The main pages load cleanly: no console errors, no uncaught errors, no CSP violations,
and every input has a label (DESIGN §4, §6)."""

from __future__ import annotations

from tests.browser.conftest import Browsing, RecordedEvent, Watched

PUBLIC_PAGES = [
    "/",
    "/?as_of=2015-06-01&include_subsidiaries=1",
    "/companies/openai",
    "/companies/openai?as_of=2025-03-10&known_on=2026-01-01&compare=2023-01-01",
    "/companies/spacex?as_of=2026-07-01",
    "/timeline",
    "/timeline?company=openai&layer=model&from=2020-01-01&to=2026-01-01&q=o",
    "/events/{event}",
    "/graph?as_of=2026-07-01",
    "/graph?as_of=2026-07-01&company=anthropic",
    "/plans?as_of=2026-11-01",
    "/login",
]
EDITOR_PAGES = [
    "/events/new",
    "/events/new?type=partnership.formed",
    "/events/new?type=model.released",
    "/events/new?type=compute.launched",
    "/events/new?type=dependency.formed",
    "/events/{event}/correct",
    "/events/{event}/retract",
    "/logout",
]

UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter(e => e.type !== "hidden")
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label")
               && !e.getAttribute("aria-labelledby"))
  .map(e => e.name || e.id || e.outerHTML)"""


def problems_on(watched: Watched, paths: list[str], event_id: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for template in paths:
        path = template.format(event=event_id)
        before_console, before_errors = len(watched.console_errors), len(watched.page_errors)
        response = watched.page.goto(path)
        watched.page.wait_for_load_state("load")
        problems = [
            *watched.console_errors[before_console:],
            *watched.page_errors[before_errors:],
            *(f"CSP: {v}" for v in watched.csp_violations()),
        ]
        if response is None or response.status != 200:
            problems.append(f"status {response and response.status}")
        if problems:
            found[path] = problems
    return found


def test_public_pages_log_no_console_errors_and_no_csp_violations(
    openai_model_release: RecordedEvent, browsing: Browsing
) -> None:
    watched = browsing.page()
    assert problems_on(watched, PUBLIC_PAGES, openai_model_release.event_id) == {}


def test_editor_pages_log_no_console_errors_and_no_csp_violations(
    openai_model_release: RecordedEvent, browsing: Browsing
) -> None:
    watched = browsing.page(editor=True)
    assert problems_on(watched, EDITOR_PAGES, openai_model_release.event_id) == {}


def test_every_input_on_the_main_pages_has_a_label(
    openai_model_release: RecordedEvent, browsing: Browsing
) -> None:
    page = browsing.page(editor=True).page
    unlabelled: dict[str, list[str]] = {}
    for template in PUBLIC_PAGES + EDITOR_PAGES:
        path = template.format(event=openai_model_release.event_id)
        page.goto(path)
        missing = page.evaluate(UNLABELLED)
        if missing:
            unlabelled[path] = missing
    assert unlabelled == {}
