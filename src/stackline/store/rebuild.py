"""Rebuilding the projection tables from the log, and checking that they match a rebuild."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, select

from stackline.domain.rules import voided_by
from stackline.store.bulk import chunks, project_batch
from stackline.store.rows import row_event
from stackline.store.tables import PROJECTION_TABLES, events

REBUILD_CHUNK = 20_000


def rebuild_projections(
    connection: Connection, progress: Callable[[int], None] | None = None
) -> int:
    """Empty every projection table and replay the log into them; returns the events replayed."""
    for table in reversed(PROJECTION_TABLES):
        connection.execute(delete(table))
    count = 0
    query = select(events).order_by(events.c.seq).execution_options(yield_per=REBUILD_CHUNK)
    with connection.execute(query) as result:
        for rows in chunks(result, REBUILD_CHUNK):
            batch = [row_event(row) for row in rows]
            void_rows = [
                {"event_id": str(target), "voided_by": str(event.id)}
                for event in batch
                if (target := voided_by(event)) is not None
            ]
            project_batch(connection, batch, [v["event_id"] for v in void_rows], void_rows)
            count += len(batch)
            if progress is not None:
                progress(len(batch))
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
