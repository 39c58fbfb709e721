"""The one projector: brings every projection table up to date with a batch of stored events.

Marten's "one projection, several lifecycles": the same `apply` serves a single append (a batch
of one), an import (a batch per flush) and a rebuild (the whole log, a batch at a time, into
empty tables). What each type does comes from its registry entry (`domain/catalog`):
1. `event_companies` and `voids` index every event and every voiding;
2. a plan's row belongs to its event alone: written when it is appended, deleted when voided;
3. every unit the batch touches — its own events' units and the units of events it voids — is
   recomputed from that unit's live events (those already stored, read by one indexed query,
   and the batch's own, never read back) through each type's effect, and its facts replace
   the unit's rows.
The caller has inserted the batch's event rows; everything runs in the caller's transaction.
A batch is one moment (its events' `recorded_at`): every row it writes is a version opened at
that moment, every row it replaces is closed at it (`versions.py`, DESIGN §9.4).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table

from stackline.domain.catalog import REGISTRY
from stackline.domain.facts import HeldFact, PlanFact
from stackline.domain.records import EventRecord
from stackline.domain.units import facts_of_unit, unit_kind
from stackline.store.fact_rows import UNIT_TABLES, fact_row
from stackline.store.presence import PresenceProjector
from stackline.store.rows import RECORD_COLUMNS, record_of_row
from stackline.store.statements import Sql
from stackline.store.tables import event_companies, plans, voids
from stackline.store.versions import Versions

# Units whose facts are what presence is composed from besides the stack rows: a company's
# founding and names, its owners, its stakes. A change there recomposes the companies named.
_PRESENCE_INPUT_KINDS = frozenset({"company", "parent", "stake"})


def plan_fact(record: EventRecord) -> PlanFact | None:
    """The plan an announcement is, dated or not (one row per announcement, DESIGN §8 and
    §9.5), or None."""
    entry = REGISTRY[record.type]
    if not entry.is_announcement(record.payload):
        return None
    kind = unit_kind(record.unit) if record.unit is not None else "acquisition"
    company = entry.companies(record.payload)[0]
    return PlanFact(record.seq, record.id, kind, company, record.start)


class Projector:
    """Applies batches of stored events to the projection tables of one transaction."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.presence = PresenceProjector(sql)
        self.versions = Versions(sql, "")

    def apply(self, batch: Sequence[EventRecord]) -> None:
        """Project `batch` (consecutive, in `seq` order, rows already inserted)."""
        if not batch:
            return
        moments = {record.recorded_at for record in batch}
        if len(moments) != 1 or None in moments:
            raise ValueError(f"a batch is one moment; it has {sorted(map(str, moments))}")
        moment = str(batch[0].recorded_at)
        if self.versions.moment not in ("", moment):
            self.finish()  # the earlier moment's presence stands before the next moment's opens
        self.versions = self.presence.versions = Versions(self.sql, moment)
        voided = {target: record.id for record in batch if (target := record.voids())}
        named = {r.seq: REGISTRY[r.type].companies(r.payload) for r in batch}
        self._index(batch, voided, named)
        voided_rows = self._voided_stored(voided, batch[0].seq)
        named.update({r.seq: REGISTRY[r.type].companies(r.payload) for r in voided_rows})
        # Nothing the batch does (or undoes) takes effect before its earliest event.
        since = min(record.occurred.start for record in (*batch, *voided_rows))
        self._plans(batch, voided, voided_rows)
        self._units(batch, voided, voided_rows, since)
        # Withdrawn: voided by this batch, whether stored before or written in it.
        withdrawals = [(r, r.id in voided) for r in batch] + [(r, True) for r in voided_rows]
        for record, withdrawn in withdrawals:
            companies = set(named[record.seq])
            self.presence.mentioned(
                record.seq, record.id, record.type, companies, record.occurred.start
            )
            unit = record.unit
            if withdrawn or record.voids() or (unit and unit_kind(unit) in _PRESENCE_INPUT_KINDS):
                self.presence.touched(companies, since)
            if unit and unit_kind(unit) == "parent":
                self.presence.regroup(companies, since)

    def finish(self, everyone: bool = False) -> None:
        """Bring the presence projection up to date with everything applied (all of it, for a
        rebuild): it composes whole ownership trees, so it runs once per write, not per batch."""
        self.presence.finish(everyone)

    def _index(
        self, batch: Sequence[EventRecord], voided: dict[str, str], named: dict[int, list[str]]
    ) -> None:
        links = [
            {"company": slug, "seq": record.seq} for record in batch for slug in named[record.seq]
        ]
        self.versions.insert(event_companies, links)
        self.versions.insert(voids, [{"event_id": t, "voided_by": by} for t, by in voided.items()])

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

    def _plans(
        self, batch: Sequence[EventRecord], voided: dict[str, str], voided_rows: list[EventRecord]
    ) -> None:
        withdrawn = [r.seq for r in voided_rows if plan_fact(r) is not None]
        self.versions.close(plans, "seq IN (:values)", withdrawn)
        found = [plan_fact(r) for r in batch if r.id not in voided]
        self.versions.insert(plans, [fact_row(fact)[1] for fact in found if fact is not None])

    def _units(
        self,
        batch: Sequence[EventRecord],
        voided: dict[str, str],
        voided_rows: list[EventRecord],
        since: date,
    ) -> None:
        own: dict[str, list[EventRecord]] = defaultdict(list)
        for record in batch:
            if (unit := record.unit) is not None:
                own[unit].append(record)
        touched = set(own) | {u for r in voided_rows if (u := r.unit) is not None}
        if not touched:
            return
        stored = self._stored_unit_records(sorted(touched), batch[0].seq)
        # Only a unit with stored events (or one this batch voids in) can have rows already.
        had_rows = sorted(set(stored) | {u for r in voided_rows if (u := r.unit) is not None})
        held_before = self._held_before(had_rows)
        self.presence.touched({holder for holders in held_before.values() for holder in holders},
                              since)  # fmt: skip
        written: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        new_rows: list[dict[str, object]] = []
        for unit in sorted(touched):
            records = [r for r in (*stored.get(unit, ()), *own.get(unit, ())) if r.id not in voided]
            for fact in facts_of_unit(unit, records, REGISTRY.effect):
                table, row = fact_row(fact)
                written[table].append(row)
                if isinstance(fact, HeldFact):
                    if unit in held_before:
                        self.presence.touched({fact.holder}, since)
                    else:
                        new_rows.append(row)
        # Units that had rows have them replaced (only what differs changes); new units' rows
        # are only opened.
        old = set(had_rows)
        for table in sorted({t for u in touched for t in UNIT_TABLES[unit_kind(u)]},
                            key=lambda t: t.name):  # fmt: skip
            units = sorted(u for u in old if table in UNIT_TABLES[unit_kind(u)])
            rows = written.get(table, [])
            self.versions.replace(
                table, "unit IN (:values)", units, [r for r in rows if r["unit"] in old]
            )
            self.versions.insert(table, [r for r in rows if r["unit"] not in old])
        self.presence.added_rows(new_rows, since)

    def _held_before(self, units: list[str]) -> dict[str, set[str]]:
        """The holders of the stack rows each unit had before this batch (units with none are
        left out: what they add may change no one's presence)."""
        held: dict[str, set[str]] = defaultdict(set)
        for unit, holder in self.sql.rows_in(
            "SELECT unit, holder FROM stack_facts WHERE unit IN (:values)", units
        ):
            held[unit].add(holder)
        return held

    def _stored_unit_records(
        self, units: list[str], first_seq: int
    ) -> dict[str, list[EventRecord]]:
        """Live events stored before this batch, by unit. Voids written by this batch are
        already in `voids`, so what it voids is left out here too."""
        rows = self.sql.rows_in(
            f"SELECT {RECORD_COLUMNS} FROM events WHERE unit IN (:values) "
            "AND seq < :first AND id NOT IN (SELECT event_id FROM voids)",
            units,
            {"first": first_seq},
        )
        grouped: dict[str, list[EventRecord]] = defaultdict(list)
        for row in rows:
            record = record_of_row(row)
            grouped[record.unit or ""].append(record)
        return grouped
