"""Checkpoints: a signed statement that the log's event `seq` had hash `hash` at a moment.

Published outside the database (a web page, a mailing list, another system's log), checkpoints
make tail truncation and re-hashing visible: a log that still extends a checkpoint holds the
same event at that seq, with the same hash, and an intact chain from there on. The signature is
an HMAC-SHA256 with a key kept outside the database, over one canonical line of text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

FORMAT = "stackline-checkpoint/1"
_HEX = re.compile("[0-9a-f]{64}")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    made_at: str  # UTC timestamp, as the log writes them
    signature: str = ""

    def statement(self) -> bytes:
        return f"{FORMAT}:{self.seq}:{self.hash}:{self.made_at}".encode()

    def signed(self, key: bytes) -> Checkpoint:
        digest = hmac.new(key, self.statement(), hashlib.sha256).hexdigest()
        return Checkpoint(self.seq, self.hash, self.made_at, digest)

    def is_signed_by(self, key: bytes) -> bool:
        return hmac.compare_digest(self.signed(key).signature, self.signature)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "seq": self.seq,
            "hash": self.hash,
            "made_at": self.made_at,
            "signature": self.signature,
        }

    @classmethod
    def of(cls, document: Any) -> Checkpoint:
        """A checkpoint from its JSON form; ValueError in words when it is not one."""
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError(f"not a checkpoint: expected a JSON object with format {FORMAT!r}")
        try:
            seq, digest = int(document["seq"]), str(document["hash"])
            made_at, signature = str(document["made_at"]), str(document["signature"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a checkpoint: {error}") from None
        if seq < 1 or not all(_HEX.fullmatch(value) for value in (digest, signature)):
            raise ValueError(
                "not a checkpoint: seq must be 1 or more, hash and signature 64 hex digits"
            )
        return cls(seq, digest, made_at, signature)
