"""`stackline backup` during concurrent writes, and `stackline restore` into an empty database.

A real server takes POSTs from writer threads; `stackline backup` runs in the middle. Restored
into a new database, the backup verifies and holds every event acknowledged before the backup
started (and nothing that was not in the source). Restore refuses a database that holds events,
a file that is no backup, and PostgreSQL (pg_dump's job).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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
        done = deployment.cli("backup", str(tmp_path / "pg.db"))
        assert done.returncode == 1 and "pg_dump" in done.stderr
    finally:
        deployment.close()
