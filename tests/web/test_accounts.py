"""Accounts, second pass: sessions end on sign-out (a copied cookie too), editors can be disabled
and tokens revoked, the login limit counts per address and name, the database file is private,
and invisible characters are refused in names and shown in summaries."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from stackline.domain.documents import parse_event
from stackline.domain.errors import StacklineError
from stackline.services import accounts
from stackline.services.recording import record_event
from stackline.store.units_of_work import Database
from tests.web.api_support import API, bearer, company_registered, post_event
from tests.web.conftest import EDITOR, make_app
from tests.web.helpers import csrf_token, login, page

FORM = "/events/new?type=model.released"


def test_signing_out_ends_every_copy_of_the_session(app: Flask) -> None:
    browser = app.test_client()
    assert login(browser).status_code == 302
    cookie = browser.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get(FORM).status_code == 200  # a copied cookie works while the session lasts

    token = csrf_token(browser.get("/logout"))
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302

    assert thief.get(FORM).status_code == 302  # sent to sign in
    assert browser.get(FORM).status_code == 302
    assert login(browser).status_code == 302  # signing in again starts a new session
    assert browser.get(FORM).status_code == 200


def test_a_disabled_editor_cannot_sign_in_and_their_sessions_end(
    app: Flask, database: Database
) -> None:
    browser = app.test_client()
    assert login(browser).status_code == 302

    accounts.disable_user(database, EDITOR[0])

    assert browser.get(FORM).status_code == 302
    refused = login(browser)
    assert refused.status_code == 401
    assert "Unknown name or wrong password." in page(refused).one("main").text()


def test_a_revoked_token_writes_no_more(client: FlaskClient, database: Database) -> None:
    token = accounts.create_token(database, "script")
    other = accounts.create_token(database, "other-script")
    assert post_event(client, token, company_registered("before")).status_code == 201

    assert accounts.revoke_token(database, "script") == 1

    refused = post_event(client, token, company_registered("after"))
    assert refused.status_code == 401
    assert client.get(f"{API}/events?company=after").status_code == 404  # nothing written
    assert post_event(client, other, company_registered("still")).status_code == 201
    assert client.post(f"{API}/events", headers=bearer(token)).status_code == 401


def test_the_login_limit_counts_per_address_and_name(tmp_path: Path) -> None:
    app = make_app(tmp_path, LOGIN_RATE_LIMIT="3 per minute")
    accounts.create_user(app.extensions["stackline.database"], *EDITOR)
    attacker = app.test_client()
    guesses = [login(attacker, name=EDITOR[0], password="guess").status_code for _ in range(4)]
    assert guesses == [401, 401, 401, 429]

    elsewhere = app.test_client()
    signed_in = elsewhere.post(
        "/login",
        data={"csrf_token": csrf_token(elsewhere.get("/login")), "name": EDITOR[0],
              "password": EDITOR[1]},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )  # fmt: skip
    assert signed_in.status_code == 302  # the attacker has not locked the editor out
    assert login(attacker, name="someone-else", password="guess").status_code == 401
    app.extensions["stackline.database"].dispose()


def test_a_new_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    app = make_app(tmp_path / "fresh")
    database_file = tmp_path / "fresh" / "web.db"
    assert stat.S_IMODE(os.stat(database_file).st_mode) == 0o600
    app.extensions["stackline.database"].dispose()


def test_invisible_characters_are_refused_in_names_and_shown_in_summaries(
    client: FlaskClient, database: Database
) -> None:
    reversed_name = company_registered("mirror")
    reversed_name["payload"]["name"] = "Good\u202eCorp"
    try:
        parse_event(reversed_name)
    except StacklineError as error:
        assert [p.field for p in error.problems] == ["payload.name"]
        assert "U+202E" in error.problems[0].message
    else:
        raise AssertionError("a name with a right-to-left override was accepted")

    hidden = company_registered("hidden", summary="Acme\u200b founded")
    appended = record_event(database, hidden, "tester")
    shown = page(client.get(f"/events/{appended.event_id}")).one("main").text()
    assert "Acme⟨U+200B⟩ founded" in shown


def test_one_address_trying_many_names_meets_a_looser_limit_of_its_own(tmp_path: Path) -> None:
    app = make_app(tmp_path, LOGIN_RATE_LIMIT="2 per minute")  # per address: 10 per minute
    client = app.test_client()
    sprayed = [
        login(client, name=f"editor-{n}", password="Summer2026!").status_code for n in range(10)
    ]
    assert sprayed == [401] * 10
    assert login(client, name="editor-10", password="Summer2026!").status_code == 429
    app.extensions["stackline.database"].dispose()
