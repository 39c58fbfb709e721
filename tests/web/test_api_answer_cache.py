"""Repeated API reads are answered from memory, and never outlive a change of the log or of the
day; the cache and the ETag key on one answer identity, and the cache keeps to a byte budget."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stackline.services import accounts
from stackline.services.recording import record_event
from tests.web.api_support import API, company_registered, post_event
from tests.web.conftest import make_app

STACK = "/api/v1/companies/openai/stack?as_of=2026-11-01"


def test_a_repeated_read_gets_the_same_bytes_from_the_answer_cache(
    app: Flask, client: FlaskClient
) -> None:
    first = client.get(STACK)
    cache = app.extensions["stackline.answers"]
    assert len(cache.entries) == 1
    second = client.get(STACK)
    assert second.status_code == 200 and second.data == first.data
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_an_append_makes_the_next_read_compose_a_fresh_answer(
    app: Flask, client: FlaskClient
) -> None:
    before = client.get(STACK).get_json()
    assert "Zeta-1" not in str(before)
    record_event(app.extensions["stackline.database"], {
        "type": "model.released", "occurred_on": "2026-10-01", "summary": "OpenAI ships Zeta-1",
        "sources": [{"title": "test"}], "payload": {"company": "openai", "model": "Zeta-1", "access": "closed"},
    }, "tester")  # fmt: skip
    after = client.get(STACK).get_json()
    assert any(e["asset"] == "Zeta-1" for e in after["layers"]["model"]["entries"])


def test_errors_and_exports_are_not_kept(app: Flask, client: FlaskClient) -> None:
    assert client.get("/api/v1/companies/nobody/stack").status_code == 404
    assert client.get("/api/v1/export?company=openai").status_code == 200
    assert app.extensions["stackline.answers"].entries == {}


def test_with_private_reads_every_request_checks_its_token(tmp_path) -> None:
    from tests.web.conftest import make_app

    private = make_app(tmp_path, PUBLIC_READ=False)
    try:
        assert private.test_client().get(STACK).status_code == 401
        assert private.test_client().get(STACK).status_code == 401
        assert private.extensions["stackline.answers"].entries == {}
    finally:
        private.extensions["stackline.database"].dispose()


# --- one answer identity for the cache and the ETag; a budget in bytes ---


@dataclass
class MovableClock:
    """A clock a test moves by hand (`create_app` takes any object with `now()`)."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


BEFORE_MIDNIGHT = datetime(2030, 6, 30, 23, 59, 59, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2030, 7, 1, 0, 0, 1, tzinfo=UTC)


@pytest.fixture
def clocked(tmp_path: Path, seeded_template: Path) -> Iterator[tuple[Flask, MovableClock]]:
    shutil.copyfile(seeded_template, tmp_path / "web.db")
    clock = MovableClock(BEFORE_MIDNIGHT)
    app = make_app(tmp_path, CLOCK=clock)
    yield app, clock
    app.extensions["stackline.database"].dispose()


def _partnership_ending_at_midnight(app: Flask, token: str) -> None:
    client = app.test_client()
    for slug in ("alpha-lab", "beta-cloud"):
        assert post_event(client, token, company_registered(slug, "2029-01")).status_code == 201
    partnership = {
        "type": "partnership.formed", "occurred_on": "2029-06", "summary": "Alpha rents Beta",
        "sources": [{"title": "test"}],
        "payload": {"parties": ["alpha-lab", "beta-cloud"], "layer": "compute",
                    "provider": "beta-cloud", "status": "active", "ends_on": "2030-07-01"},
    }  # fmt: skip
    assert post_event(client, token, partnership).status_code == 201


def test_an_answer_kept_before_midnight_is_not_served_after_it(
    clocked: tuple[Flask, MovableClock],
) -> None:
    app, clock = clocked
    assert app.extensions["stackline.clock"] is clock  # a clock object, as given
    token = accounts.create_token(app.extensions["stackline.database"], "t")
    _partnership_ending_at_midnight(app, token)
    client = app.test_client()
    url = f"{API}/companies/alpha-lab/stack"

    before = client.get(url)
    assert before.get_json()["layers"]["compute"]["presence"] == "partner"
    clock.moment = AFTER_MIDNIGHT  # nothing appended: only the day changed
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["layers"]["compute"]["presence"] == "none"
    assert after.get_json()["as_of"] == "2030-07-01"
    assert after.headers["ETag"] != before.headers["ETag"]


def test_unknown_parameters_change_neither_the_cache_key_nor_the_etag(
    app: Flask, client: FlaskClient
) -> None:
    url = f"{API}/events?limit=150&include_voided=true"
    first = client.get(url)
    tags = {client.get(f"{url}&junk={index}").headers["ETag"] for index in range(300)}
    cache = app.extensions["stackline.answers"]
    assert len(cache.entries) == 1
    assert tags == {first.headers["ETag"]}
    assert client.get(f"{url}&limit=5").headers["ETag"] != first.headers["ETag"]  # a known one


def test_the_answer_cache_holds_at_most_its_budget_in_bytes(
    tmp_path: Path, seeded_template: Path
) -> None:
    shutil.copyfile(seeded_template, tmp_path / "web.db")
    budget = 512 * 1024
    app = make_app(tmp_path, ANSWER_CACHE_BYTES=budget)
    try:
        client = app.test_client()
        sizes = [
            len(client.get(f"{API}/events?limit={limit}&include_voided=true").data)
            for limit in range(100, 140)
        ]
        cache = app.extensions["stackline.answers"]
        assert sum(sizes) > 4 * budget
        assert 0 < sum(len(body) for body, _ in cache.entries.values()) <= cache.weight <= budget
    finally:
        app.extensions["stackline.database"].dispose()
