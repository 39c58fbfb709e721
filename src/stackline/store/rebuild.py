"""Rebuilding the projection tables from the log, and checking that they match a rebuild.

A rebuild empties the projection tables and replays the log through the same projector that
appends use, a batch of stored events at a time in `seq` order: the projections of a log are the
same whether it was written one event at a time, imported in one go, or rebuilt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import groupby
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, delete, select

from stackline.store.database import write_transaction
from stackline.store.projector import Projector
from stackline.store.rows import RECORD_COLUMNS, record_of_row
from stackline.store.statements import Sql, chunks
from stackline.store.tables import PROJECTIONS, events, projection_state
from stackline.store.units_of_work import Writing

REBUILD_CHUNK = 20_000
# Bump when what the projector writes changes: databases built by an older one are rebuilt.
PROJECTOR_VERSION = 9
STATE_NAME = "projections"


def rebuild_projections(
    connection: Connection, progress: Callable[[int], None] | None = None
) -> int:
    """Empty every projection table and replay the log into them; returns the events replayed."""
    for found in reversed(PROJECTIONS.values()):
        connection.execute(delete(found.versions))
    sql = Sql(connection)
    projector = Projector(sql)
    count = 0
    rows = sql.stream(f"SELECT {RECORD_COLUMNS} FROM events ORDER BY seq")
    for chunk in chunks(rows, REBUILD_CHUNK):
        records = [record_of_row(row) for row in chunk]
        # One batch per moment, as the writes were (`versions.py`: the cut of a moment into
        # batches changes nothing).
        for _, moment in groupby(records, key=lambda record: record.recorded_at):
            projector.apply(list(moment))
        count += len(records)
        if progress is not None:
            progress(len(records))
    projector.finish(everyone=True)
    mark_current(connection)
    return count


def rebuild(uow: Writing, progress: Callable[[int], None] | None = None) -> int:
    """`rebuild_projections` in an open write unit (what `stackline rebuild` runs)."""
    return rebuild_projections(uow.connection, progress)


def mark_current(connection: Connection) -> None:
    """Record that the projections were built by this projector version."""
    connection.execute(delete(projection_state).where(projection_state.c.name == STATE_NAME))
    connection.execute(projection_state.insert().values(name=STATE_NAME, version=PROJECTOR_VERSION))


def projections_are_current(connection: Connection) -> bool:
    """Whether the projections were built by this version of the projector."""
    version = connection.scalar(
        select(projection_state.c.version).where(projection_state.c.name == STATE_NAME)
    )
    return bool(version == PROJECTOR_VERSION)


def rebuild_if_stale(engine: Engine) -> bool:
    """Rebuild the projections when an older projector built them; whether it did."""
    with write_transaction(engine) as connection:
        if projections_are_current(connection):
            return False
        rebuild_projections(connection)
        return True


def projection_contents(
    connection: Connection, standing_only: bool = False
) -> dict[str, list[tuple[Any, ...]]]:
    """Every version of every projection row (less surrogate keys), sorted, for comparison; or
    (`standing_only`) the rows standing now, without their recorded interval — what logs
    written in different moments but holding the same events share."""
    contents = {}
    for name, found in PROJECTIONS.items():
        table = found.view if standing_only else found.versions
        columns = [c for c in table.c if c.name != "row_id"]
        rows = connection.execute(select(*columns))
        contents[name] = sorted(tuple(map(str, row)) for row in rows)
    return contents


SEQ_COLUMNS = ("seq",)
ID_COLUMNS = ("event_id", "voided_by")
MAX_NAMED_SEQS = 20


def projections_match_log(uow: Writing) -> dict[str, list[int]]:
    """Each projection table that differs from a fresh rebuild (rolled back), with the seqs of
    the events behind its differing rows (missing, extra or changed), at most 20 each."""
    connection = uow.connection
    before = projection_contents(connection)
    savepoint = connection.begin_nested()
    try:
        rebuild_projections(connection)
        after = projection_contents(connection)
    finally:
        savepoint.rollback()
    return {
        name: _seqs_behind(connection, found.versions, before[name], after[name])
        for name, found in PROJECTIONS.items()
        if before[name] != after[name]
    }


def _seqs_behind(
    connection: Connection,
    table: Any,
    stored: list[tuple[str, ...]],
    rebuilt: list[tuple[str, ...]],
) -> list[int]:
    names = [c.name for c in table.c if c.name != "row_id"]
    differing = Counter(stored)
    differing.subtract(Counter(rebuilt))
    seqs: set[int] = set()
    ids: set[str] = set()
    units: set[str] = set()
    for row in (row for row, count in differing.items() if count != 0):
        values = dict(zip(names, row, strict=True))
        seqs.update(int(values[n]) for n in SEQ_COLUMNS if values.get(n, "None") != "None")
        ids.update(values[n] for n in ID_COLUMNS if values.get(n, "None") != "None")
        if values.get("event_ids", "None") != "None":
            ids.update(orjson.loads(values["event_ids"]))
        if values.get("unit", "None") != "None":
            units.add(values["unit"])
    if ids:
        found = connection.execute(select(events.c.seq).where(events.c.id.in_(sorted(ids))))
        seqs.update(found.scalars())
    if units:  # the events of the units whose rows differ
        found = connection.execute(select(events.c.seq).where(events.c.unit.in_(sorted(units))))
        seqs.update(found.scalars())
    return sorted(seqs)[:MAX_NAMED_SEQS]
