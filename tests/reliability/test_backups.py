"""`stackline backup` during concurrent writes, and `stackline restore` into an empty database.

A real server takes POSTs from writer threads; `stackline backup` runs in the middle. Restored
into a new database, the backup verifies and holds every event acknowledged before the backup
started (and nothing that was not in the source). Restore refuses a database that holds events,
a file that is no backup, and PostgreSQL (pg_dump's job).

Restore trusts nothing in the file but the events, and those only once they verify: the log's
immutability triggers are this version's (dropped ones come back, planted triggers and views go),
users and API tokens stay behind unless `--with-accounts` asks for them (said loudly), a backup
that fails verification leaves the target empty, a target holding users or tokens is refused,
and nothing ends in a traceback.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import DatabaseError

from stackline.services import accounts
from stackline.services.runtime import load_seed
from stackline.store.tables import PROJECTIONS
from tests.reliability.figures import SuiteFigures
from tests.reliability.server import Deployment, editor_and_token
from tests.reliability.web_client import post_event
from tests.web.api_support import company_registered

WRITERS = 4
WRITES_EACH = 40
MAX_RUN_S = 60


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Deployment]:
    deployment = Deployment.create(tmp_path / "source", f"sqlite:///{tmp_path / 'source' / 'a.db'}")
    deployment.cli_ok("init")
    editor_and_token(deployment, "backup-editor", "correct horse battery staple")
    deployment.serve(threads=8)
    yield deployment
    deployment.close()


def test_a_backup_taken_during_writes_restores_every_event_acknowledged_before_it(
    live: Deployment, tmp_path: Path, figures: SuiteFigures
) -> None:
    acknowledged: list[tuple[float, str]] = []  # (when the 201 arrived, event id)
    lock = threading.Lock()
    deadline = time.monotonic() + MAX_RUN_S

    def write(writer: int) -> None:
        for index in range(WRITES_EACH):
            if time.monotonic() > deadline:
                return
            event = company_registered(f"w{writer}-{index}")
            reply = post_event(live.server.base_url, live.token, event)
            if reply.status == 201:
                with lock:
                    acknowledged.append((time.monotonic(), event["id"]))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < WRITES_EACH and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    with lock:
        before = {event_id for when, event_id in acknowledged if when <= started}
    done = live.cli("backup", str(tmp_path / "backup.db"))
    for thread in threads:
        thread.join(timeout=MAX_RUN_S)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "backup.db").stat().st_mode & 0o777 == 0o600  # it holds password hashes
    figures.add(events_written=len(acknowledged))

    target = Deployment.create(tmp_path / "target", f"sqlite:///{tmp_path / 'target' / 'b.db'}")
    try:
        target.cli_ok("init")
        restored = target.cli("restore", str(tmp_path / "backup.db"))
        assert restored.returncode == 0, restored.stderr
        assert "hash chain intact" in restored.stdout
        assert "ok:" in target.cli_ok("verify")
        with target.engine.connect() as connection:
            ids = set(connection.exec_driver_sql("SELECT id FROM events").scalars())
        assert before <= ids, f"{len(before - ids)} acknowledged events are missing"
        with live.engine.connect() as connection:
            source = set(connection.exec_driver_sql("SELECT id FROM events").scalars())
        assert ids <= source
    finally:
        target.close()


def test_restore_refuses_a_database_that_holds_events_and_a_file_that_is_no_backup(
    live: Deployment, tmp_path: Path
) -> None:
    live.cli_ok("backup", str(tmp_path / "backup.db"))
    count = live.count_events()

    into_itself = live.cli("restore", str(tmp_path / "backup.db"))
    assert into_itself.returncode == 1
    assert f"the database holds {count} events" in into_itself.stderr

    not_a_backup = tmp_path / "notes.db"
    not_a_backup.write_text("not a database", encoding="utf-8")
    empty = Deployment.create(tmp_path / "empty", f"sqlite:///{tmp_path / 'empty' / 'c.db'}")
    try:
        refused = empty.cli("restore", str(not_a_backup))
        assert refused.returncode == 1 and "is not a Stackline backup" in refused.stderr
        again = live.cli("backup", str(tmp_path / "backup.db"))
        assert again.returncode == 1 and "exists" in again.stderr
    finally:
        empty.close()


def test_backup_on_postgresql_points_to_pg_dump(postgres_url: str, tmp_path: Path) -> None:
    deployment = Deployment.create(tmp_path / "pg", postgres_url)
    try:
        deployment.cli_ok("init")
        done = deployment.cli("backup", str(tmp_path / "pg.db"))
        assert done.returncode == 1 and "pg_dump" in done.stderr
    finally:
        deployment.close()


# --- restore trusts nothing in the file but the events it checks ---

PLANTED_TOKEN = "planted-token-0123456789abcdef"


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Deployment]:
    """A seeded SQLite database with an editor and an API token of its own (no server)."""
    deployment = Deployment.create(tmp_path / "origin", f"sqlite:///{tmp_path / 'origin' / 'o.db'}")
    deployment.cli_ok("init")
    load_seed(deployment.database)
    editor_and_token(deployment, "origin-editor", "correct horse battery staple")
    yield deployment
    deployment.close()


def backup_of(source: Deployment, path: Path) -> Path:
    source.cli_ok("backup", str(path))
    return path


def tamper(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def target_in(tmp_path: Path, name: str) -> Deployment:
    return Deployment.create(tmp_path / name, f"sqlite:///{tmp_path / name / 't.db'}")


def schema_objects(deployment: Deployment, kind: str) -> set[str]:
    with deployment.engine.connect() as connection:
        found = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = ?", (kind,)
        ).scalars()
        return set(found)


def test_restore_recreates_the_triggers_and_takes_no_accounts_or_planted_objects(
    source: Deployment, tmp_path: Path, figures: SuiteFigures
) -> None:
    backup = backup_of(source, tmp_path / "backup.db")
    digest = hashlib.sha256(PLANTED_TOKEN.encode()).hexdigest()
    tamper(
        backup,
        "DROP TRIGGER events_no_update",
        "DROP TRIGGER events_no_delete",
        "CREATE TRIGGER planted AFTER INSERT ON users BEGIN DELETE FROM checkpoints; END",
        "CREATE VIEW planted_view AS SELECT * FROM api_tokens",
        f"INSERT INTO api_tokens (name, token_hash, created_at) VALUES ('planted', '{digest}', "
        "'2026-01-01T00:00:00Z')",
    )
    target = target_in(tmp_path, "target")
    try:
        restored = target.cli("restore", str(backup))
        figures.add(faults_injected=5)
        assert restored.returncode == 0, restored.stderr
        assert "hash chain intact" in restored.stdout
        assert "no users or API tokens" in restored.stdout + restored.stderr

        assert schema_objects(target, "trigger") == {"events_no_update", "events_no_delete"}
        assert schema_objects(target, "view") == set(PROJECTIONS)  # this version's, not planted
        assert accounts.token_owner(target.database, PLANTED_TOKEN) is None
        assert accounts.token_owner(target.database, source.token) is None
        with target.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM users").scalar() == 0
        with pytest.raises(DatabaseError, match="immutable"), target.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE events SET summary = 'rewritten' WHERE seq = 1")
        assert target.count_events() == source.count_events()
    finally:
        target.close()


def test_restore_with_accounts_takes_them_and_says_so_loudly(
    source: Deployment, tmp_path: Path, figures: SuiteFigures
) -> None:
    backup = backup_of(source, tmp_path / "backup.db")
    target = target_in(tmp_path, "target")
    try:
        restored = target.cli("restore", str(backup), "--with-accounts")
        figures.add(inputs_tried=1)
        assert restored.returncode == 0, restored.stderr
        assert "WARNING" in restored.stderr and "1 user and 1 API token" in restored.stderr
        assert accounts.token_owner(target.database, source.token) == "origin-editor-token"
    finally:
        target.close()


def test_a_backup_that_fails_verification_leaves_the_target_empty(
    source: Deployment, tmp_path: Path, figures: SuiteFigures
) -> None:
    backup = backup_of(source, tmp_path / "backup.db")
    tamper(
        backup,
        "DROP TRIGGER events_no_update",
        "UPDATE events SET summary = 'Edited in the backup' WHERE seq = 10",
    )
    target = target_in(tmp_path, "target")
    try:
        refused = target.cli("restore", str(backup))
        figures.add(faults_injected=1)
        assert refused.returncode == 1
        assert "seq 10" in refused.stderr and "nothing was restored" in refused.stderr
        assert "Traceback" not in refused.stderr
        target.cli_ok("init")
        assert target.count_events() == 0
    finally:
        target.close()


def test_restore_refuses_a_target_holding_users_or_tokens(
    source: Deployment, tmp_path: Path, figures: SuiteFigures
) -> None:
    backup = backup_of(source, tmp_path / "backup.db")
    target = target_in(tmp_path, "target")
    try:
        target.cli_ok("init")
        target.cli_ok("tokens", "create", "someone")
        refused = target.cli("restore", str(backup))
        figures.add(inputs_tried=1)
        assert refused.returncode == 1
        assert "1 API token" in refused.stderr and "empty" in refused.stderr
        assert target.count_events() == 0
    finally:
        target.close()


def test_a_file_whose_events_are_a_view_and_a_backup_into_a_missing_folder_are_refused_in_words(
    source: Deployment, tmp_path: Path, figures: SuiteFigures
) -> None:
    backup = backup_of(source, tmp_path / "backup.db")
    tamper(
        backup,
        "DROP TRIGGER events_no_update",
        "DROP TRIGGER events_no_delete",
        "ALTER TABLE events RENAME TO real_events",
        "CREATE VIEW events AS SELECT * FROM real_events",
    )
    target = target_in(tmp_path, "target")
    try:
        viewed = target.cli("restore", str(backup))
        missing = source.cli("backup", str(tmp_path / "no-such-folder" / "b.db"))
        figures.add(inputs_tried=2)
        assert viewed.returncode == 1 and "Traceback" not in viewed.stderr
        assert "is not a Stackline backup" in viewed.stderr and "view" in viewed.stderr
        assert missing.returncode == 1 and "Traceback" not in missing.stderr
        assert "no-such-folder" in missing.stderr and "does not exist" in missing.stderr
        target.cli_ok("init")
        assert target.count_events() == 0
    finally:
        target.close()
