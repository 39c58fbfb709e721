"""Repeated API reads are answered from memory, and never outlive a change of the log."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from stackline.services.recording import record_event

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
