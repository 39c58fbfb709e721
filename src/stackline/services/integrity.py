"""Checking the log (hash chain, projections) and rebuilding the projections from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from stackline.store.chain import ChainProblem, first_chain_problem
from stackline.store.database import read_transaction, write_transaction
from stackline.store.rebuild import projections_match_log, rebuild_projections
from stackline.store.tables import events


@dataclass(frozen=True)
class VerifyReport:
    events: int
    chain_problem: ChainProblem | None
    stale_projections: list[str]

    @property
    def ok(self) -> bool:
        return self.chain_problem is None and not self.stale_projections


def verify(engine: Engine, check_projections: bool = True) -> VerifyReport:
    with read_transaction(engine) as connection:
        count = connection.scalar(select(func.count()).select_from(events)) or 0
        problem = first_chain_problem(connection)
    stale: list[str] = []
    if check_projections:
        with write_transaction(engine) as connection:
            stale = projections_match_log(connection)
    return VerifyReport(count, problem, stale)


def count_events(engine: Engine) -> int:
    with read_transaction(engine) as connection:
        return connection.scalar(select(func.count()).select_from(events)) or 0


def rebuild(engine: Engine, progress: Callable[[int], None] | None = None) -> int:
    with write_transaction(engine) as connection:
        return rebuild_projections(connection, progress)
