"""DESIGN §6 through the browser's door: CSRF on every form post, sign-in and its rate limit,
response headers, cookies, body caps, `next` redirects, escaping, and the secret key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stackline.domain.filters import EventFilter
from stackline.services import accounts, timeline
from stackline.services.recording import record_event
from stackline.store.units_of_work import Database
from stackline.web import create_app
from tests.web.conftest import EDITOR, make_app
from tests.web.helpers import csrf_token, form_data, login, main_text, page

COLOSSUS = "549a995f-e9c5-50e4-b09d-9abacd724713"
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
ALLOWED_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def all_events(database: Database) -> int:
    return timeline.list_events(database, EventFilter(include_voided=True), count=True).total or 0


@pytest.fixture
def editor(client: FlaskClient) -> FlaskClient:
    assert login(client).status_code == 302
    return client


@pytest.fixture
def built_apps() -> Iterator[list[Flask]]:
    """Apps a test builds with its own settings; their databases are closed afterwards."""
    apps: list[Flask] = []
    yield apps
    for app in apps:
        app.extensions["stackline.database"].dispose()


def build(apps: list[Flask], tmp_path: Path, name: str, **config: Any) -> Flask:
    folder = tmp_path / name
    folder.mkdir()
    app = make_app(folder, **config)
    accounts.create_user(app.extensions["stackline.database"], *EDITOR)
    apps.append(app)
    return app


# --- CSRF --------------------------------------------------------------------------------------


def test_signing_in_without_a_csrf_token_is_a_400(client: FlaskClient) -> None:
    response = client.post("/login", data={"name": EDITOR[0], "password": EDITOR[1]})

    assert response.status_code == 400
    assert "CSRF" in main_text(response)
    assert client.get("/events/new").status_code == 302  # still signed out


def test_signing_in_with_a_forged_csrf_token_is_a_400(client: FlaskClient) -> None:
    client.get("/login")

    response = client.post(
        "/login", data={"csrf_token": "forged", "name": EDITOR[0], "password": EDITOR[1]}
    )

    assert response.status_code == 400


def test_a_csrf_token_from_another_session_is_refused(app: Flask) -> None:
    other_token = csrf_token(app.test_client().get("/login"))
    client = app.test_client()
    client.get("/login")

    response = client.post(
        "/login", data={"csrf_token": other_token, "name": EDITOR[0], "password": EDITOR[1]}
    )

    assert response.status_code == 400


def test_signing_out_without_a_csrf_token_is_a_400_and_keeps_the_editor_signed_in(
    editor: FlaskClient,
) -> None:
    response = editor.post("/logout")

    assert response.status_code == 400
    assert editor.get("/events/new").status_code == 200


def test_signing_out_with_the_token_ends_the_session(editor: FlaskClient) -> None:
    token = csrf_token(editor.get("/logout"))

    response = editor.post("/logout", data={"csrf_token": token})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Signed out." in main_text(editor.get("/"))
    assert editor.get("/events/new").status_code == 302


def test_signing_out_is_never_done_by_a_get(editor: FlaskClient) -> None:
    response = editor.get("/logout")

    assert response.status_code == 200
    assert editor.get("/events/new").status_code == 200


def test_recording_an_event_without_a_csrf_token_is_a_400_and_writes_nothing(
    editor: FlaskClient, database: Database
) -> None:
    data = form_data(editor.get("/events/new?type=company.renamed"), "/events/new")
    del data["csrf_token"]
    data.update(
        {
            "occurred_on": "2026-10",
            "summary": "xAI renames itself",
            "payload.company": "xai",
            "payload.name": "X.AI",
            "sources.0.title": "Press release",
        }
    )
    before = all_events(database)

    response = editor.post("/events/new", data=data)

    assert response.status_code == 400
    assert all_events(database) == before


def test_retracting_without_a_csrf_token_is_a_400_and_writes_nothing(
    editor: FlaskClient, database: Database
) -> None:
    data = form_data(editor.get(f"/events/{COLOSSUS}/retract"), f"/events/{COLOSSUS}/retract")
    del data["csrf_token"]
    data["payload.reason"] = "Wrong"
    before = all_events(database)

    response = editor.post(f"/events/{COLOSSUS}/retract", data=data)

    assert response.status_code == 400
    assert all_events(database) == before


def test_every_post_form_on_the_editor_pages_carries_a_csrf_token(editor: FlaskClient) -> None:
    for path in (
        "/",
        "/login",
        "/logout",
        "/timeline",
        "/events/new?type=partnership.formed",
        f"/events/{COLOSSUS}/correct",
        f"/events/{COLOSSUS}/retract",
    ):
        for form in page(editor.get(path)).find_all("form", method="post"):
            token = form.find("input", name="csrf_token", type="hidden")
            assert token is not None and token.get("value"), (path, form.get("action"))


# --- signing in --------------------------------------------------------------------------------


def test_an_anonymous_post_of_an_event_is_sent_to_sign_in_and_writes_nothing(
    client: FlaskClient, database: Database
) -> None:
    token = csrf_token(client.get("/login"))
    before = all_events(database)

    response = client.post(
        "/events/new",
        data={
            "csrf_token": token,
            "type": "company.renamed",
            "occurred_on": "2026-10",
            "summary": "xAI renames itself",
            "payload.company": "xai",
            "payload.name": "X.AI",
            "sources.0.title": "Press release",
        },
    )

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert all_events(database) == before


@pytest.mark.parametrize(
    "path", ["/events/new", f"/events/{COLOSSUS}/correct", f"/events/{COLOSSUS}/retract"]
)
def test_the_editing_pages_send_anonymous_visitors_to_sign_in(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


def test_an_anonymous_retraction_is_sent_to_sign_in_and_writes_nothing(
    client: FlaskClient, database: Database
) -> None:
    token = csrf_token(client.get("/login"))
    before = all_events(database)

    response = client.post(
        f"/events/{COLOSSUS}/retract", data={"csrf_token": token, "payload.reason": "Wrong"}
    )

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert all_events(database) == before


@pytest.mark.parametrize(
    ("name", "password"), [(EDITOR[0], "wrong password"), ("nobody", EDITOR[1]), ("", "")]
)
def test_a_wrong_name_or_password_is_a_401_with_a_message(
    client: FlaskClient, name: str, password: str
) -> None:
    response = login(client, name=name, password=password)

    assert response.status_code == 401
    document = page(response)
    assert "Unknown name or wrong password." in document.one("main").text()
    assert document.one("input", name="name").get("value") == name
    assert document.one("input", name="password").get("value") in (None, "")
    assert client.get("/events/new").status_code == 302


def test_signing_in_sends_the_editor_to_the_matrix(client: FlaskClient) -> None:
    response = login(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert f"Sign out {EDITOR[0]}" in page(client.get("/")).one("header").text()


def test_the_login_rate_limit_answers_429(built_apps: list[Flask], tmp_path: Path) -> None:
    app = build(built_apps, tmp_path, "limited", LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()

    attempts = [login(client, password="guess").status_code for _ in range(3)]
    blocked = login(client)

    assert attempts == [401, 401, 401]
    assert blocked.status_code == 429
    assert "Too many attempts" in main_text(blocked)
    assert client.get("/events/new").status_code == 302


def test_a_strict_login_limit_in_one_app_does_not_limit_another(
    built_apps: list[Flask], tmp_path: Path
) -> None:
    build(built_apps, tmp_path, "strict", LOGIN_RATE_LIMIT="1 per minute")
    relaxed = build(built_apps, tmp_path, "relaxed", LOGIN_RATE_LIMIT="100 per minute")
    client = relaxed.test_client()

    statuses = [login(client, password="guess").status_code for _ in range(4)]

    assert statuses == [401, 401, 401, 401]


def test_the_session_cookie_of_a_signed_in_editor_cannot_record_events_as_json(
    editor: FlaskClient, database: Database
) -> None:
    before = all_events(database)

    response = editor.post(
        "/api/v1/events",
        json={
            "type": "company.renamed",
            "occurred_on": "2026-10",
            "summary": "xAI renames itself",
            "sources": [{"title": "Press release"}],
            "payload": {"company": "xai", "name": "X.AI"},
        },
    )

    assert response.status_code == 401
    assert all_events(database) == before


# --- headers, cookies, body size ---------------------------------------------------------------


PAGES = [
    "/",
    "/?as_of=not-a-date",
    "/timeline",
    "/companies/spacex",
    "/companies/no-such-company",
    f"/events/{COLOSSUS}",
    "/login",
    "/events/new",
    "/static/app.js",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    with client.get(path) as response:
        headers = response.headers

    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in headers["Content-Security-Policy"].split(";")
        if directive.strip()
    }
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ALLOWED_REFERRER_POLICIES


@pytest.mark.parametrize(
    "path",
    [
        "/?as_of=2026-07-01",
        "/timeline",
        "/companies/spacex?as_of=2026-07-01&compare=2026-01-01",
        f"/events/{COLOSSUS}",
        "/login",
        "/events/new",
        "/events/new?type=partnership.formed",
        f"/events/{COLOSSUS}/retract",
    ],
)
def test_pages_need_no_inline_script_or_style(editor: FlaskClient, path: str) -> None:
    document = page(editor.get(path))

    for element in document.iter():
        assert element.tag != "style", path
        assert "style" not in element.attrs, (path, element)
        assert not [name for name in element.attrs if name.startswith("on")], (path, element)
        if element.tag == "script":
            assert (element.get("src") or "").startswith("/static/"), path
            assert element.text() == "", path
        href = element.get("href") or ""
        assert not href.lower().startswith("javascript:"), path


def session_cookie(headers: list[str]) -> str:
    [cookie] = [h for h in headers if h.startswith("session=")]
    return cookie


def test_the_session_cookie_is_http_only_and_same_site_lax(client: FlaskClient) -> None:
    response = login(client)

    attributes = {
        part.strip().split("=")[0].lower(): part.strip()
        for part in session_cookie(response.headers.getlist("Set-Cookie")).split(";")
    }
    assert "httponly" in attributes
    assert attributes["samesite"] == "SameSite=Lax"


def test_a_body_over_the_size_cap_is_a_413(client: FlaskClient, app: Flask) -> None:
    token = csrf_token(client.get("/login"))
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)

    response = client.post(
        "/login", data={"csrf_token": token, "name": EDITOR[0], "password": too_big}
    )

    assert response.status_code == 413
    assert "Too large" in main_text(response)


def test_an_event_form_over_the_size_cap_is_a_413_and_writes_nothing(
    editor: FlaskClient, database: Database, app: Flask
) -> None:
    data = form_data(editor.get("/events/new?type=company.renamed"), "/events/new")
    data.update(
        {
            "occurred_on": "2026-10",
            "summary": "xAI renames itself",
            "payload.company": "xai",
            "payload.name": "X.AI",
            "sources.0.title": "Press release",
            "details": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
        }
    )
    before = all_events(database)

    response = editor.post("/events/new", data=data)

    assert response.status_code == 413
    assert all_events(database) == before


# --- where `next` may lead ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "https://evil.example/login",
        "//evil.example",
        "///evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        " //evil.example",
    ],
)
def test_signing_in_never_follows_next_off_the_site(client: FlaskClient, target: str) -> None:
    response = login(client, next=target)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\\evil.example", "/\\/evil.example"])
def test_a_backslash_in_next_stays_a_path_on_this_site(client: FlaskClient, target: str) -> None:
    response = login(client, next=target)

    location = response.headers["Location"]
    assert location.startswith("/")
    assert not location.startswith("//")
    assert "\\" not in location  # browsers read a backslash as a slash: "/\\x" is "//x"


def test_the_login_page_drops_a_next_that_leaves_the_site(client: FlaskClient) -> None:
    document = page(client.get("/login?next=https://evil.example"))

    assert document.find("input", name="next") is None


def test_signing_in_follows_next_within_the_site(client: FlaskClient) -> None:
    response = login(client, next="/timeline?company=xai")

    assert response.headers["Location"] == "/timeline?company=xai"


# --- escaping ----------------------------------------------------------------------------------


@pytest.fixture
def hostile(database: Database) -> dict[str, str]:
    """A company whose name is markup and an event whose summary and sources are script."""
    record_event(
        database,
        {
            "type": "company.registered",
            "occurred_on": "2020",
            "summary": f"{IMAGE} is founded",
            "sources": [{"title": SCRIPT}],
            "payload": {"company": "hostile", "name": IMAGE, "kind": "lab"},
        },
        EDITOR[0],
    )
    launched = record_event(
        database,
        {
            "type": "product.launched",
            "occurred_on": "2026-01-15",
            "summary": SCRIPT,
            "details": f"Details {SCRIPT}",
            "sources": [
                {
                    "title": f"{IMAGE} report",
                    "url": 'https://example.com/?q="><script>alert(2)</script>',
                    "publisher": SCRIPT,
                }
            ],
            "payload": {
                "company": "hostile",
                "product": IMAGE,
                "kind": SCRIPT,
                "status": "available",
            },
        },
        EDITOR[0],
    )
    return {"event": launched.event_id}


def assert_shown_as_text(html_page: Any, *texts: str) -> None:
    body = html_page.get_data(as_text=True)
    assert html_page.status_code == 200
    assert "alert(1)</script>" not in body
    assert "<img src=x" not in body
    assert "<script>alert(2)" not in body
    document = page(html_page)
    assert document.find("img") is None
    scripts = document.find_all("script")
    assert [s.get("src") for s in scripts] == ["/static/app.js"]
    visible = document.one("main").text()
    for text in texts:
        assert text in visible


def test_markup_in_names_and_summaries_is_escaped_on_the_matrix(
    client: FlaskClient, hostile: dict[str, str]
) -> None:
    assert_shown_as_text(client.get("/?as_of=2026-11-01"), IMAGE)


def test_markup_in_names_and_summaries_is_escaped_on_the_company_page(
    client: FlaskClient, hostile: dict[str, str]
) -> None:
    response = client.get("/companies/hostile?as_of=2026-11-01&compare=2026-01-01")

    assert_shown_as_text(response, IMAGE, SCRIPT)
    assert IMAGE in page(response).one("head").one("title").text()


def test_markup_in_summaries_is_escaped_on_the_timeline(
    client: FlaskClient, hostile: dict[str, str]
) -> None:
    assert_shown_as_text(client.get("/timeline?company=hostile"), SCRIPT, f"{IMAGE} is founded")


def test_markup_in_every_field_is_escaped_on_the_event_page(
    client: FlaskClient, hostile: dict[str, str]
) -> None:
    response = client.get(f"/events/{hostile['event']}")

    assert_shown_as_text(response, SCRIPT, f"Details {SCRIPT}", f"{IMAGE} report", IMAGE)
    link = page(response).one("ul", class_="sources").one("a")
    assert link.get("href") == 'https://example.com/?q="><script>alert(2)</script>'
    assert SCRIPT in page(response).one("head").one("title").text()


def test_markup_in_company_names_is_escaped_in_the_form_pickers(
    editor: FlaskClient, hostile: dict[str, str]
) -> None:
    response = editor.get("/events/new?type=model.released")

    assert_shown_as_text(response, f"{IMAGE} (hostile)")


# --- the secret key ----------------------------------------------------------------------------


def test_the_app_refuses_to_start_without_a_secret_key_outside_tests(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("STACKLINE_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)

    with pytest.raises(RuntimeError, match="STACKLINE_SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}"})


def test_the_app_takes_its_secret_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("STACKLINE_SECRET_KEY", "a-secret-from-the-environment")

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}"})

    try:
        assert app.config["SECRET_KEY"] == "a-secret-from-the-environment"
    finally:
        app.extensions["stackline.database"].dispose()
