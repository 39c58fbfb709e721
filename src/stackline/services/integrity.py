"""Checking the log (hash chain, projections) and rebuilding the projections from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from stackline.store.chain import ChainProblem, first_chain_problem
from stackline.store.reads.events import count_all_events
from stackline.store.rebuild import projections_match_log
from stackline.store.rebuild import rebuild as rebuild_projections
from stackline.store.units_of_work import Database


@dataclass(frozen=True)
class VerifyReport:
    events: int
    chain_problem: ChainProblem | None
    mismatches: dict[str, list[int]] = field(default_factory=dict)  # table → seqs behind it

    @property
    def stale_projections(self) -> list[str]:
        return list(self.mismatches)

    @property
    def ok(self) -> bool:
        return self.chain_problem is None and not self.mismatches

    def describe_mismatches(self) -> str:
        """`stack_facts (seq 12, 40)`, …: each stale table and the events behind its rows."""
        return ", ".join(
            f"{table} (seq {', '.join(map(str, seqs))})" if seqs else table
            for table, seqs in self.mismatches.items()
        )


def verify(db: Database, check_projections: bool = True) -> VerifyReport:
    with db.reading() as uow:
        count = count_all_events(uow)
        problem = first_chain_problem(uow)
    mismatches: dict[str, list[int]] = {}
    if check_projections and problem is None:  # a broken log cannot be replayed meaningfully
        with db.writing() as uow:
            mismatches = projections_match_log(uow)
    return VerifyReport(count, problem, mismatches)


def count_events(db: Database) -> int:
    with db.reading() as uow:
        return count_all_events(uow)


def rebuild(db: Database, progress: Callable[[int], None] | None = None) -> int:
    with db.writing() as uow:
        return rebuild_projections(uow, progress)
