"""A form fuzzer against a real server, on SQLite and PostgreSQL.

Every form — /events/new for each of the 13 event types, /events/<id>/retract and /login — is
posted (with a valid CSRF token, as a signed-in editor) with random, hostile and oversized values
in random fields. Whatever is sent, the answer is never a 5xx; a 4xx writes nothing; a page that
comes back with the input shows it as text; and a success writes the one event it reports.

The fuzzer is seeded (STACKLINE_FUZZ_SEED, default 2026), so a failure can be replayed.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit
from uuid import uuid4

import pytest

from stackline.domain.events import EVENT_TYPES
from stackline.web.forms import form_values
from tests.reliability.figures import SuiteFigures
from tests.reliability.hostile_values import INJECTIONS
from tests.reliability.pages import injected_markup
from tests.reliability.server import EDITOR, Deployment, ServerPool
from tests.reliability.web_client import Reply, Visitor, request, with_query
from tests.web.helpers import form_data

SEED = os.environ.get("STACKLINE_FUZZ_SEED", "2026")
POSTS_PER_TYPE = 16
RETRACTIONS = 60
LOGINS = 60
FORM_PAGE_VISITS = 40
OVERSIZED = [
    201,
    5_001,
    100_000,
    600_000,
    1_100_000,
]  # past the field caps, the form cap, the body cap
NUMBERISH = ["-1", "0", "1e999", "NaN", "inf", "²", "9" * 50, "1_000", "0x10", "１２", "1e-400"]
DATEISH = [
    "2024-13", "0000", "9999-12-31", "2024-02-30", "2024-H3", "2100-12-31", "1899-12-31",
    "2026-12-31", "2025", "2025-Q2", " 2025", "2025\n", "2025-06-15",
]  # fmt: skip
SLUGISH = ["openai", "OpenAI", "a" * 64, "-x", "nobody", "openai\n", "../etc", "google", "xai"]
ENUMISH = ["closed", "open_weights", "available", "announced", "active", "cloud", "cash", "model"]
EXTRA_FIELDS = ["payload.unknown", "type", "id", "supersedes", "sources.5.title", "confidence"]
# Known defects, each with its own strict xfail elsewhere: values that would only find them again.
NUL = "\x00"


class Fuzzer:
    """Random form values: hostile text, oversized text, near-misses of every field's format."""

    def __init__(self, name: str, allow_nul: bool) -> None:
        self.rng = random.Random(f"{SEED}-{name}")
        self.allow_nul = allow_nul

    def text(self, size: int) -> str:
        ranges = [
            (0x01, 0x7F),
            (0x80, 0x9F),
            (0x2000, 0x206F),
            (0x1F600, 0x1F64F),
            (0xD800, 0xDFFF),
        ]
        if self.allow_nul:
            ranges.append((0x00, 0x00))
        picked = (self.rng.choice(ranges) for _ in range(size))
        return "".join(chr(self.rng.randint(low, high)) for low, high in picked)

    def value(self) -> str | bytes | list[str]:
        rng = self.rng
        kind = rng.randrange(11)
        if kind == 0:
            return rng.choice(["", " ", "on"])
        if kind == 1:
            return rng.choice(INJECTIONS)
        if kind == 2:
            return self.text(rng.randint(1, 40))
        if kind == 3:
            return rng.choice("xé<") * rng.choice(OVERSIZED)
        if kind == 4:
            return rng.choice(NUMBERISH)
        if kind == 5:
            return rng.choice(DATEISH)
        if kind == 6:
            return rng.choice(SLUGISH)
        if kind == 7:
            return rng.choice([str(uuid4()), "0" * 8 + "-0000-0000-0000-" + "0" * 12, "not-a-uuid"])
        if kind == 8:
            return bytes(rng.randrange(256) for _ in range(rng.randint(1, 20)))  # not UTF-8
        if kind == 9:
            return [str(self.value()) for _ in range(rng.randint(2, 4))]
        return rng.choice(ENUMISH)

    def mutate(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The fields with one to four of them (or new ones) set to random values."""
        mutated = dict(fields)
        if self.rng.random() < 0.1:
            return mutated  # the valid base itself, now and then
        names = [name for name in fields if name != "csrf_token"] + EXTRA_FIELDS
        for name in self.rng.sample(names, min(len(names), self.rng.randint(1, 4))):
            mutated[name] = self.value()
        return mutated


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    with ServerPool(
        tmp_path_factory.mktemp("hostile-forms"),
        workers={"postgres": 2},
        LOGIN_RATE_LIMIT="10000 per minute",
    ) as servers:
        yield servers


class _Page:
    """A reply dressed as a test-client response, for tests.web.helpers.form_data."""

    mimetype = "text/html"

    def __init__(self, reply: Reply) -> None:
        self.reply = reply

    def get_data(self, as_text: bool = False) -> str:
        return self.reply.text


def seed_example(live: Deployment, event_type: str) -> dict[str, Any] | None:
    answer = request(
        live.server.base_url, "GET", with_query("/api/v1/events", {"type": event_type})
    )
    found = answer.json()["events"]
    return found[0] if found else None


def valid_base(live: Deployment, editor: Visitor, event_type: str) -> dict[str, Any]:
    """What a browser would send for this type: the form's own fields, filled from a seeded
    event of the type where there is one (with a new id, so it is a new event)."""
    fields = form_data(_Page(editor.get(f"/events/new?type={event_type}")), "/events/new")
    example = seed_example(live, event_type)
    if example is not None:
        fields |= form_values(example)
    model = seed_example(live, "model.released")
    partnership = seed_example(live, "partnership.formed")
    assert model is not None and partnership is not None
    fields |= {
        "id": str(uuid4()),
        "occurred_on": fields.get("occurred_on") or "2026-06",
        "summary": f"Fuzzed {event_type}",
        "sources.0.title": "Form fuzzer",
        **{
            "asset.retired": {"payload.company": "xai", "payload.layer": "compute",
                              "payload.asset": "Colossus"},
            "partnership.ended": {"payload.partnership": partnership["id"]},
            "event.retracted": {"payload.event": model["id"], "payload.reason": "Fuzzed"},
        }.get(event_type, {}),
    }  # fmt: skip
    return fields


def answer_problems(reply: Reply, before: int, after: int, success: set[int]) -> list[str]:
    """Never a 5xx; a 4xx writes nothing and shows the input as text; a success writes at most
    the one event it names."""
    if reply.status >= 500:
        return [f"answered {reply.status}"]
    if reply.status in success:
        location = urlsplit(reply.header("Location") or "").path
        ok = location.startswith("/events/") and after - before in (0, 1)
        return [] if ok else [f"{reply.status} to {location!r}, {after - before} written"]
    problems = [] if after == before else [f"{reply.status} but {after - before} written"]
    if reply.is_html:
        problems += injected_markup(reply.page())
    return problems


def fuzz_post(
    live: Deployment, visitor: Visitor, target: str, fields: dict[str, Any], success: set[int]
) -> tuple[Reply, list[str]]:
    before = live.count_events()
    reply = visitor.post_form(target, fields)
    return reply, answer_problems(reply, before, live.count_events(), success)


def shown(fields: dict[str, Any]) -> str:
    return repr({k: (v[:30] if isinstance(v, str | bytes) else v) for k, v in fields.items()})


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_random_values_in_every_event_form_never_cause_a_5xx_and_a_refusal_writes_nothing(
    live: Deployment, editor: Visitor, backend: str, figures: SuiteFigures
) -> None:
    fuzzer = Fuzzer(f"events-{backend}", allow_nul=True)  # no field reaches the database raw
    problems, outcomes = [], set()
    for event_type in EVENT_TYPES:
        base = valid_base(live, editor, event_type)
        for _ in range(POSTS_PER_TYPE):
            fields = fuzzer.mutate({**base, "id": str(uuid4())})
            reply, found = fuzz_post(live, editor, "/events/new", fields, {303})
            outcomes.add(reply.status)
            problems += [f"{event_type} {shown(fields)}: {p}" for p in found]
            figures.add(inputs_tried=1, events_written=int(reply.status == 303))
            figures.add(bad_answers=int(bool(found)))
    assert problems == [], f"seed {SEED}: {problems[:5]}"
    assert {303, 422} <= outcomes and outcomes & {413}  # successes, refusals and the size cap


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_random_retractions_never_cause_a_5xx_and_a_refusal_writes_nothing(
    live: Deployment, editor: Visitor, backend: str, figures: SuiteFigures
) -> None:
    fuzzer = Fuzzer(f"retract-{backend}", allow_nul=backend == "sqlite")
    targets = [
        e["id"]
        for e in request(live.server.base_url, "GET", "/api/v1/events?limit=200").json()["events"]
    ]
    problems, outcomes = [], set()
    for _ in range(RETRACTIONS):
        roll = fuzzer.rng.random()
        if roll < 0.6:
            target = fuzzer.rng.choice(targets)
        elif roll < 0.8:
            target = str(uuid4())
        else:
            target = str(fuzzer.value())[:2000] or "x"
        base = {"csrf_token": editor.csrf_token(f"/events/{targets[0]}/retract"), "id": str(uuid4()),
                "payload.reason": "Fuzzed", "sources.0.title": "Form fuzzer"}  # fmt: skip
        fields = fuzzer.mutate(base)
        path = f"/events/{quote(target, safe='', errors='surrogatepass')}/retract"
        reply, found = fuzz_post(live, editor, path, fields, {302, 303})
        outcomes.add(reply.status)
        problems += [f"{target[:40]!r} {shown(fields)}: {p}" for p in found]
        figures.add(inputs_tried=1, events_written=int(reply.status in (302, 303)))
        figures.add(bad_answers=int(bool(found)))
    assert problems == [], f"seed {SEED}: {problems[:5]}"
    assert {404, 422} <= outcomes and outcomes & {302, 303}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_random_sign_ins_never_cause_a_5xx_or_a_session(
    live: Deployment, backend: str, figures: SuiteFigures
) -> None:
    fuzzer = Fuzzer(f"login-{backend}", allow_nul=backend == "sqlite")
    visitor = Visitor(live.server.base_url)
    base = {"csrf_token": visitor.csrf_token(), "name": EDITOR[0], "password": "wrong", "next": "/"}
    problems = []
    before = live.count_events()
    for _ in range(LOGINS):
        fields = fuzzer.mutate(base)
        if not fuzzer.allow_nul and NUL in str(fields.get("name")):
            fields["name"] = str(fields["name"]).replace(NUL, "")  # see the NUL xfail test
        reply = visitor.post_form("/login", fields)
        found = [] if reply.status in (400, 401, 413) else [f"answered {reply.status}"]
        if reply.is_html:
            found += injected_markup(reply.page())
        problems += [f"{shown(fields)}: {p}" for p in found]
        figures.add(inputs_tried=1, bad_answers=int(bool(found)))
    assert problems == [], f"seed {SEED}: {problems[:5]}"
    assert live.count_events() == before
    assert visitor.get("/events/new").status == 302  # still not signed in


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_random_values_prefilled_into_the_event_form_are_shown_as_text(
    live: Deployment, editor: Visitor, backend: str, figures: SuiteFigures
) -> None:
    fuzzer = Fuzzer(f"prefill-{backend}", allow_nul=True)
    problems = []
    for _ in range(FORM_PAGE_VISITS):
        event_type = fuzzer.rng.choice([*EVENT_TYPES, str(fuzzer.value())[:100]])
        value = str(fuzzer.value())[:1000]
        target = with_query("/events/new", {"type": event_type, "payload.company": value})
        reply = editor.get(target)
        refused_nul = reply.status == 400 and "\x00" in value  # NUL is refused up front
        found = [] if reply.status in (200, 414) or refused_nul else [f"answered {reply.status}"]
        if reply.is_html:
            found += injected_markup(reply.page())
        problems += [f"{target[:80]}: {p}" for p in found]
        figures.add(inputs_tried=1, bad_answers=int(bool(found)))
    assert problems == [], f"seed {SEED}: {problems[:5]}"
