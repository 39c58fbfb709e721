"""A page is one unit of work, in a number of statements that does not grow with the log.

SQLAlchemy's events count every statement and every transaction the app runs for a request;
the same page is counted again after the log has grown — more companies, more events, more
subsidiaries of the company shown — and must cost the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from stackline.services.recording import LabelledEvent, import_events
from stackline.store.units_of_work import Database
from tests.integration.builders import acquired, launched, partnered, registered
from tests.web.conftest import EDITOR


@dataclass
class Counts:
    statements: int = 0
    transactions: int = 0


@pytest.fixture
def counted(app: Flask) -> Iterator[Counts]:
    engine = app.extensions["stackline.database"].engine
    counts = Counts()

    def statement(*_: Any) -> None:
        counts.statements += 1

    def transaction(*_: Any) -> None:
        counts.transactions += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", transaction)
    yield counts
    event.remove(engine, "before_cursor_execute", statement)
    event.remove(engine, "begin", transaction)


def cost(client: FlaskClient, counts: Counts, url: str) -> Counts:
    counts.statements = counts.transactions = 0
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return Counts(counts.statements, counts.transactions)


def grow_the_log(database: Database, companies: int) -> None:
    """More of everything: new companies with assets and deals, and new subsidiaries of SpaceX
    (each with assets of its own), all in the page's range of days."""
    documents: list[dict[str, Any]] = []
    for index in range(companies):
        slug = f"grown-{index}"
        documents += [
            registered(slug, "2010"),
            launched("model", slug, f"Model {index}", "2015"),
            launched("product", slug, f"App {index}", "2016"),
            partnered([slug, "spacex"], "compute", "2017", provider="spacex"),
        ]
        if index % 3 == 0:
            documents.append(acquired("spacex", slug, "2026-03"))
    import_events(database, [LabelledEvent(str(i), d) for i, d in enumerate(documents)], "grow")


PAGES = [
    "/companies/spacex?as_of=2026-07-01&compare=2025-01-01",
    "/?as_of=2026-07-01",
    "/timeline?company=spacex",
    "/events/new?type=partnership.formed",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_costs_the_same_statements_in_one_transaction_however_big_the_log(
    url: str, app: Flask, database: Database, counted: Counts, editor_client: FlaskClient
) -> None:
    before = cost(editor_client, counted, url)
    grow_the_log(database, 30)
    after = cost(editor_client, counted, url)
    assert before.transactions == after.transactions == 1
    assert after.statements == before.statements, (before, after)
    assert after.statements <= 30


@pytest.fixture
def editor_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.get("/login")
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"name": EDITOR[0], "password": EDITOR[1], "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def _csrf(page: str) -> str:
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]
