"""Concurrent writers on a real `stackline serve`, on SQLite and on PostgreSQL.

Four processes post 250 events each through the API while two more poll stacks. Some ids are
posted by every writer at the same moment: identical twins (one 201, the rest 200) and
contested ids (one 201, the rest 409). Afterwards every acknowledged event is stored exactly
once, `seq` has no gap, `stackline verify` passes, and nothing answered 5xx or said "database is
locked".
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from stackline.store.tables import events
from tests.integration.builders import launched
from tests.pace import scaled
from tests.reliability.crowd import Crowd
from tests.reliability.figures import SuiteFigures
from tests.reliability.log_checks import SEEDED, own_events, seq_gaps, stored_ids, verify
from tests.reliability.server import Deployment, editor_and_token

WRITERS = 4
POSTS_PER_WRITER = 250
TWINS = 40  # ids every writer posts with identical content
CONTESTED = 10  # ids every writer posts with its own summary
FIRST_SHARED_POSITION, SHARED_STRIDE = 8, 4
WRITE_TIMEOUT_S = scaled(100.0)
READ_PATHS = [f"/api/v1/companies/{slug}/stack" for slug in ("openai", "nvidia", "google")]
SERVER_ERROR = re.compile(r'" 5\d\d ')


def twin_events(rng: random.Random) -> list[dict[str, Any]]:
    return [
        launched("model", rng.choice(SEEDED), f"Twin model {k}", "2025-06-01") for k in range(TWINS)
    ]


def contested_version(base: dict[str, Any], writer: int) -> dict[str, Any]:
    return {**base, "summary": f"{base['summary']}, as writer {writer} tells it"}


def writer_plan(
    writer: int, twins: list[dict[str, Any]], contested: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The writer's own events, with the shared ones at the same positions in every plan."""
    shared = twins + [contested_version(base, writer) for base in contested]
    random.Random(7).shuffle(shared)  # the same order for every writer
    own = own_events(random.Random(1000 + writer), f"cw{writer}", POSTS_PER_WRITER - len(shared))
    plan = own[:FIRST_SHARED_POSITION]
    rest = own[FIRST_SHARED_POSITION:]
    for item in shared:
        plan.append(item)
        plan.extend(rest[: SHARED_STRIDE - 1])
        rest = rest[SHARED_STRIDE - 1 :]
    return plan + rest


def shared_positions(plans: list[list[dict[str, Any]]]) -> list[int]:
    """Where the shared ids come: at the same positions in every plan."""
    positions = [{e.get("id"): i for i, e in enumerate(plan)} for plan in plans]
    common = set.intersection(*(set(p.items()) for p in positions))
    found = sorted(index for event_id, index in common if event_id is not None)
    assert len(found) == TWINS + CONTESTED
    return found


@dataclass
class Run:
    twin_ids: set[str]
    contested_ids: set[str]
    results: dict[str, dict[str, Any]]


def run_writers(deployment: Deployment, token: str, directory: Path) -> Run:
    twins = twin_events(random.Random(7))
    contested = [
        launched("chip", "nvidia", f"Contested chip {k}", "2025-03-03") for k in range(CONTESTED)
    ]
    plans = [writer_plan(w, twins, contested) for w in range(WRITERS)]
    assert all(len(plan) == POSTS_PER_WRITER for plan in plans)
    meetings = shared_positions(plans)  # the writers meet there and post together
    with Crowd(directory, deployment.server.base_url, token) as crowd:
        for w, plan in enumerate(plans):
            crowd.writer(f"writer-{w}", plan, barriers=(meetings, WRITERS))
        for r in range(2):
            crowd.reader(f"reader-{r}", READ_PATHS[r:] + READ_PATHS[:r])
        crowd.go()
        results = crowd.wait([f"writer-{w}" for w in range(WRITERS)], WRITE_TIMEOUT_S)
        crowd.stop_readers()
        results |= crowd.wait(["reader-0", "reader-1"], 30)
    return Run({e["id"] for e in twins}, {e["id"] for e in contested}, results)


