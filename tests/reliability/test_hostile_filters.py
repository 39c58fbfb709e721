"""Injection strings in every filter and text field of a real server, on SQLite and PostgreSQL.

SQL, markup and script, path traversal, unicode control characters and 1 MB values go into the
timeline page's and the API's filters (company, layer, type, from, to, q, after_seq, limit), the
stack's as_of and known_on, and every text field of an event. They are stored and shown as
text — never run, never a 5xx: a filter either matches them literally or is refused with a 400
naming it; a page never grows an element, handler or script from them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from stackline.domain.values import shown_visibly
from tests.integration.builders import launched
from tests.reliability.figures import SuiteFigures
from tests.reliability.hostile_values import INJECTIONS, ONE_MEGABYTE
from tests.reliability.pages import collapsed, injected_markup
from tests.reliability.server import EDITOR, Deployment, ServerPool
from tests.reliability.web_client import Reply, Visitor, post_event, request, with_query

BACKENDS = ["sqlite", "postgres"]
FILTER_VALUES = [*INJECTIONS, "A" * 3000, ONE_MEGABYTE]  # 3000 fits a URL; 1 MB is a 414
TIMELINE_FILTERS = ["company", "layer", "type", "from", "to", "q", "after_seq", "limit"]
API_FILTERS = [*TIMELINE_FILTERS, "include_voided"]
STACK_SURFACES = [
    ("/api/v1/companies/openai/stack", ["as_of", "known_on"]),
    ("/api/v1/stack", ["as_of", "known_on", "include_subsidiaries"]),
    ("/api/v1/companies/openai/diff", ["from", "to", "known_on"]),
    ("/companies/openai", ["as_of", "known_on", "compare"]),
    ("/", ["as_of", "at"]),
]
API_ANSWERS = {200, 400, 414}
PAGE_ANSWERS = {200, 400, 414}


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    with ServerPool(
        tmp_path_factory.mktemp("hostile-filters"),
        workers={"postgres": 2},
        LOGIN_RATE_LIMIT="1000 per minute",
    ) as servers:
        yield servers


def page_problems(reply: Reply, value: str, parameter: str = "") -> list[str]:
    allowed = PAGE_ANSWERS | ({404} if parameter == "company" else set())
    if reply.status not in allowed or not reply.is_html:
        return [f"answered {reply.status} {reply.header('Content-Type')}"]
    problems = injected_markup(reply.page())
    if "<" in value and value in reply.text:
        problems.append("the value appears unescaped")
    return problems


def api_problems(reply: Reply, parameter: str) -> list[str]:
    if reply.status == 404 and parameter == "company":  # no such company: a 404 naming it
        fields = {detail["field"] for detail in reply.json()["details"]}
        return [] if reply.json()["error"] == "not_found" and fields == {"slug"} else ["bad 404"]
    if reply.status not in API_ANSWERS:
        return [f"answered {reply.status}"]
    if reply.status == 400:
        named = {detail["field"] for detail in reply.json()["details"]}
        if parameter not in named:
            return [f"a 400 naming {sorted(named)}, not {parameter}"]
    if reply.status == 200:
        reply.json()
    return []


def literal_matches(reply: Reply, text: str) -> list[str]:
    """A search answered 200 lists only events whose summary holds the text, as text."""
    if reply.status != 200:
        return []
    wrong = [
        e["summary"] for e in reply.json()["events"] if text.lower() not in e["summary"].lower()
    ]
    return [f"q matched {wrong[:3]}"] if wrong else []


def probe(
    live: Deployment, figures: SuiteFigures, path: str, parameters: list[str], api: bool
) -> list[str]:
    problems = []
    for parameter in parameters:
        for value in FILTER_VALUES:
            reply = request(live.server.base_url, "GET", with_query(path, {parameter: value}))
            found = (
                api_problems(reply, parameter) if api else page_problems(reply, value, parameter)
            )
            if api and parameter == "q":
                found += literal_matches(reply, value)
            problems += [f"{path}?{parameter}={value[:40]!r}: {p}" for p in found]
            figures.add(inputs_tried=1, bad_answers=int(bool(found)))
    return problems


@pytest.mark.parametrize("backend", BACKENDS)
def test_injection_strings_in_the_timeline_filters_are_shown_as_text_and_never_a_5xx(
    live: Deployment, figures: SuiteFigures
) -> None:
    assert probe(live, figures, "/timeline", TIMELINE_FILTERS, api=False) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_injection_strings_in_the_api_event_filters_match_literally_or_are_a_400_naming_them(
    live: Deployment, figures: SuiteFigures
) -> None:
    assert probe(live, figures, "/api/v1/events", API_FILTERS, api=True) == []
    assert probe(live, figures, "/api/v1/export", API_FILTERS[:6], api=True) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_injection_strings_in_as_of_and_known_on_are_refused_naming_them_and_never_a_5xx(
    live: Deployment, figures: SuiteFigures
) -> None:
    problems = []
    for path, parameters in STACK_SURFACES:
        problems += probe(live, figures, path, parameters, api=path.startswith("/api/"))
    assert problems == []


# --- text fields ----------------------------------------------------------------------------

TEXT_FIELDS = ["summary", "details", "sources.0.title", "sources.0.publisher", "payload.model"]
TEXT_VALUES = [*INJECTIONS, ONE_MEGABYTE]


def with_value(document: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    """A copy of the document with `field` (a dotted path) set to `value`."""
    document = copy.deepcopy(document)  # the builders share their sources list
    *parents, last = field.split(".")
    node: Any = document
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[last] = value
    return document


def shown_as_text(live: Deployment, event_id: str, field: str, value: str) -> list[str]:
    """The stored event gives back the value as sent, and its page shows it as text."""
    stored = request(live.server.base_url, "GET", f"/api/v1/events/{event_id}").json()
    problems = [] if with_value(stored, field, value) == stored else ["not stored as sent"]
    shown = request(live.server.base_url, "GET", f"/events/{event_id}")
    problems += page_problems(shown, value)
    visible = shown_visibly(value)  # invisible characters are written out, e.g. ⟨U+202E⟩
    if shown.status == 200 and collapsed(visible) not in collapsed(shown.page().one("main").text()):
        problems.append("not shown on the event page")
    if field == "summary":
        found = request(live.server.base_url, "GET", with_query("/api/v1/events", {"q": value}))
        if event_id not in [e["id"] for e in found.json()["events"]]:
            problems.append("not found by searching for it")
    return problems


@pytest.mark.parametrize("backend", BACKENDS)
def test_injection_strings_in_every_text_field_are_stored_and_shown_as_text_or_refused_naming_it(
    live: Deployment, figures: SuiteFigures
) -> None:
    problems = []
    stored = refused = 0
    for index, value in enumerate(TEXT_VALUES):
        for field in TEXT_FIELDS:
            document = with_value(
                launched("model", "openai", f"Hostile model {index} {field}", "2025-07"),
                field,
                value,
            )
            reply = post_event(live.server.base_url, live.token, document)
            if reply.status == 201:
                stored += 1
                found = shown_as_text(live, document["id"], field, value)
            elif reply.status == 422:
                refused += 1
                named = [d["field"] for d in reply.json()["details"]]
                found = [] if named == [field] else [f"a 422 naming {named}"]
            else:
                found = [f"answered {reply.status}"]
            problems += [f"{field}={value[:40]!r}: {p}" for p in found]
            figures.add(inputs_tried=1, events_written=int(reply.status == 201))
            figures.add(bad_answers=int(bool(found)))
    assert problems == []
    assert stored > len(TEXT_VALUES) and refused > len(TEXT_FIELDS)  # both outcomes exercised


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_event_body_over_the_size_cap_is_a_413_and_writes_nothing(
    live: Deployment, figures: SuiteFigures
) -> None:
    before = live.count_events()
    document = launched("model", "openai", "Oversized", "2025-07")
    document["details"] = ONE_MEGABYTE + "B" * 100_000

    reply = post_event(live.server.base_url, live.token, document)

    assert reply.status == 413
    assert live.count_events() == before
    figures.add(inputs_tried=1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_model_named_with_markup_is_escaped_in_the_company_stack(
    live: Deployment, figures: SuiteFigures
) -> None:
    name = '<img src=x onerror=alert("stack")> model'
    reply = post_event(
        live.server.base_url, live.token, launched("model", "openai", name, "2025-07")
    )
    assert reply.status == 201

    page = request(live.server.base_url, "GET", "/companies/openai")

    assert page_problems(page, name) == []
    assert name in page.page().one("main").text()
    figures.add(inputs_tried=1, events_written=1)


def statuses(base_url: str, targets: list[str], visitor: Visitor | None = None) -> dict[str, int]:
    if visitor is not None:
        return {target: visitor.get(target).status for target in targets}
    return {target: request(base_url, "GET", target).status for target in targets}


def no_server_errors(answers: dict[str, int], figures: SuiteFigures) -> None:
    figures.add(inputs_tried=len(answers), bad_answers=sum(s >= 500 for s in answers.values()))
    assert {t: s for t, s in answers.items() if s >= 500} == {}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_nul_character_in_a_filter_a_path_or_the_login_name_is_never_a_5xx(
    live: Deployment, figures: SuiteFigures
) -> None:
    base = live.server.base_url
    editor = Visitor(base)
    assert editor.login(*EDITOR).status == 302
    nul = quote("a\x00b")
    answers = statuses(
        base,
        [f"/timeline?{p}=a%00b" for p in ("company", "layer", "q")]
        + ["/api/v1/events?q=a%00b", f"/companies/{nul}", f"/events/{nul}"],
    )
    answers |= statuses(base, [f"/events/{nul}/retract"], editor)
    visitor = Visitor(base)
    token = visitor.csrf_token()
    answers["POST /login name=a\\x00b"] = visitor.post_form(
        "/login", {"csrf_token": token, "name": "a\x00b", "password": "whatever"}
    ).status
    no_server_errors(answers, figures)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_page_position_that_is_not_a_plain_small_integer_is_never_a_5xx(
    live: Deployment, figures: SuiteFigures
) -> None:
    targets = [
        "/timeline?after_seq=%C2%B2",
        "/?at=%C2%B2",
        "/timeline?after_seq=" + "9" * 30,
    ]
    no_server_errors(statuses(live.server.base_url, targets), figures)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_every_after_seq_the_api_accepts_is_answered_without_a_5xx(
    live: Deployment, figures: SuiteFigures
) -> None:
    targets = [f"/api/v1/events?after_seq={n}" for n in (2**31 - 1, 2**31, 2**63 - 1)]
    no_server_errors(statuses(live.server.base_url, targets), figures)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_known_on_beyond_the_calendar_on_the_company_page_is_a_400_not_a_5xx(
    live: Deployment, figures: SuiteFigures
) -> None:
    targets = [
        "/companies/openai?known_on=" + quote(moment)
        for moment in ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00")
    ]
    no_server_errors(statuses(live.server.base_url, targets), figures)
