"""An event as projections read it: its place in the log, its date and its plain JSON payload.

Projections are rebuilt from the whole log and updated on every append, so they read events in
the cheapest faithful form: the canonical JSON the hash covers, not re-validated models. Every
stored payload was validated on its way in (and `verify` catches rows changed since), so its
shape is the catalog's. The fold reads the same records, so both share each type's effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from stackline.domain.dates import PartialDate

RETRACTION = "event.retracted"  # the type whose event voids the one its payload names


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One stored event: `payload` is its canonical JSON (optional fields that are unset left out)."""

    seq: int
    id: str
    type: str
    occurred: PartialDate
    confidence: str
    payload: dict[str, Any]
    supersedes: str | None = None
    recorded_at: str | None = None  # the stored timestamp text; None before sealing
    unit: str | None = None  # the unit it belongs to (given when it is sealed; see `fold`)

    @classmethod
    def of_document(cls, document: dict[str, Any]) -> EventRecord:
        """From an event's export form (as sealed, or as read back from a row)."""
        return cls(
            document["seq"],
            document["id"],
            document["type"],
            PartialDate.parse(document["occurred_on"]),
            document["confidence"],
            document["payload"],
            document["supersedes"],
            document.get("recorded_at"),
        )

    def with_unit(self, unit: str | None) -> EventRecord:
        """This record belonging to `unit` (a constructor call: cheaper than `replace`, and
        every appended event takes one)."""
        return EventRecord(
            self.seq, self.id, self.type, self.occurred, self.confidence, self.payload,
            self.supersedes, self.recorded_at, unit,
        )  # fmt: skip

    @property
    def start(self) -> date:
        return self.occurred.start

    def voids(self) -> str | None:
        """The id of the earlier event this one retracts or supersedes."""
        if self.type == RETRACTION:
            return str(self.payload["event"])
        return self.supersedes


def in_effect_order(records: list[EventRecord]) -> list[EventRecord]:
    """Events in the order projections apply them: effective date, then `seq`."""
    return sorted(records, key=lambda r: (r.occurred.start, r.seq))
