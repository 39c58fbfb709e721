"""Appending many events in one transaction: rules checked in memory, rows written in batches,
and each touched asset or partnership projected once per batch instead of once per event."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from stackline.domain.documents import FieldProblem, InvalidEvent
from stackline.domain.events import ZERO_HASH, Event, named_companies
from stackline.domain.rules import check_append, check_voiding
from stackline.store.memory_context import MemoryRuleContext
from stackline.store.projector import (
    asset_fact_rows,
    partnership_fact_rows,
    partnership_unit,
    point_fact_rows,
)
from stackline.store.rows import asset_unit, event_row, row_event
from stackline.store.sealing import check_own_hash, read_head, require_same
from stackline.store.tables import (
    companies,
    company_names,
    event_companies,
    events,
    investments,
    ownership_links,
    stack_facts,
    voids,
)

ID_CHUNK = 500
IN_CHUNK = 500


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class BulkAppender:
    """Appends within one open write transaction; the caller commits or rolls back."""

    def __init__(self, connection: Connection, flush_every: int = 20_000) -> None:
        self.connection = connection
        self.context = MemoryRuleContext(connection)
        self.head = read_head(connection)
        self.flush_every = flush_every
        self.batch: list[tuple[Event, dict[str, Any]]] = []
        self.batch_voids: list[dict[str, str]] = []
        self.created = self.unchanged = 0
        self.file_tail: tuple[int, str] | None = None  # the last exported event read

    def append_all(
        self,
        items: Iterable[tuple[str, Event]],
        recorded_by: str,
        now: datetime,
        on_error: Callable[[str, Exception], Exception],
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Append labelled events in order; `on_error(label, error)` builds what is raised."""
        for chunk in chunks(items, ID_CHUNK):
            stored = self._stored_twins([event for _, event in chunk])
            for label, event in chunk:
                try:
                    self._append(event, recorded_by, now, stored)
                except Exception as error:
                    raise on_error(label, error) from None
                if progress is not None:
                    progress(1)
            if len(self.batch) >= self.flush_every:
                self.flush()
        self.flush()

    def _stored_twins(self, chunk: list[Event]) -> dict[str, Any]:
        ids = [str(e.id) for e in chunk if e.id is not None]
        if not ids:
            return {}
        rows = self.connection.execute(select(events).where(events.c.id.in_(ids)))
        return {row.id: row for row in rows}

    def _append(
        self, event: Event, recorded_by: str, now: datetime, stored: dict[str, Any]
    ) -> None:
        check_own_hash(event)
        self._check_file_chain(event)
        key = str(event.id) if event.id is not None else None
        twin = self.context.pending.get(key) if key else None
        if twin is None and key in stored:
            twin = row_event(stored[key])
        if twin is not None:
            require_same(twin, event)
            self.unchanged += 1
            return
        sealed, document = self.head.seal(event, recorded_by, now)
        check_voiding(sealed, self.context)
        target = self.context.void(sealed)
        assert sealed.recorded_at is not None
        check_append(sealed, self.context, sealed.recorded_at.date())
        self.context.accept(sealed)
        if target is not None:
            self.batch_voids.append({"event_id": target, "voided_by": str(sealed.id)})
        self.batch.append((sealed, document))
        self.created += 1

    def _check_file_chain(self, event: Event) -> None:
        """Exported events must still link: an edit re-hashed by hand breaks the next link."""
        if event.hash is None or event.seq is None:
            return
        if event.seq == 1:
            expected: str | None = ZERO_HASH
        elif self.file_tail is not None and self.file_tail[0] == event.seq - 1:
            expected = self.file_tail[1]
        else:
            expected = None  # a filtered export: the event before is not in the file
        if expected is not None and event.prev_hash != expected:
            problem = FieldProblem("prev_hash", f"does not match the hash of seq {event.seq - 1}")
            raise InvalidEvent(f"the export's hash chain is broken at seq {event.seq}", [problem])
        self.file_tail = (event.seq, event.hash)

    def flush(self) -> None:
        """Write the batch's events and bring every projection up to date with them."""
        if not self.batch:
            return
        batch = [event for event, _ in self.batch]
        for rows in chunks((event_row(e, d) for e, d in self.batch), 2000):
            self.connection.execute(insert(events), rows)
        project_batch(
            self.connection, batch, [v["event_id"] for v in self.batch_voids], self.batch_voids
        )
        self.batch.clear()
        self.batch_voids.clear()
        self.context.flushed()


