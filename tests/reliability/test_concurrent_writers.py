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
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from stackline.store.tables import events
from tests.integration.builders import launched
from tests.reliability.crowd import Crowd
from tests.reliability.figures import SuiteFigures
from tests.reliability.log_checks import SEEDED, own_events, seq_gaps, stored_ids, verify
from tests.reliability.server import Deployment, editor_and_token

WRITERS = 4
POSTS_PER_WRITER = 250
TWINS = 40  # ids every writer posts with identical content
CONTESTED = 10  # ids every writer posts with its own summary
FIRST_SHARED_POSITION, SHARED_STRIDE = 8, 4
WRITE_TIMEOUT_S = 100.0
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
    random.Random(writer).shuffle(shared)  # same positions, different ids: collisions everywhere
    own = own_events(random.Random(1000 + writer), f"cw{writer}", POSTS_PER_WRITER - len(shared))
    plan = own[:FIRST_SHARED_POSITION]
    rest = own[FIRST_SHARED_POSITION:]
    for item in shared:
        plan.append(item)
        plan.extend(rest[: SHARED_STRIDE - 1])
        rest = rest[SHARED_STRIDE - 1 :]
    return plan + rest


def shared_positions_collide(plans: list[list[dict[str, Any]]]) -> bool:
    """Whether every writer posts some shared id at the same position as the others."""
    positions = [{e.get("id"): i for i, e in enumerate(plan)} for plan in plans]
    common = set.intersection(*(set(p) for p in positions)) - {None}
    return len(common) == TWINS + CONTESTED


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
    assert shared_positions_collide(plans)
    with Crowd(directory, deployment.server.base_url, token) as crowd:
        for w, plan in enumerate(plans):
            crowd.writer(f"writer-{w}", plan)
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


def test_four_writers_and_two_readers_store_every_acknowledged_event_once_in_a_verified_log(
    deployment: Deployment, backend: str, tmp_path: Path, figures: SuiteFigures
) -> None:
    token = editor_and_token(deployment, "writer", "reliability-password")
    deployment.serve(workers=2)
    seeded = deployment.count_events()

    run = run_writers(deployment, token, tmp_path / "crowd")
    deployment.server.stop()
    results, twin_ids, contested_ids = run.results, run.twin_ids, run.contested_ids

    posts = [(w, post) for w in range(WRITERS) for post in results[f"writer-{w}"]["posts"]]
    reads = [results[f"reader-{r}"] for r in range(2)]
    statuses_by_id: dict[str, list[int]] = defaultdict(list)
    for _, post in posts:
        statuses_by_id[post["id"]].append(post["status"])
    created = [post for _, post in posts if post["status"] == 201]
    figures.add(
        events_written=len(created),
        inputs_tried=len(posts) + sum(r["reads"] for r in reads),
        bad_answers=sum(1 for _, p in posts if p["status"] not in (200, 201, 409))
        + sum(n for r in reads for s, n in r["statuses"].items() if s != "200"),
    )

    unexpected = [(w, p) for w, p in posts if p["status"] not in (200, 201, 409)]
    assert not unexpected, f"answers other than 200/201/409: {unexpected[:5]}"
    for event_id in twin_ids:
        assert sorted(statuses_by_id[event_id]) == [200] * (WRITERS - 1) + [201], event_id
    for event_id in contested_ids:
        assert sorted(statuses_by_id[event_id]) == [201] + [409] * (WRITERS - 1), event_id
    own = [p for _, p in posts if p["id"] not in twin_ids | contested_ids]
    assert Counter(p["status"] for p in own) == {201: len(own)}

    stored = stored_ids(deployment)
    acknowledged = {p["id"]: p["seq"] for _, p in posts if p["status"] in (200, 201)}
    assert {i: stored.get(i) for i in acknowledged} == acknowledged  # each at the seq it was given
    assert len(stored) == seeded + len(created)  # nothing stored twice or without an answer
    assert seq_gaps(deployment) == []
    winners = {p["id"]: p["summary"] for _, p in posts if p["status"] == 201}
    with deployment.engine.connect() as connection:
        query = select(events.c.id, events.c.summary).where(events.c.id.in_(contested_ids))
        assert dict(connection.execute(query).all()) == {i: winners[i] for i in contested_ids}
    assert verify(deployment)[0] == 0, verify(deployment)[1]

    for read in reads:
        assert read["reads"] > 0 and set(read["statuses"]) == {"200"}, read["unexpected"]
        assert read["regressions"] == []
    log = deployment.server.log()
    assert "database is locked" not in log
    assert "Traceback" not in log
    assert not SERVER_ERROR.search(log)
