"""Crash safety: SIGKILL in the middle of work, then look at what the database kept.

- `stackline import` of 100,000 events killed while it is writing: the log holds all of that
  import or none of it, `verify` passes, and running the import again completes it.
- `stackline serve` killed (master and workers at once) during a burst of API writes: every write
  that was acknowledged is there after a restart, at the seq it was given; the log is gapless and
  verifies; and retrying the unanswered requests with their ids is safe.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from stackline.services.files import seed_directory
from tests.benchmarks.synthetic import synthetic_events
from tests.pace import scaled
from tests.reliability.crowd import Crowd
from tests.reliability.figures import SuiteFigures
from tests.reliability.log_checks import own_events, seq_gaps, stored_ids, verify
from tests.reliability.server import Deployment, editor_and_token, wait_for
from tests.reliability.web_client import post_event

IMPORT_SIZE = 100_000
WRITING_MARGIN_BYTES = 1 << 20  # this much more on disk: the import is flushing rows
KILL_JITTER_S = 1.5
IMPORT_START_TIMEOUT_S = scaled(90.0)
IMPORTED = re.compile(r"imported (\d+) new events \((\d+) already stored\)")
BURST_WRITERS, BURST_POSTS = 2, 400
ACKS_BEFORE_KILL = 60


@pytest.fixture(scope="module")
def synthetic_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A realistic valid log of 100,000 events, written to a file once for the module."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic-100k.json"
    path.write_text(json.dumps(synthetic_events(IMPORT_SIZE)), encoding="utf-8")
    return path


@pytest.fixture
def deployment(database_url: str, tmp_path: Path, backend: str) -> Any:
    made = Deployment.create(tmp_path / "stackline", database_url)
    yield made
    made.close()


def bytes_on_disk(deployment: Deployment) -> int:
    """How much the event log occupies, written but not necessarily committed."""
    if deployment.engine.dialect.name == "sqlite":
        database = Path(make_url(deployment.database_url).database or "")
        files = [database, database.with_name(database.name + "-wal")]
        return sum(f.stat().st_size for f in files if f.exists())
    with deployment.engine.connect() as connection:
        return int(connection.scalar(text("SELECT pg_total_relation_size('events')")) or 0)


def kill_while_writing(deployment: Deployment, importing: Any, baseline: int) -> float:
    """SIGKILL the import once it has written rows (plus a random moment); when, in seconds."""
    started = time.monotonic()
    writing = wait_for(
        lambda: (
            importing.poll() is not None
            or bytes_on_disk(deployment) > baseline + WRITING_MARGIN_BYTES
        ),
        IMPORT_START_TIMEOUT_S,
    )
    assert writing and importing.poll() is None, "the import ended before it could be killed"
    time.sleep(random.Random().uniform(0, KILL_JITTER_S))
    os.kill(importing.pid, signal.SIGKILL)
    importing.wait(timeout=30)
    assert importing.returncode == -signal.SIGKILL, "the import finished before the kill landed"
    return time.monotonic() - started


def test_an_import_killed_midway_leaves_all_or_none_of_it_and_a_rerun_completes_it(
    deployment: Deployment, synthetic_log: Path, tmp_path: Path, figures: SuiteFigures
) -> None:
    deployment.cli_ok("import", str(seed_directory()))
    before = deployment.count_events()
    baseline = bytes_on_disk(deployment)

    importing = deployment.spawn("import", str(synthetic_log), output=tmp_path / "import.log")
    try:
        killed_after = kill_while_writing(deployment, importing, baseline)
    finally:
        if importing.poll() is None:
            importing.kill()
            importing.wait(timeout=30)
    figures.add(faults_injected=1)

    after_kill = deployment.count_events()
    assert after_kill in (before, before + IMPORT_SIZE), (before, after_kill, killed_after)
    status, said = verify(deployment)
    assert status == 0, said
    assert f"ok: {after_kill} events" in said

    output = deployment.cli_ok("import", str(synthetic_log))
    match = IMPORTED.search(output)
    assert match, output
    created, unchanged = int(match[1]), int(match[2])
    assert (created, unchanged) == (IMPORT_SIZE - (after_kill - before), after_kill - before)
    assert deployment.count_events() == before + IMPORT_SIZE
    status, said = verify(deployment, "--chain-only")
    assert status == 0, said
    figures.add(events_written=before + created, inputs_tried=2 * IMPORT_SIZE)


def burst_plans() -> list[list[dict[str, Any]]]:
    return [
        own_events(random.Random(50 + w), f"burst{w}", BURST_POSTS) for w in range(BURST_WRITERS)
    ]


def test_every_acknowledged_write_survives_the_server_being_killed_during_a_burst(
    deployment: Deployment, tmp_path: Path, figures: SuiteFigures
) -> None:
    token = editor_and_token(deployment, "writer", "reliability-password")
    server = deployment.serve(workers=2)
    seeded = deployment.count_events()
    plans = burst_plans()
    names = [f"writer-{w}" for w in range(BURST_WRITERS)]

    with Crowd(tmp_path / "crowd", server.base_url, token) as crowd:
        for name, plan in zip(names, plans, strict=True):
            crowd.writer(name, plan, give_up_after=3)
        crowd.go()
        under_way = wait_for(
            lambda: deployment.count_events() >= seeded + ACKS_BEFORE_KILL, scaled(60)
        )
        assert under_way and all(crowd.running(n) for n in names), "the burst ended too soon"
        server.crash()
        figures.add(faults_injected=1)
        results = crowd.wait(names, scaled(60))

    posts = [post for name in names for post in results[name]["posts"]]
    acknowledged = {p["id"]: p["seq"] for p in posts if p["status"] in (200, 201)}
    unanswered = [p for p in posts if p["status"] == 0]
    assert all(p["status"] in (0, 200, 201) for p in posts), [
        p for p in posts if p["status"] >= 300
    ]
    assert len(acknowledged) >= ACKS_BEFORE_KILL // 2 and unanswered

    restarted = deployment.serve(workers=2)
    stored = stored_ids(deployment)
    assert {i: stored.get(i) for i in acknowledged} == acknowledged
    assert seq_gaps(deployment) == []
    status, said = verify(deployment)
    assert status == 0, said

    by_id = {e["id"]: e for plan in plans for e in plan if "id" in e}
    retries = [by_id[p["id"]] for p in unanswered if p["id"] in by_id]
    retried = [post_event(restarted.base_url, token, e).status for e in retries]
    assert set(retried) <= {200, 201}, retried
    assert [s == 200 for s in retried] == [e["id"] in stored for e in retries]
    after = stored_ids(deployment)
    assert all(e["id"] in after for e in retries)
    assert seq_gaps(deployment) == []
    figures.add(
        events_written=sum(1 for p in posts if p["status"] == 201) + retried.count(201),
        inputs_tried=len(posts) + len(retried),
    )
