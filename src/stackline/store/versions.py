"""Writing the bitemporal projections (DESIGN §9.4): rows are never updated or deleted, they
are closed at the moment of the write that replaced them, and their replacements opened at it.

A write is one moment (the `recorded_at` of its events). `Versions.replace` makes a set of rows
the standing rows of a part of a projection, changing only what differs: a standing row alike a
new one (same data columns) stays as it is, so a rewrite that changes nothing writes nothing; a
row opened and closed within the same moment never stood and is deleted. So what a write leaves
depends only on the log, not on how the write was cut into batches — a rebuild reproduces it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table

from stackline.store.statements import Sql
from stackline.store.tables import PROJECTIONS


def _alike(values: Sequence[Any]) -> tuple[Any, ...]:
    """Values as the same tuple whether read back (dates as `date` on PostgreSQL) or about to
    be written (dates as ISO text)."""
    return tuple(v.isoformat() if isinstance(v, date) else v for v in values)


class Versions:
    """The versioned writes of one moment, on one transaction's cursor."""

    def __init__(self, sql: Sql, moment: str) -> None:
        self.sql = sql
        self.moment = moment

    def insert(self, view: Table, rows: Sequence[dict[str, Any]]) -> None:
        """Open `rows` (dicts of the view's data columns) at this moment."""
        if rows:
            versions = PROJECTIONS[view.name].versions
            self.sql.insert(versions, [{**row, "known_from": self.moment, "known_until": None}
                                       for row in rows])  # fmt: skip

    def replace(
        self,
        view: Table,
        where: str,
        values: Sequence[Any],
        rows: Sequence[dict[str, Any]],
        params: dict[str, Any] | None = None,
    ) -> None:
        """Make `rows` the standing rows of `view` among those `where` selects (a condition on
        its columns with `IN (:values)`, filled with `values`): standing rows alike one of
        `rows` stay, the others are closed, the rest of `rows` are opened."""
        found = PROJECTIONS[view.name]
        columns = found.data_columns
        wanted: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            wanted[_alike([row[c] for c in columns])].append(row)
        closing: list[tuple[int, str]] = []
        if values:
            for row_id, known_from, *data in self.sql.rows_in(
                f"SELECT row_id, known_from, {', '.join(columns)} FROM {found.versions.name} "
                f"WHERE known_until IS NULL AND ({where})",
                values,
                params,
            ):
                same = wanted.get(_alike(data))
                if same:
                    same.pop()
                else:
                    closing.append((row_id, known_from))
        self._close(found.versions, closing)
        self.insert(view, [row for same in wanted.values() for row in same])

    def close(
        self, view: Table, where: str, values: Sequence[Any], params: dict[str, Any] | None = None
    ) -> None:
        """Close the standing rows of `view` that `where` selects."""
        self.replace(view, where, values, [], params)

    def _close(self, versions: Table, closing: list[tuple[int, str]]) -> None:
        never_stood = [row_id for row_id, known_from in closing if known_from == self.moment]
        ended = [row_id for row_id, known_from in closing if known_from != self.moment]
        self.sql.run_in(f"DELETE FROM {versions.name} WHERE row_id IN (:values)", never_stood)
        self.sql.run_in(
            f"UPDATE {versions.name} SET known_until = :moment WHERE row_id IN (:values)",
            ended,
            {"moment": self.moment},
        )
