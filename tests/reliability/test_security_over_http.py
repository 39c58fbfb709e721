"""DESIGN §6 against a real `stackline serve` over HTTP, on SQLite and PostgreSQL.

tests/web/test_security.py checks these rules through Flask's test client; here the same rules
are checked on the wire, as a browser or an attacker meets them: CSRF on every form the pages
offer, the API closed to the session cookie and to anything but a valid bearer token, the login
rate limit (shared by every worker through Redis), and security headers and cookie flags on
every answer. Secrets at rest and the secret key are in test_secrets.py.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from stackline.domain.events import EVENT_TYPES
from tests.conftest import reset_postgres
from tests.integration.builders import launched
from tests.reliability.figures import SuiteFigures
from tests.reliability.server import EDITOR, Deployment, ServerPool, editor_and_token
from tests.reliability.web_client import Reply, Visitor, post_event, request
from tests.web.helpers import Element
from tests.web.test_security import ALLOWED_REFERRER_POLICIES

BACKENDS = ["sqlite", "postgres"]
REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_LOGIN_LIMIT = 10  # web/__init__.py: "10 per minute"


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    with ServerPool(
        tmp_path_factory.mktemp("security"),
        workers={"postgres": 2},
        LOGIN_RATE_LIMIT="1000 per minute",  # the limit itself has a test and a server of its own
    ) as servers:
        yield servers


def some_event_id(live: Deployment) -> str:
    found = request(live.server.base_url, "GET", "/api/v1/events?type=model.released&limit=1")
    return str(found.json()["events"][0]["id"])


# --- CSRF -----------------------------------------------------------------------------------


def editor_pages(live: Deployment) -> list[str]:
    event_id = some_event_id(live)
    return [
        "/", "/login", "/logout", "/timeline", "/companies/openai", f"/events/{event_id}",
        f"/events/{event_id}/correct", f"/events/{event_id}/retract", "/events/new",
        *[f"/events/new?type={t}" for t in EVENT_TYPES],
    ]  # fmt: skip


def form_fields(form: Element) -> dict[str, str]:
    """What the form would send untouched: its inputs' values, each select's first option."""
    fields = {}
    for element in form.iter():
        name = element.get("name")
        if not name or element.get("type") in ("submit", "button", "checkbox", "radio"):
            continue
        if element.tag == "select":
            options = element.find_all("option")
            fields[name] = options[0].get("value", "") if options else ""
        elif element.tag in ("input", "textarea"):
            fields[name] = element.get("value") or element.text()
    return fields


def post_forms(visitor: Visitor, pages: list[str]) -> dict[str, dict[str, str]]:
    """Every form posting anywhere on these pages: its action and what it sends."""
    forms: dict[str, dict[str, str]] = {}
    for path in pages:
        for form in visitor.get(path).page().find_all("form"):
            if (form.get("method") or "get").lower() == "post":
                forms.setdefault(form.get("action") or path.split("?")[0], form_fields(form))
    return forms


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_form_the_pages_offer_refuses_a_post_without_a_valid_csrf_token(
    live: Deployment, editor: Visitor, figures: SuiteFigures
) -> None:
    forms = post_forms(editor, editor_pages(live))
    stranger_token = Visitor(live.server.base_url).csrf_token()
    assert {"/login", "/logout", "/events/new"} <= set(forms)
    assert any(action.endswith("/retract") for action in forms)
    answers = {}
    before = live.count_events()
    for action, fields in forms.items():
        assert fields.get("csrf_token"), f"the form posting to {action} carries no token"
        for variant, token in (("none", None), ("forged", "forged"), ("stranger", stranger_token)):
            sent = {k: v for k, v in fields.items() if k != "csrf_token"}
            if token is not None:
                sent["csrf_token"] = token
            answers[f"{action} ({variant} token)"] = editor.post_form(action, sent).status
    figures.add(inputs_tried=len(answers))

    assert {k: s for k, s in answers.items() if s != 400} == {}
    assert live.count_events() == before
    assert editor.get("/events/new").status == 200  # the logout posts did not sign out


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_same_form_with_its_own_token_is_accepted(
    live: Deployment, editor: Visitor, figures: SuiteFigures
) -> None:
    fields = post_forms(editor, ["/events/new?type=model.released"])["/events/new"]
    fields |= {
        "occurred_on": "2026-05", "summary": "Recorded with a valid CSRF token",
        "sources.0.title": "Security suite", "payload.company": "openai",
        "payload.model": f"CSRF control {uuid4()}", "payload.access": "closed",
    }  # fmt: skip
    before = live.count_events()

    reply = editor.post_form("/events/new", fields)

    assert reply.status == 303, reply.text[:500]
    assert live.count_events() == before + 1
    figures.add(inputs_tried=1, events_written=1)


# --- the API --------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_api_refuses_a_signed_in_editors_session_cookie_for_writes(
    live: Deployment, editor: Visitor, figures: SuiteFigures
) -> None:
    document = launched("model", "openai", "Cookie-borne model", "2026-05")
    token = editor.csrf_token("/events/new?type=model.released")
    before = live.count_events()

    answers = [
        editor.post_json("/api/v1/events", document),
        editor.post_json("/api/v1/events", document, {"X-CSRFToken": token}),
        editor.send(
            "POST", "/api/v1/events", str(document).encode(), {"Content-Type": "text/plain"}
        ),
        editor.post_json("/api/v1/events", document, {"Authorization": "Bearer not-a-token"}),
    ]
    figures.add(inputs_tried=len(answers))

    assert [a.status for a in answers] == [401] * len(answers)
    assert all("Bearer" in (a.header("WWW-Authenticate") or "") for a in answers)
    assert live.count_events() == before


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_api_write_without_a_valid_bearer_token_is_a_401_that_writes_nothing(
    live: Deployment, figures: SuiteFigures
) -> None:
    real = live.token
    in_the_url = live.cli_ok("tokens", "create", "sent-in-a-url").strip()  # access logs keep URLs
    headers: dict[str, dict[str, str]] = {
        "no header": {},
        "empty bearer": {"Authorization": "Bearer "},
        "basic scheme": {"Authorization": f"Basic {real}"},
        "token alone": {"Authorization": real},
        "unknown token": {"Authorization": "Bearer stk_" + "x" * 43},
        "token with a letter added": {"Authorization": f"Bearer {real}x"},
        "token cut short": {"Authorization": f"Bearer {real[:-1]}"},
        "token in another case": {"Authorization": f"Bearer {real.swapcase()}"},
        "oversized token": {"Authorization": "Bearer " + "a" * 5000},
        "token as a query parameter": {},
    }
    before = live.count_events()
    answers = {}
    for name, sent in headers.items():
        target = "/api/v1/events" + (f"?token={in_the_url}" if "query" in name else "")
        body = json.dumps(launched("model", "openai", f"Unauthorised {name}", "2026-05"))
        reply = request(
            live.server.base_url, "POST", target, body.encode(),
            {"Content-Type": "application/json", **sent},
        )  # fmt: skip
        answers[name] = reply
    figures.add(inputs_tried=len(answers))

    assert {n: r.status for n, r in answers.items() if r.status != 401} == {}
    for reply in answers.values():
        assert reply.json()["error"] == "unauthorized" and reply.json()["message"]
        assert reply.header("WWW-Authenticate") == 'Bearer realm="stackline"'
    assert live.count_events() == before
    control = post_event(
        live.server.base_url, real, launched("model", "openai", "Authorised", "2026-05")
    )
    assert control.status == 201
    figures.add(events_written=1)


# --- the login rate limit -------------------------------------------------------------------


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def limited(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Deployment]:
    """A server with the shipped login limit; on PostgreSQL two workers share it through Redis."""
    settings: dict[str, str] = {}
    if backend == "postgres":
        if not redis_reachable():
            pytest.skip("Redis is not reachable at 127.0.0.1:6379")
        url = request.getfixturevalue("second_postgres_url")
        reset_postgres(url)
        settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"rl-{uuid4()}"}
    else:
        url = f"sqlite:///{tmp_path / 'limited' / 'stackline.db'}"
    deployment = Deployment.create(tmp_path / "limited", url, **settings)
    try:
        editor_and_token(deployment, *EDITOR)
        deployment.serve(workers=2 if backend == "postgres" else 1)
        yield deployment
    finally:
        deployment.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_login_rate_limit_answers_429_even_to_the_right_password(
    limited: Deployment, figures: SuiteFigures
) -> None:
    visitor = Visitor(limited.server.base_url)
    guesses = [visitor.login(EDITOR[0], f"guess {n}").status for n in range(DEFAULT_LOGIN_LIMIT)]

    blocked = visitor.login(*EDITOR)

    figures.add(inputs_tried=DEFAULT_LOGIN_LIMIT + 1)
    assert guesses == [401] * DEFAULT_LOGIN_LIMIT
    assert blocked.status == 429
    assert "session" not in visitor.cookies or visitor.get("/events/new").status == 302
    assert_security_headers(blocked)


# --- headers and cookies --------------------------------------------------------------------


def assert_security_headers(reply: Reply) -> None:
    policy = reply.header("Content-Security-Policy") or ""
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives.get("frame-ancestors") == ["'none'"]
    assert directives.get("script-src") == ["'self'"] and directives.get("style-src") == ["'self'"]
    assert reply.header("X-Content-Type-Options") == "nosniff"
    assert reply.header("Referrer-Policy") in ALLOWED_REFERRER_POLICIES


def answers_to_look_at(live: Deployment, editor: Visitor) -> dict[str, Reply]:
    base = live.server.base_url
    event_id = some_event_id(live)
    anonymous = {
        path: request(base, "GET", path)
        for path in (
            "/", "/?as_of=not-a-date", "/timeline", "/companies/openai", "/companies/nobody",
            f"/events/{event_id}", "/login", "/logout", "/events/new", "/static/app.js",
            "/static/style.css", "/healthz", "/api/v1/events", "/api/v1/openapi.json",
            "/api/v1/companies/nobody/stack", "/api/v1/events?limit=0", "/api/v1/export",
            "/no-such-page",
        )
    }  # fmt: skip
    anonymous["DELETE /timeline"] = request(base, "DELETE", "/timeline")
    anonymous["POST /api/v1/events"] = request(base, "POST", "/api/v1/events", b"{}")
    anonymous["POST /login 2 MB"] = request(
        base, "POST", "/login", b"x" * 2_000_000,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    signed_in = {
        f"editor {path}": editor.get(path)
        for path in ("/events/new?type=model.released", f"/events/{event_id}/retract")
    }
    return anonymous | signed_in


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_answer_carries_the_security_headers_and_every_cookie_is_http_only_and_lax(
    live: Deployment, editor: Visitor, figures: SuiteFigures
) -> None:
    answers = answers_to_look_at(live, editor)
    figures.add(inputs_tried=len(answers))
    assert {413, 405, 404, 401, 400, 302, 200} <= {a.status for a in answers.values()}
    for name, reply in answers.items():
        try:
            assert_security_headers(reply)
        except AssertionError as error:
            raise AssertionError(f"{name} ({reply.status}): {error}") from None

    cookies = editor.set_cookie_headers + [
        c for a in answers.values() for c in a.headers_named("Set-Cookie")
    ]
    assert any(c.startswith("session=") for c in cookies)
    for cookie in cookies:
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert "httponly" in attributes and "samesite=lax" in attributes, cookie
