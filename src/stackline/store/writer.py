"""The one write path: appending events to the log, one or many, in one write transaction.

A single append from the API or the form is a batch of one; an import is one batch flushed to
the tables every `flush_every` events. Either way each event is, in order:
1. checked against its own hash and the file's chain (events read from an export);
2. answered by its stored twin when its `id` is already in the log (idempotent repeat, or 409);
3. sealed after the head (`seq`, `recorded_at`, hash chain; `sealing.py`);
4. checked against every §2 rule in the one rule context (`log_state.py`);
5. added to the pending batch, which the projector writes with the event rows (`projector.py`).
A refused event raises `InvalidEvent` and leaves the writer unusable: the caller's transaction
rolls back, so nothing of the batch is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from typing import Any
from uuid import uuid4

from stackline.domain.catalog import REGISTRY
from stackline.domain.catalog.registry import resolved_asset_names
from stackline.domain.documents import event_document, format_timestamp
from stackline.domain.errors import FieldProblem, InvalidEvent, StacklineError
from stackline.domain.events import ZERO_HASH, Event
from stackline.domain.records import EventRecord
from stackline.domain.rules import check_append, check_voiding
from stackline.store.log_state import LogState
from stackline.store.projector import Projector
from stackline.store.rows import event_row, row_event
from stackline.store.sealing import Head, check_own_hash, read_head, require_same
from stackline.store.statements import Sql, chunks
from stackline.store.tables import events
from stackline.store.units_of_work import Writing

TWIN_CHUNK = 500


@dataclass(frozen=True)
class Appended:
    """An appended event's export form (or its stored twin's, `created` False)."""

    document: dict[str, Any]
    created: bool

    @property
    def event_id(self) -> str:
        return str(self.document["id"])


class LogWriter:
    """Appends to the log within one open write transaction; the caller commits or rolls back."""

    def __init__(self, uow: Writing, now: datetime, flush_every: int = 20_000) -> None:
        self.connection = uow.connection
        self.sql = Sql(uow.connection)
        self.state = LogState(self.sql)
        self.projector = Projector(self.sql)
        self.head = read_head(self.sql)
        self.empty = self.head.seq == 0  # a whole export into an empty log keeps its seals
        self.now = format_timestamp(now)
        self.flush_every = flush_every
        self.pending: list[tuple[dict[str, Any], EventRecord]] = []
        self.pending_events: dict[str, Event] = {}
        self.file_tail: tuple[int, str] | None = None  # the last exported event read
        self.created = self.unchanged = 0
        self._refused = False

    def append(self, event: Event, recorded_by: str) -> Appended:
        """Append one event and write it to the tables at once (a batch of one)."""
        appended = self._append(event, recorded_by, self._stored_twins([event]))
        self.flush()
        self.projector.finish()
        return appended

    def append_all(
        self,
        items: Iterable[tuple[str, Event, bool]],
        recorded_by: str,
        on_error: Callable[[str, Exception], Exception],
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Append labelled events in order, each `(label, event, keeps_seal)` (`keeps_seal`:
        listed by a whole export, see `Head.seal`); `on_error(label, error)` builds what is
        raised."""
        for chunk in chunks(items, TWIN_CHUNK):
            twins = self._stored_twins([event for _, event, _ in chunk])
            for label, event, keeps_seal in chunk:
                try:
                    self._append(event, recorded_by, twins, keeps_seal)
                except Exception as error:
                    raise on_error(label, error) from None
                if progress is not None:
                    progress(1)
            if len(self.pending) >= self.flush_every:
                self.flush()
        self.flush()
        self.projector.finish()

    def append_group(self, events: list[Event], recorded_by: str) -> StacklineError | None:
        """Append events that stand or fall together (a dataset row's): each is checked with
        the ones before it pending; if one is refused, none of them is kept and the refusal is
        returned (the check-only call: the writer stays usable, the rest of the batch intact)."""
        head = Head(self.head.seq, self.head.hash, self.head.recorded_at)
        pending, created, unchanged = len(self.pending), self.created, self.unchanged
        twins = self._stored_twins(events)
        self.state.begin_trial()
        try:
            for event in events:
                self._append(event, recorded_by, twins)
        except StacklineError as error:
            self.state.end_trial(keep=False)
            self.head = head
            for _, record in self.pending[pending:]:
                self.pending_events.pop(record.id, None)
            del self.pending[pending:]
            self.created, self.unchanged, self._refused = created, unchanged, False
            return error
        self.state.end_trial(keep=True)
        if len(self.pending) >= self.flush_every:
            self.flush()
        return None

    def finish(self) -> None:
        """Write what is pending and bring the presence projection up to date: the end of a
        write made of several appends or groups."""
        self.flush()
        self.projector.finish()

    def flush(self) -> None:
        """Write the pending events and bring every projection up to date with them."""
        if not self.pending:
            return
        self.sql.insert(events, [event_row(document, record) for document, record in self.pending])
        # A batch is one moment: a restore keeps each event's own `recorded_at`.
        for _, group in groupby(self.pending, key=lambda pending: pending[1].recorded_at):
            self.projector.apply([record for _, record in group])
        self.state.flushed()
        self.pending.clear()
        self.pending_events.clear()

    def _append(
        self, event: Event, recorded_by: str, twins: dict[str, Event], keeps_seal: bool = False
    ) -> Appended:
        if self._refused:
            raise RuntimeError("an append was refused: roll the transaction back")
        self._refused = True  # until this event is through
        check_own_hash(event)
        self._check_file_chain(event)
        key = str(event.id) if event.id is not None else None
        twin = self.pending_events.get(key) if key else None
        twin = twin or (twins.get(key) if key else None)
        if twin is not None:
            require_same(twin, event)
            self.unchanged += 1
            self._refused = False
            return Appended(event_document(twin), created=False)
        if event.id is None:
            event = event.model_copy(update={"id": uuid4()})
        event = self._with_own_asset_names(event)
        document = self.head.seal(event, recorded_by, self.now, self.empty and keeps_seal)
        record = EventRecord.of_document(document)
        record = record.with_unit(REGISTRY.unit_of(record, self.state.unit_of_event))
        check_voiding(event, self.state)
        target = record.voids()
        if target is not None:
            self.state.void(target, record.id)
        check_append(event, self.state, date.fromisoformat(document["recorded_at"][:10]))
        self.state.accept(event, record)
        self.pending.append((document, record))
        self.pending_events[record.id] = event
        self.created += 1
        self._refused = False
        return Appended(document, created=True)

    def _with_own_asset_names(self, event: Event) -> Event:
        """An asset named by one of its aliases is stored under its own name (DESIGN §9.7), so
        unit keys stay content-derived. A sealed event keeps what it says (its hash covers it)."""
        entry = REGISTRY[event.type]
        if event.hash is not None or not entry.names_assets:
            return event
        payload = event.payload.model_dump(mode="json", by_alias=True, exclude_none=True)
        renamed = resolved_asset_names(entry, payload, self.state.asset_name)
        if renamed is None:
            return event
        return event.model_copy(update={"payload": entry.payload.model_validate(renamed)})

    def _stored_twins(self, batch: list[Event]) -> dict[str, Event]:
        """Stored events sharing an id with the batch (one query per chunk)."""
        ids = [str(e.id) for e in batch if e.id is not None]
        if not ids:
            return {}
        rows = self.sql.rows_in("SELECT id FROM events WHERE id IN (:values)", ids)
        found = [row[0] for row in rows]  # usually none: most appends are new events
        if not found:
            return {}
        stored = self.sql.mappings_in("SELECT * FROM events WHERE id IN (:values)", found)
        return {row["id"]: row_event(row) for row in stored}

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
