"""Checking the log (hash chain, projections) and rebuilding the projections from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from stackline.store.chain import ChainProblem, first_chain_problem
from stackline.store.reads.events import count_all_events
from stackline.store.rebuild import projections_match_log, rebuild_projections
from stackline.store.units_of_work import Database


@dataclass(frozen=True)
class VerifyReport:
    events: int
    chain_problem: ChainProblem | None
    stale_projections: list[str]

    @property
    def ok(self) -> bool:
        return self.chain_problem is None and not self.stale_projections


def verify(db: Database, check_projections: bool = True) -> VerifyReport:
    with db.reading() as uow:
        count = count_all_events(uow)
        problem = first_chain_problem(uow.connection)
    stale: list[str] = []
    if check_projections:
        with db.writing() as uow:
            stale = projections_match_log(uow.connection)
    return VerifyReport(count, problem, stale)


def count_events(db: Database) -> int:
    with db.reading() as uow:
        return count_all_events(uow)


def rebuild(db: Database, progress: Callable[[int], None] | None = None) -> int:
    with db.writing() as uow:
        return rebuild_projections(uow.connection, progress)
