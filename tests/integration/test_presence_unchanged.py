"""An append that changes no one's presence leaves the presence rows alone — but for causes.

A company that already owns a layer adds another asset there: the presence projection must end
up exactly as a rebuild makes it, its rows untouched when none starts on the event's day, and the
event added to the causes of the rows that do (the shortcut of `store/presence.py`). Random logs
check, after every append, that the stored presence equals a rebuild's, and that the shortcut
was taken along the way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from stackline.services.recording import LabelledEvent, import_events, record_event
from stackline.store import presence as presence_module
from stackline.store.database import make_engine, upgrade
from stackline.store.rebuild import projections_match_log
from stackline.store.units_of_work import Database
from tests.conftest import fresh_database_url
from tests.examples import examples
from tests.integration.builders import acquired, invested, launched, registered, retracted
from tests.integration.random_logs import append_random_log

# Storage-specific: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.storage

SEEDS = range(examples(10))
PROPOSALS = 40


def presence_rows(database: Database) -> list[tuple[Any, ...]]:
    with database.reading() as uow:
        return [
            tuple(map(str, row))
            for row in uow.connection.execute(
                text(
                    "SELECT company, valid_from, valid_to, hardware, compute, model, application, "
                    "parent, name, rank_key, event_ids FROM presence ORDER BY company, valid_from"
                )
            )
        ]


def stale_tables(database: Database) -> dict[str, list[int]]:
    with database.writing() as uow:  # the rebuild it compares with is rolled back
        return projections_match_log(uow)


def causes_of(database: Database, company: str, day: str) -> list[str]:
    with database.reading() as uow:
        stored = uow.connection.execute(
            text("SELECT event_ids FROM presence WHERE company = :c AND valid_from = :d"),
            {"c": company, "d": day},
        ).scalar_one()
    return list(json.loads(stored))


@pytest.fixture
def industry(database: Database) -> Database:
    """acme owns a model from 2020; bigco owns acme from 2021; fund invests in acme in 2022."""
    for document in (
        registered("acme", "2015"),
        registered("bigco", "2010"),
        registered("fund", "2012"),
        launched("model", "acme", "Acme One", "2020-03-01"),
        acquired("bigco", "acme", "2021-06-01"),
        invested("fund", "acme", "2022-01-01"),
    ):
        record_event(database, document, "test")
    return database


@pytest.fixture
def shortcuts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the writes that took the shortcut (left presence alone but for causes)."""
    taken: list[int] = []
    add_causes = presence_module.PresenceProjector._add_causes

    def counted(self: presence_module.PresenceProjector) -> None:
        taken.append(1)
        add_causes(self)

    monkeypatch.setattr(presence_module.PresenceProjector, "_add_causes", counted)
    return taken


def test_a_second_model_on_a_quiet_day_changes_no_presence_row(
    industry: Database, shortcuts: list[int]
) -> None:
    before = presence_rows(industry)

    record_event(industry, launched("model", "acme", "Acme Two", "2023-05-17"), "test")

    assert shortcuts == [1]
    assert presence_rows(industry) == before
    assert stale_tables(industry) == {}


def test_a_second_model_on_the_first_day_of_rows_joins_their_causes(
    industry: Database, shortcuts: list[int]
) -> None:
    # acme's, bigco's and fund's rows change on 2022-01-01 (fund's stake begins).
    second = launched("model", "acme", "Acme Two", "2022-01-01")
    record_event(industry, second, "test")

    assert shortcuts == [1]
    assert second["id"] in causes_of(industry, "fund", "2022-01-01")
    assert stale_tables(industry) == {}


def test_a_model_retracted_in_the_same_import_is_no_cause(
    industry: Database, shortcuts: list[int]
) -> None:
    second = launched("model", "acme", "Acme Two", "2022-01-01")
    import_events(
        industry,
        [LabelledEvent("launch", second), LabelledEvent("retraction", retracted(second["id"]))],
        "test",
    )

    assert second["id"] not in causes_of(industry, "fund", "2022-01-01")
    assert stale_tables(industry) == {}


def test_a_model_where_the_company_had_none_still_changes_its_rows(
    industry: Database, shortcuts: list[int]
) -> None:
    before = presence_rows(industry)

    record_event(industry, launched("chip", "acme", "Acme Chip", "2023-05-17"), "test")

    assert shortcuts == []
    assert presence_rows(industry) != before
    assert stale_tables(industry) == {}


def test_a_model_released_before_the_company_owned_one_changes_its_rows(
    industry: Database, shortcuts: list[int]
) -> None:
    record_event(industry, launched("model", "acme", "Acme Zero", "2018-01-01"), "test")
    assert shortcuts == []

    with industry.reading() as uow:
        first_owned = uow.connection.execute(
            text("SELECT MIN(valid_from) FROM presence WHERE company = 'acme' AND model = 'owned'")
        ).scalar_one()
    assert str(first_owned) == "2018-01-01"
    assert stale_tables(industry) == {}


def test_after_every_append_of_random_logs_presence_equals_a_rebuild(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, shortcuts: list[int]
) -> None:
    postgres = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    appends = 0
    for seed in SEEDS:
        directory = tmp_path / f"log-{seed}"
        directory.mkdir()
        database = Database(make_engine(fresh_database_url(backend, directory, postgres)))
        try:
            upgrade(database.engine)
            for document in append_random_log(database, seed, PROPOSALS):
                appends += 1
                assert "presence" not in stale_tables(database), (seed, document)
        finally:
            database.dispose()

    assert len(shortcuts) >= appends // 20, (len(shortcuts), appends)  # the shortcut is exercised
