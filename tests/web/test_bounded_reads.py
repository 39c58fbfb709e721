"""Expensive reads a few at a time and answers too large refused, in words (`web.limits`):
the seed is small, so the bounds are set low here to see them work (the 40,000-event run is
`tests/reliability/test_bounded_work.py`)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.web.api_support import API
from tests.web.conftest import make_app


@pytest.fixture
def bounded(tmp_path: Path, seeded_template: Path) -> Iterator[Flask]:
    shutil.copyfile(seeded_template, tmp_path / "web.db")
    app = make_app(
        tmp_path, MAX_EXPENSIVE_READS=1, MAX_GRAPH_NODES=40,
        MAX_GRAPH_PAGE_NODES=30,
    )  # fmt: skip
    yield app
    app.extensions["stackline.database"].dispose()


def _slots(app: Flask) -> threading.BoundedSemaphore:
    slots: threading.BoundedSemaphore = app.extensions["stackline.expensive_reads"]
    return slots


def test_an_expensive_read_past_the_limit_is_a_429_in_words_with_retry_after(
    bounded: Flask,
) -> None:
    client = bounded.test_client()
    cheap = client.get(f"{API}/companies/nvidia/stack?as_of=2025-01-01")
    assert _slots(bounded).acquire(blocking=False)  # another request holds the only slot
    try:
        api = client.get(f"{API}/graph?company=tsmc")
        page = client.get("/companies/nvidia?as_of=2024-01-01")
        again = client.get(f"{API}/companies/nvidia/stack?as_of=2025-01-01")
        repeat = client.get(f"{API}/companies/nvidia/stack?as_of=2025-01-01",
                            headers={"If-None-Match": cheap.headers["ETag"]})  # fmt: skip
    finally:
        _slots(bounded).release()

    assert api.status_code == 429 and api.headers["Retry-After"] == "5"
    refusal = api.get_json()
    assert refusal["error"] == "too_many_expensive_reads" and "try again in 5" in refusal["message"]
    assert page.status_code == 429 and page.headers["Retry-After"] == "5"
    assert "expensive reads" in page.get_data(as_text=True)
    assert (again.status_code, repeat.status_code) == (200, 304)  # reads without known_on go on
    assert client.get(f"{API}/graph?company=tsmc").status_code == 200  # the slot is back


def test_a_known_on_read_is_answered_from_the_projections_whatever_the_logs_length(
    bounded: Flask,
) -> None:
    """Reads as known on a moment no longer replay the log (DESIGN §9.4): no bound on the log's
    length refuses them; they still take an expensive-read slot while they run."""
    client = bounded.test_client()
    answered = client.get(f"{API}/companies/nvidia/stack?as_of=2025-01-01&known_on=2026-01-01")
    assert answered.status_code == 200 and answered.get_json()["known_on"].startswith("2026-01-01")
    assert client.get("/companies/nvidia?known_on=2026-01-01").status_code == 200
    assert _slots(bounded).acquire(blocking=False)  # the slot was given back
    _slots(bounded).release()


def test_a_graph_past_its_node_bound_is_a_413_pointing_to_a_neighbourhood(
    bounded: Flask,
) -> None:
    client = bounded.test_client()
    whole = client.get(f"{API}/graph?as_of=2026-11-01")
    assert whole.status_code == 413
    body = whole.get_json()
    assert body["error"] == "graph_too_large" and "company=SLUG" in body["message"]
    assert body["details"] == [
        {"field": "company", "message": "ask for one company's neighbourhood with company=SLUG"}
    ]
    page = client.get("/graph?as_of=2026-11-01")
    assert page.status_code == 413 and "neighbourhood" in page.get_data(as_text=True)
    assert client.get(f"{API}/graph?as_of=2026-11-01&company=tsmc").status_code == 200


def test_the_openapi_document_lists_the_refusals_of_expensive_reads(bounded: Flask) -> None:
    document = bounded.test_client().get(f"{API}/openapi.json").get_json()
    for path in ("/api/v1/graph", "/api/v1/stack", "/api/v1/companies/{slug}/stack",
                 "/api/v1/integration", "/api/v1/plans", "/api/v1/companies/{slug}/diff"):  # fmt: skip
        responses = document["paths"][path]["get"]["responses"]
        assert {"413", "429"} <= set(responses), path
    graph = document["paths"]["/api/v1/graph"]["get"]
    assert "5,000 nodes" in graph["description"]
