"""The append-only event log: appending with rules, idempotency and the hash chain; verifying it.

Callers hold a `write_transaction`; a failure anywhere raises and the caller's transaction rolls
back, so a rejected append (or a rejected import) writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from stackline.domain.documents import compute_hash
from stackline.domain.events import ZERO_HASH, Event
from stackline.domain.rules import check_append, check_voiding
from stackline.store.context import StoredRuleContext
from stackline.store.projector import apply_event, void_target
from stackline.store.rows import event_row, row_document, row_event
from stackline.store.sealing import check_own_hash, read_head, require_same
from stackline.store.tables import events


@dataclass(frozen=True)
class Appended:
    event: Event
    created: bool


class EventLog:
    """Appends to the log within one open write transaction, one event at a time."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.context = StoredRuleContext(connection)
        self.head = read_head(connection)

    def append(self, event: Event, recorded_by: str, now: datetime | None = None) -> Appended:
        """Store `event` (or return its stored twin); raises `InvalidEvent` on any problem."""
        check_own_hash(event)
        if event.id is not None:
            query = select(events).where(events.c.id == str(event.id))
            existing = self.connection.execute(query).first()
            if existing is not None:
                stored = row_event(existing)
                require_same(stored, event)
                return Appended(stored, created=False)
        head_before = replace(self.head)
        try:
            return self._append_new(event, recorded_by, now or datetime.now(UTC))
        except Exception:
            self.head = head_before
            raise

    def _append_new(self, event: Event, recorded_by: str, now: datetime) -> Appended:
        stored, document = self.head.seal(event, recorded_by, now)
        check_voiding(stored, self.context)
        void_target(self.connection, stored)  # rules then see the log as the correction leaves it
        assert stored.recorded_at is not None
        check_append(stored, self.context, stored.recorded_at.date())
        self.connection.execute(insert(events), event_row(stored, document))
        apply_event(self.connection, stored)
        return Appended(stored, created=True)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def first_chain_problem(connection: Connection) -> ChainProblem | None:
    """Walk the log in `seq` order and return the first break in it, or None."""
    expected_seq, prev_hash, prev_recorded = 1, ZERO_HASH, ""
    query = select(events).order_by(events.c.seq).execution_options(yield_per=2000)
    with connection.execute(query) as result:
        for row in result:
            document = row_document(row)
            problem = _link_problem(document, expected_seq, prev_hash, prev_recorded)
            if problem is not None:
                return problem
            expected_seq, prev_hash = expected_seq + 1, document["hash"]
            prev_recorded = document["recorded_at"]
    return None


def _link_problem(
    document: dict[str, Any], expected_seq: int, prev_hash: str, prev_recorded: str
) -> ChainProblem | None:
    seq = document["seq"]
    if seq != expected_seq:
        return ChainProblem(expected_seq, f"seq {expected_seq} is missing (next is {seq})")
    if document["prev_hash"] != prev_hash:
        return ChainProblem(seq, "prev_hash does not match the hash of the event before")
    if compute_hash(document) != document["hash"]:
        return ChainProblem(seq, "hash does not match the event's content")
    if document["recorded_at"] < prev_recorded:
        return ChainProblem(seq, "recorded_at goes backwards")
    return None
