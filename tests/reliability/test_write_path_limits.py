"""The write path fails closed and in bounded time (reliability, second pass: items 2, 3, 5, 8).

- An import file cannot set the log's clock: its own `recorded_at` is kept only when a whole
  export is restored into an empty log, and never when it is later than now.
- A huge list is refused before the write lock is taken, quickly, with a capped error body.
- A writer waits for the lock at most the lock timeout, then gets 503 with `Retry-After`; a full
  disk and a read-only database answer 503 naming the cause; nothing is written.
- A read (an export, a matrix) sees one snapshot while writers append.
- Several `stackline init` at once all succeed: migrations take turns.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from stackline.domain.documents import client_document, compute_hash, parse_event
from stackline.domain.filters import EventFilter
from stackline.services import accounts
from stackline.services.files import labelled_events
from stackline.services.recording import LabelledEvent, import_events, record_event
from stackline.services.timeline import export_chunks
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from stackline.web import create_app
from tests.conftest import reset_postgres
from tests.integration.builders import launched, registered
from tests.pace import scaled
from tests.reliability.figures import SuiteFigures
from tests.reliability.server import Deployment
from tests.web.api_support import bearer, company_registered

LOCK_TIMEOUT_S = 0.5


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    made = create_app(
        {"TESTING": True, "SECRET_KEY": "limits", "DATABASE_URL": database_url,
         "LOCK_TIMEOUT": LOCK_TIMEOUT_S}
    )  # fmt: skip
    yield made
    made.extensions["stackline.database"].dispose()


@pytest.fixture
def app_database(app: Flask) -> Database:
    database: Database = app.extensions["stackline.database"]
    return database


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def token(app_database: Database) -> str:
    return accounts.create_token(app_database, "limits")


def count_events(database: Database) -> int:
    with database.engine.connect() as connection:
        return int(connection.scalar(text("SELECT count(*) FROM events")) or 0)


def post(client: FlaskClient, token: str, body: Any) -> Any:
    return client.post("/api/v1/events", data=json.dumps(body), headers=bearer(token))


# --- an import file cannot set the log's clock ------------------------------------------------


def exported(database: Database) -> list[dict[str, Any]]:
    document = json.loads("".join(export_chunks(database, EventFilter(include_voided=True))))
    events: list[dict[str, Any]] = document["events"]
    return events


def sealed_like(raw: dict[str, Any], after: dict[str, Any], **store: Any) -> dict[str, Any]:
    """`raw` as an export would carry it right after the event `after`, with `store` fields."""
    document = client_document(parse_event(raw))
    document.update(seq=after["seq"] + 1, prev_hash=after["hash"], schema_version=1, **store)
    document["hash"] = compute_hash(document)
    return document


@pytest.fixture
def second_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Database]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'second.db'}"
    else:
        url = request.getfixturevalue("second_postgres_url")
        reset_postgres(url)
    other = Database(make_engine(url))
    upgrade(other.engine)
    yield other
    other.dispose()


def test_a_whole_export_restored_into_an_empty_log_keeps_its_seals(
    database: Database, second_database: Database, figures: SuiteFigures
) -> None:
    record_event(database, registered("acme"), "alice")
    record_event(database, launched("chip", "acme", "A1", "2020"), "alice")
    original = exported(database)
    whole = "".join(export_chunks(database, EventFilter(include_voided=True))).encode()
    import_events(second_database, labelled_events("whole.json", whole), "restorer")
    assert exported(second_database) == original
    figures.add(events_written=4, inputs_tried=2)


@pytest.mark.parametrize(
    "selection",
    ["a bare list", "a filtered export", "a list in a document with no head"],
)
def test_sealed_events_that_are_not_a_whole_export_are_sealed_anew_in_an_empty_log(
    database: Database, second_database: Database, figures: SuiteFigures, selection: str
) -> None:
    """Issue 25 item 5: only a whole export (unfiltered, its count, every seq from 1) keeps its
    seals; the same sealed events in any other file are sealed anew, by the importer, now."""
    record_event(database, registered("acme"), "alice")
    record_event(database, launched("chip", "acme", "A1", "2020"), "alice")
    original = exported(database)
    document: Any = {
        "a bare list": original,
        "a filtered export": json.loads(
            "".join(export_chunks(database, EventFilter(company="acme", include_voided=True)))
        ),
        "a list in a document with no head": {"events": original},
    }[selection]
    content = json.dumps(document).encode()

    import_events(second_database, labelled_events("selection.json", content), "restorer")

    stored = exported(second_database)
    assert [e["id"] for e in stored] == [e["id"] for e in original]
    assert {e["recorded_by"] for e in stored} == {"restorer"}
    assert [e["hash"] for e in stored] != [e["hash"] for e in original]
    figures.add(events_written=4, inputs_tried=1)


def test_a_file_stamped_in_the_future_does_not_set_the_log_clock(
    database: Database, second_database: Database, figures: SuiteFigures
) -> None:
    """Even restoring into an empty log, an event claiming 2100 is sealed anew (with every
    later one), and the API's next append is stamped now."""
    first = client_document(parse_event(registered("acme")))
    first.update(seq=1, prev_hash="0" * 64, schema_version=1, recorded_by="mallory",
                 recorded_at="2100-12-31T00:00:00.000000Z")  # fmt: skip
    first["hash"] = compute_hash(first)
    second = sealed_like(launched("chip", "acme", "A1", "2020"), first, recorded_by="mallory",
                         recorded_at="2100-12-31T00:00:01.000000Z")  # fmt: skip
    restored = [LabelledEvent("a", first, keeps_seal=True), LabelledEvent("b", second, True)]
    import_events(second_database, restored, "me")
    record_event(second_database, launched("model", "acme", "M1", "2021"), "alice")
    stored = exported(second_database)
    assert [e["recorded_by"] for e in stored] == ["me", "me", "alice"]
    assert all(e["recorded_at"] < "2100" for e in stored)
    assert stored[0]["hash"] != first["hash"]
    figures.add(events_written=3, inputs_tried=3)


