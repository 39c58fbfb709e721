"""Making signed checkpoints of the log's head, and proving the log still extends one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from stackline.domain.checkpoints import Checkpoint
from stackline.domain.documents import format_timestamp
from stackline.domain.errors import StacklineError
from stackline.store import checkpoints as stored
from stackline.store.chain import first_chain_problem
from stackline.store.units_of_work import Database


def make_checkpoint(db: Database, key: bytes, now: datetime) -> Checkpoint:
    """Sign the log's head (seq, hash) at `now`, store it, and return it."""
    with db.writing() as uow:
        found = stored.head(uow)
        if found is None:
            raise StacklineError("the log is empty: there is nothing to checkpoint yet")
        checkpoint = Checkpoint(found[0], found[1], format_timestamp(now)).signed(key)
        stored.keep(uow, checkpoint)
    return checkpoint


def latest_checkpoint(db: Database) -> Checkpoint | None:
    with db.reading() as uow:
        return stored.latest(uow)


@dataclass(frozen=True)
class Extension:
    """Whether the log still extends a checkpoint, and if not, why (in words)."""

    problem: str | None
    signature_checked: bool
    head_seq: int

    @property
    def ok(self) -> bool:
        return self.problem is None


def extends(db: Database, checkpoint: Checkpoint, key: bytes | None) -> Extension:
    """The event at the checkpoint's seq still has its hash and the chain is intact from the
    first event to the head (so nothing before it was rewritten and nothing after it broken)."""
    signature_checked = key is not None
    with db.reading() as uow:
        found = stored.head(uow)
        head_seq = found[0] if found else 0
        if key is not None and not checkpoint.is_signed_by(key):
            problem: str | None = (
                "the checkpoint's signature does not match: it was edited or made with another key"
            )
        elif head_seq < checkpoint.seq:
            problem = (
                f"the log ends at seq {head_seq} but the checkpoint reaches seq {checkpoint.seq}: "
                "events were removed from its end"
            )
        elif stored.hash_at(uow, checkpoint.seq) != checkpoint.hash:
            problem = (
                f"event seq {checkpoint.seq} no longer has the hash the checkpoint records: "
                "the log was rewritten up to there"
            )
        else:
            chain = first_chain_problem(uow)
            problem = f"seq {chain.seq}: {chain.message}" if chain else None
    return Extension(problem, signature_checked, head_seq)
