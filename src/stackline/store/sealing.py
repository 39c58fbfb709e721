"""Giving an event its place in the log: `seq`, `recorded_at`, `recorded_by` and the hash chain.

Also the two checks every append path shares: an exported event must still match its hash, and an
id already stored must come back with the same client fields (else 409).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stackline.domain.documents import (
    DOCUMENT_FIELDS,
    client_document,
    compute_hash,
    event_document,
    format_timestamp,
    same_client_fields,
)
from stackline.domain.errors import ConflictingEvent, FieldProblem, InvalidEvent
from stackline.domain.events import SCHEMA_VERSION, ZERO_HASH, Event
from stackline.store.statements import Sql


@dataclass
class Head:
    """The last event of the log: where the next one goes."""

    seq: int
    hash: str
    recorded_at: str

    def seal(
        self, event: Event, recorded_by: str, now: str, restoring: bool = False
    ) -> dict[str, Any]:
        """The export form of `event` placed after this head (`now`: a formatted timestamp).

        Only when `restoring` a whole export into an empty log does an event that fits here
        keep its own `recorded_at`/`recorded_by` (and so its hash), and never one stamped later
        than `now`: a file must not set the log's clock. `event` must carry its id."""
        assert event.id is not None, "ids are given before sealing"
        if restoring and self._fits(event, now):
            return self._advance(event_document(event))
        document = client_document(event)
        document.update(
            seq=self.seq + 1, schema_version=SCHEMA_VERSION,
            recorded_at=max(now, self.recorded_at), recorded_by=recorded_by, prev_hash=self.hash,
        )  # fmt: skip
        document = {key: document[key] for key in DOCUMENT_FIELDS[:-1]}
        document["hash"] = compute_hash(document)
        return self._advance(document)

    def _fits(self, event: Event, now: str) -> bool:
        if event.seq != self.seq + 1 or event.prev_hash != self.hash or event.hash is None:
            return False
        if event.recorded_at is None:
            return False
        return self.recorded_at <= format_timestamp(event.recorded_at) <= now

    def _advance(self, document: dict[str, Any]) -> dict[str, Any]:
        self.seq, self.hash, self.recorded_at = (
            document["seq"],
            document["hash"],
            document["recorded_at"],
        )
        return document


def read_head(sql: Sql) -> Head:
    row = sql.first("SELECT seq, hash, recorded_at FROM events ORDER BY seq DESC LIMIT 1")
    return Head(row[0], row[1], row[2]) if row else Head(0, ZERO_HASH, "")


def check_own_hash(event: Event) -> None:
    """An exported event must still hash to what it says: edited text or hash is refused."""
    if event.hash is None:
        return
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


def require_same(stored: Event, event: Event) -> None:
    """An id that is already stored is an idempotent repeat only with identical client fields."""
    if not same_client_fields(stored, event):
        raise ConflictingEvent(
            f"event {event.id} already exists with other content",
            [FieldProblem("id", "already used by a different event")],
        )
