"""The one projector: brings every projection table up to date with a batch of stored events.

Marten's "one projection, several lifecycles": the same `apply` serves a single append (a batch
of one), an import (a batch per flush) and a rebuild (the whole log, a batch at a time, into
empty tables). It dispatches on `catalog.EVENT_PROJECTIONS`:
1. `event_companies` and `voids` index every event and every voiding;
2. point rows of voided events are deleted, and those of the batch's live events inserted;
3. every unit the batch touches — its own events' units and the units of events it voids — is
   recomputed from that unit's live events: those already stored, read by one indexed query,
   and the batch's own, never read back.
The caller has inserted the batch's event rows; everything runs in the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table

from stackline.domain.events import companies_in_payload
from stackline.domain.records import EventRecord
from stackline.store.catalog import POINT_TABLES, point_rows, unit_of
from stackline.store.presence import INPUT_TABLES, PresenceProjector
from stackline.store.rows import RECORD_COLUMNS, record_of_row
from stackline.store.statements import Sql
from stackline.store.tables import event_companies, stack_facts, voids
from stackline.store.units import UNIT_TABLES, unit_rows


class Projector:
    """Applies batches of stored events to the projection tables of one transaction."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.presence = PresenceProjector(sql)
        self.since = date.max  # the earliest effective date of the batch being applied

    def apply(self, batch: Sequence[EventRecord]) -> None:
        """Project `batch` (consecutive, in `seq` order, rows already inserted)."""
        if not batch:
            return
        voided = {target: record.id for record in batch if (target := record.voids())}
        self._index(batch, voided)
        voided_rows = self._voided_stored(voided, batch[0].seq)
        # Nothing the batch does (or undoes) takes effect before its earliest event.
        self.since = min(record.occurred.start for record in (*batch, *voided_rows))
        self._points(batch, voided, voided_rows)
        self._units(batch, voided, voided_rows)
        # Withdrawn: voided by this batch, whether stored before or written in it.
        withdrawals = [(r, r.id in voided) for r in batch] + [(r, True) for r in voided_rows]
        for record, withdrawn in withdrawals:
            named = set(companies_in_payload(record.type, record.payload))
            self.presence.mentioned(str(record.id), record.type, named, record.occurred.start)
            changes_inputs = any(table in INPUT_TABLES for table, _ in point_rows(record))
            if changes_inputs or withdrawn or record.voids():
                self.presence.touched(named, self.since)

    def finish(self, everyone: bool = False) -> None:
        """Bring the presence projection up to date with everything applied (all of it, for a
        rebuild): it composes whole ownership trees, so it runs once per write, not per batch."""
        self.presence.finish(everyone)

    def _index(self, batch: Sequence[EventRecord], voided: dict[str, str]) -> None:
        links = [
            {"company": slug, "seq": record.seq}
            for record in batch
            for slug in companies_in_payload(record.type, record.payload)
        ]
        self.sql.insert(event_companies, links)
        self.sql.insert(voids, [{"event_id": t, "voided_by": by} for t, by in voided.items()])

    def _voided_stored(self, voided: dict[str, str], first_seq: int) -> list[EventRecord]:
        """The stored events (before this batch) that the batch voids."""
        if not voided:
            return []
        rows = self.sql.rows_in(
            f"SELECT {RECORD_COLUMNS} FROM events WHERE id IN (:values) AND seq < :first",
            sorted(voided),
            {"first": first_seq},
        )
        return [record_of_row(row) for row in rows]

    def _points(
        self,
        batch: Sequence[EventRecord],
        voided: dict[str, str],
        voided_rows: list[EventRecord],
    ) -> None:
        withdrawn = [r.seq for r in voided_rows if point_rows(r)]
        for table, seq_column in POINT_TABLES.items():
            if withdrawn:
                self.sql.run_in(
                    f"DELETE FROM {table.name} WHERE {seq_column} IN (:values)", withdrawn
                )
        grouped: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        for record in batch:
            if record.id not in voided:
                for table, row in point_rows(record):
                    grouped[table].append(row)
        for table in POINT_TABLES:  # in dependency order: companies first
            self.sql.insert(table, grouped.get(table, []))

    def _units(
        self,
        batch: Sequence[EventRecord],
        voided: dict[str, str],
        voided_rows: list[EventRecord],
    ) -> None:
        own: dict[str, list[EventRecord]] = defaultdict(list)
        for record in batch:
            unit = unit_of(record)
            if unit is not None:
                own[unit].append(record)
        touched = set(own) | {u for r in voided_rows if (u := unit_of(r)) is not None}
        touched |= {u for r in batch if r.id in voided and (u := unit_of(r)) is not None}
        if not touched:
            return
        stored = self._stored_unit_records(sorted(touched), batch[0].seq)
        had_rows = set(stored) | {u for r in voided_rows if (u := unit_of(r)) is not None}
        holders = self.sql.rows_in(
            "SELECT DISTINCT holder FROM stack_facts WHERE unit IN (:values)", sorted(had_rows)
        )
        self.presence.touched({row[0] for row in holders}, self.since)
        for table in UNIT_TABLES:
            self.sql.run_in(f"DELETE FROM {table.name} WHERE unit IN (:values)", sorted(had_rows))
        written: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        for unit in sorted(touched):
            records = [r for r in (*stored.get(unit, ()), *own.get(unit, ())) if r.id not in voided]
            for table, rows in unit_rows(unit, records).items():
                written[table].extend(rows)
        for table in UNIT_TABLES:
            self.sql.insert(table, written[table])
        replaced = [row for row in written[stack_facts] if row["unit"] in had_rows]
        self.presence.touched({row["holder"] for row in replaced}, self.since)
        new = [row for row in written[stack_facts] if row["unit"] not in had_rows]
        self.presence.added_rows(new, self.since)

    def _stored_unit_records(
        self, units: list[str], first_seq: int
    ) -> dict[str, list[EventRecord]]:
        """Live events stored before this batch, by unit. Voids written by this batch are
        already in `voids`, so what it voids is left out here too."""
        rows = self.sql.rows_in(
            f"SELECT {RECORD_COLUMNS}, unit FROM events WHERE unit IN (:values) "
            "AND seq < :first AND id NOT IN (SELECT event_id FROM voids)",
            units,
            {"first": first_seq},
        )
        grouped: dict[str, list[EventRecord]] = defaultdict(list)
        for row in rows:
            grouped[row[-1]].append(record_of_row(row[:-1]))
        return grouped