def project_batch(
    connection: Connection, batch: list[Event], voided: list[str], void_rows: list[dict[str, str]]
) -> None:
    """Projections for stored events `batch` and for the events it voids (`voided` ids)."""
    links = [{"company": slug, "seq": e.seq} for e in batch for slug in named_companies(e)]
    for rows in chunks(links, 5000):
        connection.execute(insert(event_companies), rows)
    for rows in chunks(void_rows, 5000):
        connection.execute(insert(voids), rows)
    voided_set = set(voided)
    _withdraw_point_facts(connection, voided)
    _insert_point_facts(connection, [e for e in batch if str(e.id) not in voided_set])
    units, partnerships = _touched(connection, batch, voided)
    known = {str(e.id): e for e in batch}
    _reproject_assets(connection, units, known)
    _reproject_partnerships(connection, partnerships, known)


def _withdraw_point_facts(connection: Connection, voided: list[str]) -> None:
    for ids in chunks(voided, IN_CHUNK):
        seqs = select(events.c.seq).where(events.c.id.in_(ids)).scalar_subquery()
        connection.execute(delete(companies).where(companies.c.registration_seq.in_(seqs)))
        for table in (company_names, ownership_links, investments):
            connection.execute(delete(table).where(table.c.seq.in_(seqs)))


def _insert_point_facts(connection: Connection, live: list[Event]) -> None:
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for event in live:
        for table, row in point_fact_rows(event):
            grouped.setdefault(table, []).append(row)
    for table in (companies, company_names, ownership_links, investments):
        for rows in chunks(grouped.get(table, []), 5000):
            connection.execute(insert(table), rows)


def _touched(
    connection: Connection, batch: list[Event], voided: list[str]
) -> tuple[set[str], set[str]]:
    """The asset units and partnerships whose rows the batch may change."""
    units: set[str] = set()
    partnerships: set[str] = set()
    for event in batch:
        _touch(event.type, str(event.id), asset_unit(event), _target(event), units, partnerships)
    for ids in chunks(voided, IN_CHUNK):
        query = select(events.c.id, events.c.type, events.c.asset_unit, events.c.target_id)
        for row in connection.execute(query.where(events.c.id.in_(ids))):
            _touch(row.type, row.id, row.asset_unit, row.target_id, units, partnerships)
    return units, partnerships


def _touch(
    kind: str,
    event_id: str,
    unit: str | None,
    target: str | None,
    units: set[str],
    partnerships: set[str],
) -> None:
    if unit is not None:
        units.add(unit)
    if kind == "partnership.formed":
        partnerships.add(event_id)
    elif kind == "partnership.ended" and target is not None:
        partnerships.add(target)


def _target(event: Event) -> str | None:
    target = getattr(event.payload, "partnership", None)
    return str(target) if target is not None else None


def _live_rows(connection: Connection, condition: Any) -> Iterator[Any]:
    query = select(events).where(condition, events.c.id.not_in(select(voids.c.event_id)))
    return iter(connection.execute(query.order_by(events.c.seq)))


def _event_of(row: Any, known: dict[str, Event]) -> Event:
    return known.get(row.id) or row_event(row)


def _reproject_assets(connection: Connection, units: set[str], known: dict[str, Event]) -> None:
    for chunk in chunks(sorted(units), IN_CHUNK):
        grouped: dict[str, list[Event]] = {unit: [] for unit in chunk}
        for row in _live_rows(connection, events.c.asset_unit.in_(chunk)):
            grouped[row.asset_unit].append(_event_of(row, known))
        connection.execute(delete(stack_facts).where(stack_facts.c.unit.in_(chunk)))
        facts = [
            fact
            for unit, unit_events in grouped.items()
            for fact in asset_fact_rows(unit, unit_events)
        ]
        for rows in chunks(facts, 5000):
            connection.execute(insert(stack_facts), rows)


def _reproject_partnerships(
    connection: Connection, partnership_ids: set[str], known: dict[str, Event]
) -> None:
    for chunk in chunks(sorted(partnership_ids), IN_CHUNK):
        connection.execute(
            delete(stack_facts).where(stack_facts.c.unit.in_([partnership_unit(i) for i in chunk]))
        )
        formed = {
            row.id: _event_of(row, known) for row in _live_rows(connection, events.c.id.in_(chunk))
        }
        endings: dict[str, list[Event]] = {}
        ended = events.c.target_id.in_(chunk) & (events.c.type == "partnership.ended")
        for row in _live_rows(connection, ended):
            endings.setdefault(row.target_id, []).append(_event_of(row, known))
        facts = [
            fact
            for pid, event in formed.items()
            for fact in partnership_fact_rows(event, endings.get(pid, []))
        ]
        for rows in chunks(facts, 5000):
            connection.execute(insert(stack_facts), rows)
