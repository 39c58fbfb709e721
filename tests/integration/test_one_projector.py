"""One projector, several lifecycles: however a log is written, its projections are the same.

For random logs, the same events are written four ways — appended one at a time, imported in one
batch, imported in random chunks (each import flushing at random sizes), and rebuilt from the log
— and every projection table must hold the same rows; the batch-imported stacks must equal the
fold. For random invalid events inside a batch, the import refuses the same event, naming the
same fields with the same messages, as appending it alone does.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackline.domain.documents import importable, parse_event
from stackline.domain.errors import InvalidEvent
from stackline.domain.fold import fold_footprint
from stackline.domain.stack import compose_stack
from stackline.services import integrity
from stackline.services.recording import ImportFailed, LabelledEvent, import_events, record_event
from stackline.store.database import make_engine, read_transaction, upgrade
from stackline.store.footprints import StoredFootprint
from stackline.store.rebuild import projection_contents
from stackline.store.units_of_work import Database
from stackline.store.writer import LogWriter
from tests.conftest import fresh_database_url
from tests.examples import examples
from tests.integration.random_logs import RandomLog as Proposer
from tests.integration.test_projections_match_fold import stored_events

# Storage-specific: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.storage

EXAMPLES = examples(12)
PROPOSALS = 45


class Databases:
    """Fresh migrated databases on one backend, each in its own place, all disposed at the end."""

    def __init__(self, backend: str, directory: Path, postgres: str | None) -> None:
        self.backend, self.directory, self.postgres = backend, directory, postgres
        self.engines: list[Database] = []

    def fresh(self) -> Database:
        if self.backend == "postgres":  # one database per process: dispose the one before
            for database in self.engines:
                database.dispose()
        place = self.directory / f"db{len(self.engines)}"
        place.mkdir()
        database = Database(make_engine(fresh_database_url(self.backend, place, self.postgres)))
        upgrade(database.engine)
        self.engines.append(database)
        return database

    def close(self) -> None:
        for database in self.engines:
            database.dispose()


@pytest.fixture
def databases(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Databases]:
    postgres = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    made = Databases(backend, tmp_path, postgres)
    yield made
    made.close()


def append_one_at_a_time(database: Database, seed: int) -> tuple[list[dict[str, Any]], list[Any]]:
    """Propose events and append each alone: (the accepted ones, (index, problems) refusals)."""
    proposer = Proposer(seed)
    accepted: list[dict[str, Any]] = []
    refusals: list[Any] = []
    for _ in range(PROPOSALS):
        document = proposer.propose()
        try:
            record_event(database, document, "fuzzer")
        except InvalidEvent as error:
            refusals.append((len(accepted), document, error))
            continue
        proposer.note(document)
        accepted.append(document)
    return accepted, refusals


def labelled(documents: list[dict[str, Any]]) -> list[LabelledEvent]:
    return [LabelledEvent(str(i), d) for i, d in enumerate(documents)]


def import_in_chunks(
    database: Database, documents: list[dict[str, Any]], rng: random.Random
) -> None:
    """Several imports of random sizes, each flushing to the tables at random sizes."""
    start = 0
    while start < len(documents):
        size = rng.randint(1, 12)
        chunk = [parse_event(importable(d)) for d in documents[start : start + size]]
        with database.writing() as uow:
            writer = LogWriter(uow, now=_now(), flush_every=rng.randint(1, 5))
            writer.append_all(((str(i), e, False) for i, e in enumerate(chunk)), "fuzzer", _raise)
        start += size


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _raise(label: str, error: Exception) -> Exception:
    return error


def contents(database: Database, standing_only: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    with read_transaction(database.engine) as connection:
        return projection_contents(connection, standing_only)


def assert_stacks_equal_the_fold(database: Database, rng: random.Random) -> None:
    log = stored_events(database)
    with database.reading() as uow:
        for _ in range(4):
            day = date(2009, 1, 1).replace(year=rng.randint(2009, 2026))
            reference = fold_footprint(log, day)
            stored = StoredFootprint(uow, day)
            for slug in sorted(reference.companies):
                expected = compose_stack(reference, slug).as_dict()
                assert compose_stack(stored, slug).as_dict() == expected, (day, slug)


def assert_known_stacks_equal_the_fold(database: Database, rng: random.Random) -> None:
    """Stacks read from the projections as they stood at a moment (`known_on`) are the fold's
    of the events recorded by then, at random pairs of days and moments."""
    log = stored_events(database)
    moments = sorted({event.recorded_at for event in log if event.recorded_at})
    for _ in range(3):
        known_on = moment = rng.choice(moments)
        with database.reading(known_on) as uow:
            for _ in range(3):
                day = date(2009, 1, 1).replace(year=rng.randint(2009, 2026))
                reference = fold_footprint(log, day, known_on)
                stored = StoredFootprint(uow, day)
                for slug in sorted(reference.companies):
                    expected = compose_stack(reference, slug, known_on).as_dict()
                    found = compose_stack(stored, slug, known_on).as_dict()
                    assert found == expected, (moment, day, slug)


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_single_appends_a_batch_import_chunked_imports_and_a_rebuild_project_the_same_rows(
    databases: Databases, seed: int
) -> None:

    one_by_one = databases.fresh()
    accepted, _ = append_one_at_a_time(one_by_one, seed)
    expected = contents(one_by_one, standing_only=True)
    versions = contents(one_by_one)
    assert_known_stacks_equal_the_fold(one_by_one, random.Random(seed))
    # A rebuild replays the log one moment at a time: every version comes back as written.
    integrity.rebuild(one_by_one)
    assert contents(one_by_one) == versions

    batch = databases.fresh()
    import_events(batch, labelled(accepted), "fuzzer")
    assert contents(batch, standing_only=True) == expected
    assert_stacks_equal_the_fold(batch, random.Random(seed))

    chunked = databases.fresh()
    import_in_chunks(chunked, accepted, random.Random(seed))
    assert contents(chunked, standing_only=True) == expected
    chunked_versions = contents(chunked)

    integrity.rebuild(chunked)
    rebuilt = contents(chunked)
    differing = {name: sorted(set(rows) ^ set(rebuilt[name]))[:4]
                 for name, rows in chunked_versions.items() if rows != rebuilt[name]}  # fmt: skip
    assert not differing, differing
    assert integrity.verify(chunked).ok


@SETTINGS
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_a_batch_refuses_the_same_invalid_event_with_the_same_fields_as_a_single_append(
    databases: Databases, seed: int
) -> None:
    single = databases.fresh()
    accepted, refusals = append_one_at_a_time(single, seed)
    for position, refused, error in refusals[:3]:
        batch = databases.fresh()
        documents = [*accepted[:position], refused]
        with pytest.raises(ImportFailed) as failure:
            import_events(batch, labelled(documents), "fuzzer")
        assert failure.value.origin == str(len(documents) - 1)
        assert failure.value.error.problems == error.problems
        assert failure.value.error.message == error.message
