"""Rebuilding the projection tables from the log, and checking that they match a rebuild."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, select

from stackline.store.projector import project
from stackline.store.rows import row_event
from stackline.store.tables import PROJECTION_TABLES, events


def rebuild_projections(
    connection: Connection, progress: Callable[[int], None] | None = None
) -> int:
    """Empty every projection table and replay the log into them; returns the events replayed."""
    for table in reversed(PROJECTION_TABLES):
        connection.execute(delete(table))
    count = 0
    query = select(events).order_by(events.c.seq).execution_options(yield_per=2000)
    with connection.execute(query) as result:
        for row in result:
            project(connection, row_event(row))
            count += 1
            if progress is not None:
                progress(1)
    return count


def projection_contents(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection row (less surrogate keys), sorted, for comparison."""
    contents = {}
    for table in PROJECTION_TABLES:
        columns = [c for c in table.c if c.name != "row_id"]
        rows = connection.execute(select(*columns))
        contents[table.name] = sorted(tuple(map(str, row)) for row in rows)
    return contents


def projections_match_log(connection: Connection) -> list[str]:
    """Names of projection tables that differ from a fresh rebuild (the rebuild is rolled back)."""
    before = projection_contents(connection)
    savepoint = connection.begin_nested()
    try:
        rebuild_projections(connection)
        after = projection_contents(connection)
    finally:
        savepoint.rollback()
    return [name for name in before if before[name] != after[name]]
