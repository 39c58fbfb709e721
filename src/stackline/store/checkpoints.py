"""Stored checkpoints, and the log's head and one event's hash as a checkpoint needs them."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from stackline.domain.checkpoints import Checkpoint
from stackline.store.tables import checkpoints, events


def head(connection: Connection) -> tuple[int, str] | None:
    """(seq, hash) of the log's last event, or None for an empty log."""
    row = connection.execute(
        select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else None


def hash_at(connection: Connection, seq: int) -> str | None:
    found: str | None = connection.scalar(select(events.c.hash).where(events.c.seq == seq))
    return found


def keep(connection: Connection, checkpoint: Checkpoint) -> None:
    """Store a checkpoint (a second one of the same head keeps the first)."""
    exists = connection.scalar(select(checkpoints.c.seq).where(checkpoints.c.seq == checkpoint.seq))
    if exists is None:
        connection.execute(
            insert(checkpoints).values(
                seq=checkpoint.seq,
                hash=checkpoint.hash,
                made_at=checkpoint.made_at,
                signature=checkpoint.signature,
            )
        )


def latest(connection: Connection) -> Checkpoint | None:
    row = connection.execute(
        select(checkpoints).order_by(checkpoints.c.seq.desc()).limit(1)
    ).first()
    return Checkpoint(row.seq, row.hash, row.made_at, row.signature) if row else None