def test_an_export_that_fits_a_non_empty_log_is_sealed_again(
    database: Database, figures: SuiteFigures
) -> None:
    record_event(database, registered("acme"), "alice")
    head = exported(database)[-1]
    fitting = sealed_like(launched("chip", "acme", "A1", "2020"), head,
                          recorded_at=head["recorded_at"], recorded_by="someone-else")  # fmt: skip
    import_events(database, [LabelledEvent("fitting", fitting)], "importer")
    assert exported(database)[1]["recorded_by"] == "importer"
    figures.add(events_written=2, inputs_tried=2)


# --- huge lists, held locks, full disks, read-only databases --------------------------------


def test_a_huge_partnership_is_refused_quickly_with_a_capped_error(
    client: FlaskClient, token: str, app_database: Database, figures: SuiteFigures
) -> None:
    before = count_events(app_database)
    body = {
        "type": "partnership.formed", "occurred_on": "2024", "summary": "Too many parties",
        "sources": [{"title": "t"}],
        "payload": {"parties": [f"c{i}" for i in range(60_000)], "layer": "compute",
                    "status": "active"},
    }  # fmt: skip
    started = time.monotonic()
    answer = post(client, token, body)
    assert answer.status_code == 422
    assert time.monotonic() - started < scaled(2.0)
    assert len(answer.get_data()) < 10_000
    assert any(d["field"] == "payload.parties" for d in answer.get_json()["details"])
    body["payload"]["parties"] = ["NOT A SLUG"] * 60_000
    answer = post(client, token, body)
    assert answer.status_code == 422 and len(answer.get_data()) < 10_000
    assert "more problems not listed" in answer.get_json()["message"]
    assert count_events(app_database) == before
    figures.add(inputs_tried=2)


@pytest.fixture
def held_write_lock(app_database: Database, database_url: str) -> Iterator[None]:
    """Another process-like writer holding the write lock until the test ends."""
    if app_database.dialect == "sqlite":
        holder = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    from stackline.store.database import APPEND_LOCK_KEY

    with app_database.engine.connect() as holder, holder.begin():
        holder.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})
        yield


def test_a_writer_waits_at_most_the_lock_timeout_then_gets_503_with_retry_after(
    client: FlaskClient, token: str, app_database: Database, held_write_lock: None,
    figures: SuiteFigures,
) -> None:  # fmt: skip
    before = count_events(app_database)
    started = time.monotonic()
    answer = post(client, token, company_registered("patient"))
    waited = time.monotonic() - started
    assert answer.status_code == 503
    assert int(answer.headers["Retry-After"]) >= 1
    body = answer.get_json()
    assert body["error"] == "unavailable_busy" and "busy" in body["message"]
    assert LOCK_TIMEOUT_S * 0.8 <= waited < scaled(LOCK_TIMEOUT_S + 5)
    assert count_events(app_database) == before
    figures.add(faults_injected=1, inputs_tried=1)


