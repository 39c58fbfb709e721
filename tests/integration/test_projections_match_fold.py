"""The stored projections give the fold's answer for every day and every moment of knowledge.

Hypothesis picks seeds for random logs (see `random_logs`); each log is appended through the real
store, then every company's stack as of random days is read from the projection tables and
compared with the reference fold over the same events.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackline.domain.documents import parse_event
from stackline.domain.errors import InvalidEvent
from stackline.domain.filters import EventFilter
from stackline.domain.fold import effective_events, fold_footprint
from stackline.domain.graph import compose_graph
from stackline.domain.plans import plans_as_of
from stackline.domain.stack import compose_matrix, compose_stack
from stackline.services import integrity, stacks
from stackline.services.recording import record_event
from stackline.services.timeline import export_chunks
from stackline.store.database import make_engine, upgrade
from stackline.store.footprints import StoredFootprint, snapshot
from stackline.store.reads.history import closure, event_facts, footprint_history
from stackline.store.reads.plans import plan_events
from stackline.store.units_of_work import Database
from tests.conftest import fresh_database_url
from tests.integration.random_logs import LogWriter

EXAMPLES = 25
SLUGS = sorted({f"c{i}" for i in range(6)})


def write_random_log(database: Database, seed: int, proposals: int) -> None:
    writer = LogWriter(seed)
    for _ in range(proposals):
        document = writer.propose()
        try:
            record_event(database, document, "fuzzer")
        except InvalidEvent:
            continue
        writer.note(document)


def stored_events(database: Database) -> list:
    document = json.loads("".join(export_chunks(database, EventFilter(include_voided=True))))
    return [parse_event(e) for e in document["events"]]


def days_to_check(rng: random.Random) -> list[date]:
    return [date(2009, 1, 1) + timedelta(days=rng.randrange(0, 18 * 365)) for _ in range(6)]


def check_log(database: Database, seed: int) -> None:
    write_random_log(database, seed, proposals=45)
    log = stored_events(database)
    rng = random.Random(seed)
    with database.reading() as uow:
        connection = uow.connection
        histories = {slug: footprint_history(uow, closure(uow, slug)) for slug in SLUGS}
        for day in days_to_check(rng):
            reference = fold_footprint(log, day)
            stored = StoredFootprint(connection, day)
            for slug in SLUGS:
                expected = compose_stack(reference, slug).as_dict()
                assert compose_stack(stored, slug).as_dict() == expected, (seed, day, slug)
                over_time = histories[slug].at(day)
                over_time.facts = event_facts(uow, set(reference.facts))
                assert compose_stack(over_time, slug).as_dict() == expected, (seed, day, slug)
            graph = compose_graph(snapshot(connection, day, with_supply_chain=True)).as_dict()
            assert graph == compose_graph(reference).as_dict(), (seed, day)
            plans = [p.as_dict() for p in plans_as_of(plan_events(uow, day), day)]
            folded = plans_as_of(effective_events(log, day, None), day)
            assert plans == [p.as_dict() for p in folded], (seed, day)
            slugs = sorted(reference.companies)
            assert [
                r.as_dict() for r in compose_matrix(snapshot(connection, day), slugs, True)
            ] == [r.as_dict() for r in compose_matrix(reference, slugs, True)]
    registered = sorted(fold_footprint(log, date(2100, 1, 1)).companies)
    moments = [e.recorded_at for e in rng.sample(log, k=min(3, len(log)))]
    for known_on in moments:
        day, slug = days_to_check(rng)[0], rng.choice(registered)
        known = [e for e in log if e.recorded_at <= known_on]
        expected = compose_stack(fold_footprint(known, day), slug, known_on)
        assert stacks.stack_of(database, slug, day, known_on).as_dict() == expected.as_dict()
    assert integrity.verify(database).ok


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_stored_stacks_equal_the_fold_on_random_logs(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, seed: int
) -> None:
    postgres = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    directory = tmp_path / f"log-{seed}"
    directory.mkdir(exist_ok=True)
    database = Database(make_engine(fresh_database_url(backend, directory, postgres)))
    try:
        upgrade(database.engine)
        check_log(database, seed)
    finally:
        database.dispose()
