"""The stored capacity projection gives the fold's answer (DESIGN §9.3, §9.6).

Random logs (`random_logs`: facilities launched with sizes and expanded, acquisitions,
compute partnerships naming facilities by name, case or alias, starting, activated and
ending, corrections and retractions) are appended through the real store, one event at a
time; each company's capacity series and the ranking of random days, read from the
projection tables, must equal the same rules applied to the fold's facts. A rebuild changes
no row, and a `known_on` read answers as the fold over the events known then.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackline.domain.capacity_series import capacity_ranking, capacity_series
from stackline.domain.fold import fold_capacity
from stackline.services import capacity, integrity
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from tests.conftest import fresh_database_url
from tests.examples import examples
from tests.integration.random_logs import append_random_log
from tests.integration.test_projections_match_fold import stored_events

pytestmark = pytest.mark.storage

END = date(2027, 12, 31)


def check_capacity(database: Database, seed: int) -> None:
    """Every company's series and a few days' rankings, stored against folded."""
    log = stored_events(database)
    facts = fold_capacity(log)
    rng = random.Random(f"capacity:{seed}")
    for slug in sorted(facts.companies):
        stored = capacity.company_capacity(database, slug, None, END).series
        folded = capacity_series(facts, slug, stored.start, END)
        assert stored.as_dict() == folded.as_dict(), (seed, slug)
    for _ in range(4):
        day = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 20 * 365))
        stored_ranks = [r.as_dict() for r in capacity.ranking(database, day).ranks]
        assert stored_ranks == [r.as_dict() for r in capacity_ranking(facts, day)], (seed, day)
    moment = rng.choice(log).recorded_at
    known = [e for e in log if e.recorded_at <= moment]
    day = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 20 * 365))
    known_facts = fold_capacity(known)
    as_known = [r.as_dict() for r in capacity.ranking(database, day, moment).ranks]
    assert as_known == [r.as_dict() for r in capacity_ranking(known_facts, day)], seed
    for slug in sorted(known_facts.companies):
        stored = capacity.company_capacity(database, slug, None, END, moment).series
        folded = capacity_series(known_facts, slug, stored.start, END)
        assert stored.as_dict() == folded.as_dict(), (seed, slug, moment)


def write_and_check(database: Database, seed: int) -> None:
    for _ in append_random_log(database, seed, proposals=60):
        pass
    check_capacity(database, seed)
    assert integrity.verify(database).stale_projections == [], seed


@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_stored_capacity_equals_the_fold_on_random_logs(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, seed: int
) -> None:
    postgres = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    directory = tmp_path / f"log-{seed}"
    directory.mkdir(exist_ok=True)
    database = Database(make_engine(fresh_database_url(backend, directory, postgres)))
    try:
        upgrade(database.engine)
        write_and_check(database, seed)
    finally:
        database.dispose()


def test_random_logs_exercise_what_capacity_counts(tmp_path: Path) -> None:
    """The generator reaches the cases that matter: contracted and owned capacity, expansions,
    contracts without a facility (else the property above would hold vacuously)."""
    seen: set[str] = set()
    for seed in range(12):
        database = Database(make_engine(f"sqlite:///{tmp_path / f'log-{seed}.db'}"))
        upgrade(database.engine)
        try:
            for document in append_random_log(database, seed, proposals=60):
                if document["type"] == "compute.expanded":
                    seen.add("expanded")
            facts = fold_capacity(stored_events(database))
        finally:
            database.dispose()
        for slug in facts.companies:
            series = capacity_series(facts, slug, date(2005, 1, 1), END)
            for point in series.points:
                seen |= {share.relation for share in point.facilities}
            if series.unmatched:
                seen.add("unmatched")
    assert seen >= {"expanded", "owned", "contracted", "unmatched"}