def test_reads_go_on_while_the_write_lock_is_held(
    client: FlaskClient, held_write_lock: None, figures: SuiteFigures
) -> None:
    assert client.get("/api/v1/stack?as_of=2024-01-01").status_code == 200
    figures.add(inputs_tried=1)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # PostgreSQL: no way to fill
def test_a_full_disk_answers_503_and_writes_nothing(
    client: FlaskClient, token: str, app_database: Database, figures: SuiteFigures
) -> None:
    """SQLite's `max_page_count` makes the database file "full" at its current size; writes
    go on while free space in its pages lasts, then each is refused whole, with a 503."""
    with app_database.engine.connect() as connection:
        used = connection.exec_driver_sql("PRAGMA page_count").scalar()
    app_database.dispose()

    def cap_pages(dbapi: Any, _record: Any) -> None:
        dbapi.execute(f"PRAGMA max_page_count = {used}")

    event.listen(app_database.engine, "connect", cap_pages)
    accepted, answer = 0, None
    try:
        before = count_events(app_database)
        for index in range(300):
            answer = post(client, token, company_registered(f"crowded-{index}"))
            if answer.status_code != 201:
                break
            accepted += 1
        assert answer is not None and answer.status_code == 503, answer and answer.get_data()
        assert answer.get_json()["error"] == "unavailable_full"
        assert "full" in answer.get_json()["message"] and answer.headers["Retry-After"]
        assert count_events(app_database) == before + accepted
    finally:
        app_database.dispose()
        event.remove(app_database.engine, "connect", cap_pages)
    figures.add(faults_injected=1, inputs_tried=accepted + 1, events_written=accepted)


def test_a_read_only_database_answers_503_and_writes_nothing(
    database_url: str, backend: str, figures: SuiteFigures
) -> None:
    """SQLite opened read-only (`mode=ro`); on PostgreSQL every transaction set READ ONLY, as
    on a standby. Either way the write is refused as the database's, not the client's, fault."""
    writable = create_app({"TESTING": True, "SECRET_KEY": "ro", "DATABASE_URL": database_url})
    database: Database = writable.extensions["stackline.database"]
    token = accounts.create_token(database, "ro")
    before = count_events(database)

    def read_only(connection: Any) -> None:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")

    if backend == "sqlite":
        path = make_url(database_url).database
        readonly = create_app({"TESTING": True, "SECRET_KEY": "ro", "MIGRATE_ON_START": False,
                               "DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"})  # fmt: skip
    else:
        readonly = writable
        event.listen(database.engine, "begin", read_only)
    try:
        answer = post(readonly.test_client(), token, company_registered("frozen"))
    finally:
        if backend == "sqlite":
            readonly.extensions["stackline.database"].dispose()
        else:
            event.remove(database.engine, "begin", read_only)
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.get_json()["error"] == "unavailable_read_only"
    assert "read-only" in answer.get_json()["message"]
    assert count_events(database) == before
    database.dispose()
    figures.add(faults_injected=1, inputs_tried=1)


# --- one snapshot per read ------------------------------------------------------------------


def test_every_export_counts_exactly_the_events_it_lists_under_concurrent_writes(
    database: Database, figures: SuiteFigures
) -> None:
    record_event(database, registered("busy"), "alice")
    stop = threading.Event()
    written = [0]

    def write() -> None:
        while not stop.is_set():
            record_event(database, launched("chip", "busy", f"C{written[0]}", "2020"), "w")
            written[0] += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        exports = 0
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline or exports < 10:
            document = json.loads(
                "".join(export_chunks(database, EventFilter(include_voided=True)))
            )
            assert document["count"] == len(document["events"])
            exports += 1
    finally:
        stop.set()
        writer.join(timeout=30)
    assert written[0] > 0
    figures.add(events_written=written[0], inputs_tried=exports)


# --- migrations take turns --------------------------------------------------------------------


def test_four_concurrent_inits_all_succeed(
    database_url: str, tmp_path: Path, figures: SuiteFigures
) -> None:
    deployment = Deployment.create(tmp_path / "inits", database_url)
    try:
        runs = [
            subprocess.Popen(
                deployment.command("init"),
                cwd=deployment.directory,
                env=deployment.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        outcomes = [run.communicate(timeout=scaled(120)) for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0, 0], outcomes
        token = deployment.cli_ok("tokens", "create", "after-init").strip()
        assert token.startswith("stk_")
    finally:
        deployment.close()
    figures.add(faults_injected=1, inputs_tried=4)
