"""Stored checkpoints, and the log's head and one event's hash as a checkpoint needs them."""

from __future__ import annotations

from sqlalchemy import insert, select

from stackline.domain.checkpoints import Checkpoint
from stackline.store.tables import checkpoints, events
from stackline.store.units_of_work import Reading, Writing


def head(uow: Reading) -> tuple[int, str] | None:
    """(seq, hash) of the log's last event, or None for an empty log."""
    row = uow.connection.execute(
        select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else None


def hash_at(uow: Reading, seq: int) -> str | None:
    found: str | None = uow.connection.scalar(select(events.c.hash).where(events.c.seq == seq))
    return found


def keep(uow: Writing, checkpoint: Checkpoint) -> None:
    """Store a checkpoint (a second one of the same head keeps the first)."""
    exists = uow.connection.scalar(
        select(checkpoints.c.seq).where(checkpoints.c.seq == checkpoint.seq)
    )
    if exists is None:
        uow.connection.execute(
            insert(checkpoints).values(
                seq=checkpoint.seq,
                hash=checkpoint.hash,
                made_at=checkpoint.made_at,
                signature=checkpoint.signature,
            )
        )


def latest(uow: Reading) -> Checkpoint | None:
    row = uow.connection.execute(
        select(checkpoints).order_by(checkpoints.c.seq.desc()).limit(1)
    ).first()
    return Checkpoint(row.seq, row.hash, row.made_at, row.signature) if row else None
