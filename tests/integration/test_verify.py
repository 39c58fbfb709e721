"""`verify` finds tampering the triggers were bypassed for, naming the first bad seq."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from stackline.services import integrity
from stackline.services.runtime import load_seed
from stackline.store.units_of_work import Database

# Storage-specific: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.storage

DROP = {
    "sqlite": ["DROP TRIGGER events_no_update", "DROP TRIGGER events_no_delete"],
    "postgresql": ["DROP TRIGGER events_no_update_delete ON events"],
}


@contextmanager
def tampering(database: Database) -> Iterator[object]:
    """A transaction with the immutability triggers dropped (as an attacker with DB access)."""
    with database.engine.begin() as connection:
        for statement in DROP[database.dialect]:
            connection.execute(text(statement))
        yield connection


@pytest.fixture
def seeded(database: Database) -> Database:
    load_seed(database)
    assert integrity.verify(database).ok
    return database


def test_an_intact_log_verifies(seeded: Database) -> None:
    report = integrity.verify(seeded)
    assert report.ok and report.events > 50


def test_an_edited_summary_is_caught_at_its_seq(seeded: Database) -> None:
    with tampering(seeded) as connection:
        connection.execute(text("UPDATE events SET summary = 'rewritten' WHERE seq = 17"))
    problem = integrity.verify(seeded).chain_problem
    assert problem is not None and problem.seq == 17 and "hash" in problem.message


def test_an_edited_payload_with_a_recomputed_hash_breaks_the_next_link(seeded: Database) -> None:
    with tampering(seeded) as connection:
        connection.execute(text("UPDATE events SET hash = :h WHERE seq = 20"), {"h": "a" * 64})
    problem = integrity.verify(seeded).chain_problem
    assert problem is not None and problem.seq == 20


def test_a_deleted_event_is_caught_as_a_gap(seeded: Database) -> None:
    with tampering(seeded) as connection:
        connection.execute(text("DELETE FROM event_companies_versions WHERE seq = 30"))
        connection.execute(text("DELETE FROM events WHERE seq = 30"))
    problem = integrity.verify(seeded).chain_problem
    assert problem is not None and problem.seq == 30 and "missing" in problem.message


def test_swapped_events_are_caught_at_the_first_swapped_seq(seeded: Database) -> None:
    columns = (
        "id, type, occurred_on, summary, details, sources, payload, recorded_at, prev_hash, hash"
    )
    with tampering(seeded) as connection:
        rows = {
            row.seq: row._mapping
            for row in connection.execute(
                text(f"SELECT seq, {columns} FROM events WHERE seq IN (40, 41)")
            )
        }
        connection.execute(text("UPDATE events SET id = 'swapping' WHERE seq = 40"))
        for seq, other in ((41, 40), (40, 41)):
            values = {k: v for k, v in rows[other].items() if k != "seq"}
            assignments = ", ".join(f"{k} = :{k}" for k in values)
            connection.execute(text(f"UPDATE events SET {assignments} WHERE seq = {seq}"), values)
    problem = integrity.verify(seeded).chain_problem
    assert problem is not None and problem.seq == 40


def test_stale_projections_are_reported_and_rebuild_repairs_them(seeded: Database) -> None:
    with seeded.engine.begin() as connection:
        connection.execute(text("DELETE FROM stack_facts_versions WHERE holder = 'google'"))
    assert integrity.verify(seeded).stale_projections == ["stack_facts"]
    integrity.rebuild(seeded)
    assert integrity.verify(seeded).ok


@pytest.mark.parametrize(
    ("column", "value"),
    [("effective_on", "1999-01-01"), ("period_end", "1999-12-31"), ("layer", "model"),
     ("unit", "forged-unit")],
)  # fmt: skip
def test_an_edited_derived_column_is_caught_at_its_seq(
    seeded: Database, column: str, value: str
) -> None:
    seq = 60  # a launch: every derived column is set
    with tampering(seeded) as connection:
        connection.execute(text(f"UPDATE events SET {column} = :v WHERE seq = {seq}"), {"v": value})
    problem = integrity.verify(seeded).chain_problem
    assert problem is not None and problem.seq == seq
    assert column in problem.message


def test_stale_projections_name_the_seqs_of_the_rows_that_differ(seeded: Database) -> None:
    with seeded.engine.connect() as connection:
        registered = connection.execute(
            text(
                "SELECT e.seq FROM companies c JOIN events e ON e.id = c.event_id "
                "WHERE c.slug = 'mistral'"
            )
        ).scalar_one()
        connection.execute(text("DELETE FROM companies_versions WHERE slug = 'mistral'"))
        connection.commit()
    report = integrity.verify(seeded)
    assert report.mismatches == {"companies": [registered]}
    assert f"companies (seq {registered})" in report.describe_mismatches()
