"""Checking the log's hash chain: gapless `seq`, each `prev_hash` the hash before, each hash its
content's, `recorded_at` never going backwards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from stackline.domain.documents import compute_hash
from stackline.domain.events import ZERO_HASH
from stackline.store.rows import row_document
from stackline.store.tables import events


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