@pytest.fixture
def deployment(database_url: str, tmp_path: Path, backend: str) -> Any:
    made = Deployment.create(tmp_path / "stackline", database_url)
    yield made
    made.close()


def assert_answers(posts: list[dict[str, Any]], run: Run) -> None:
    """Twins: one 201, the rest 200. Contested: one 201, the rest 409. The rest: 201 each."""
    unexpected = [p for p in posts if p["status"] not in (200, 201, 409)]
    assert not unexpected, f"answers other than 200/201/409: {unexpected[:5]}"
    statuses: dict[str, list[int]] = defaultdict(list)
    for post in posts:
        statuses[post["id"]].append(post["status"])
    for event_id in run.twin_ids:
        assert sorted(statuses[event_id]) == [200] * (WRITERS - 1) + [201], event_id
    for event_id in run.contested_ids:
        assert sorted(statuses[event_id]) == [201] + [409] * (WRITERS - 1), event_id
    own = [p for p in posts if p["id"] not in run.twin_ids | run.contested_ids]
    assert Counter(p["status"] for p in own) == {201: len(own)}


def posted_at_once(posts: list[dict[str, Any]], ids: set[str]) -> int:
    """How many of these ids were in flight from two writers at the same moment."""
    spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for post in posts:
        if post["id"] in ids:
            spans[post["id"]].append((post["started"], post["ended"]))
    overlapping = 0
    for intervals in spans.values():
        intervals.sort()
        if any(later[0] < earlier[1] for earlier, later in pairwise(intervals)):
            overlapping += 1
    return overlapping


def assert_stored_once(
    deployment: Deployment, posts: list[dict[str, Any]], run: Run, seeded: int
) -> None:
    """Every acknowledged event at the seq it was given, nothing else, no gap; contested ids
    hold the content of the writer that got the 201."""
    stored = stored_ids(deployment)
    acknowledged = {p["id"]: p["seq"] for p in posts if p["status"] in (200, 201)}
    assert {i: stored.get(i) for i in acknowledged} == acknowledged
    assert len(stored) == seeded + sum(p["status"] == 201 for p in posts)
    assert seq_gaps(deployment) == []
    winners = {p["id"]: p["summary"] for p in posts if p["status"] == 201}
    with deployment.engine.connect() as connection:
        query = select(events.c.id, events.c.summary).where(events.c.id.in_(run.contested_ids))
        assert dict(connection.execute(query).all()) == {i: winners[i] for i in run.contested_ids}


def test_four_writers_and_two_readers_store_every_acknowledged_event_once_in_a_verified_log(
    deployment: Deployment, tmp_path: Path, figures: SuiteFigures
) -> None:
    token = editor_and_token(deployment, "writer", "reliability-password")
    deployment.serve(workers=2)
    seeded = deployment.count_events()

    run = run_writers(deployment, token, tmp_path / "crowd")
    deployment.server.stop()

    posts = [post for w in range(WRITERS) for post in run.results[f"writer-{w}"]["posts"]]
    reads = [run.results[f"reader-{r}"] for r in range(2)]
    figures.add(
        events_written=sum(p["status"] == 201 for p in posts),
        inputs_tried=len(posts) + sum(r["reads"] for r in reads),
        bad_answers=sum(p["status"] not in (200, 201, 409) for p in posts)
        + sum(n for r in reads for s, n in r["statuses"].items() if s != "200"),
    )
    assert_answers(posts, run)
    shared = run.twin_ids | run.contested_ids
    collided = posted_at_once(posts, shared)
    assert collided >= len(shared) * 0.8, f"only {collided} shared ids were posted at once"
    assert_stored_once(deployment, posts, run, seeded)
    status, said = verify(deployment)
    assert status == 0, said
    for read in reads:
        assert read["reads"] > 0 and set(read["statuses"]) == {"200"}, read["unexpected"]
        assert read["regressions"] == []
    log = deployment.server.log()
    assert "database is locked" not in log and "Traceback" not in log
    assert not SERVER_ERROR.search(log)
