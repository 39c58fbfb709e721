"""The append-only event log: appending with rules, idempotency and the hash chain; verifying it.

Callers hold a `write_transaction`; a failure anywhere raises and the caller's transaction rolls
back, so a rejected append (or a rejected import) writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, insert, select

from stackline.domain.documents import (
    FieldProblem,
    InvalidEvent,
    compute_hash,
    event_document,
    format_timestamp,
    same_client_fields,
)
from stackline.domain.events import SCHEMA_VERSION, ZERO_HASH, Event
from stackline.domain.rules import check_append, check_voiding
from stackline.store.context import StoredRuleContext
from stackline.store.projector import apply_event, void_target
from stackline.store.rows import event_row, row_document, row_event
from stackline.store.tables import events


@dataclass(frozen=True)
class Appended:
    event: Event
    created: bool


@dataclass
class Head:
    seq: int
    hash: str
    recorded_at: str


def read_head(connection: Connection) -> Head:
    row = connection.execute(
        select(events.c.seq, events.c.hash, events.c.recorded_at)
        .order_by(events.c.seq.desc())
        .limit(1)
    ).first()
    return Head(row.seq, row.hash, row.recorded_at) if row else Head(0, ZERO_HASH, "")


class EventLog:
    """Appends to the log within one open write transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.context = StoredRuleContext(connection)
        self.head = read_head(connection)

    def append(self, event: Event, recorded_by: str, now: datetime | None = None) -> Appended:
        """Store `event` (or return its stored twin); raises `InvalidEvent` on any problem."""
        if event.hash is not None:
            _check_own_hash(event)
        if event.id is not None:
            existing = self.connection.execute(
                select(events).where(events.c.id == str(event.id))
            ).first()
            if existing is not None:
                stored = row_event(existing)
                if not same_client_fields(stored, event):
                    raise InvalidEvent(
                        f"event {event.id} already exists with other content",
                        [FieldProblem("id", "already used by a different event")],
                        status=409,
                        code="conflict",
                    )
                return Appended(stored, created=False)
        stored = self._sealed(event, recorded_by, now or datetime.now(UTC))
        check_voiding(stored, self.context)
        void_target(self.connection, stored)  # rules then see the log as the correction leaves it
        assert stored.recorded_at is not None
        check_append(stored, self.context, stored.recorded_at.date())
        self.connection.execute(insert(events), event_row(stored))
        apply_event(self.connection, stored)
        self.head = Head(stored.seq or 0, stored.hash or "", format_timestamp(stored.recorded_at))
        return Appended(stored, created=True)

    def _sealed(self, event: Event, recorded_by: str, now: datetime) -> Event:
        """The event with its place in the log: kept from an export that fits here, else new."""
        fits_here = event.seq == self.head.seq + 1 and event.prev_hash == self.head.hash
        if (
            event.hash is not None
            and fits_here
            and event.recorded_at is not None
            and format_timestamp(event.recorded_at) >= self.head.recorded_at
        ):
            return event
        recorded_at = max(format_timestamp(now), self.head.recorded_at)
        sealed = event.model_copy(
            update={
                "id": event.id or uuid4(),
                "seq": self.head.seq + 1,
                "schema_version": SCHEMA_VERSION,
                "recorded_at": datetime.strptime(recorded_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                    tzinfo=UTC
                ),
                "recorded_by": recorded_by,
                "prev_hash": self.head.hash,
                "hash": None,
            }
        )
        return sealed.model_copy(update={"hash": compute_hash(event_document(sealed))})


def _check_own_hash(event: Event) -> None:
    """An exported event must still hash to what it says: edited text or hash is refused."""
    document = event_document(event)
    if any(document[key] is None for key in ("seq", "recorded_at", "recorded_by", "prev_hash")):
        raise InvalidEvent(
            "an event with a hash must carry seq, recorded_at, recorded_by and prev_hash",
            [FieldProblem("hash", "incomplete store fields")],
        )
    if compute_hash(document) != event.hash:
        raise InvalidEvent(
            f"event {event.id} (seq {event.seq}) does not match its hash: it was edited",
            [FieldProblem("hash", "does not match the event's content")],
        )


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
