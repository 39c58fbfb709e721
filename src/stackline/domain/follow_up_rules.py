"""Rules of the events that act on an earlier one: activating or ending a partnership, ending a
dependency, abandoning an announced acquisition (DESIGN §2 and §8).

Each names its target by id; the target must be an event of the right type, live (neither voided
nor already ended, activated or abandoned), and not dated after the event acting on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from stackline.domain.errors import FieldProblem
from stackline.domain.events import (
    AcquisitionAbandoned,
    AcquisitionAnnounced,
    DependencyEnded,
    DependencyFormed,
    Event,
    PartnershipActivated,
    PartnershipEnded,
    PartnershipFormed,
)


class FollowUpContext(Protocol):
    def find(self, event_id: UUID) -> Event | None: ...

    def is_voided(self, event_id: UUID) -> bool: ...

    def followed_by(self, target: UUID, event_type: str) -> bool:
        """Whether a live event of `event_type` acts on `target`."""

    def acquired_since(self, acquirer: str, target: str, since: date) -> bool:
        """Whether a live acquisition.completed of `target` by `acquirer` is dated `since` or later."""


@dataclass(frozen=True)
class FollowUp:
    target_type: type[Event]
    field: str
    noun: str  # what the target is, in words
    finished_by: tuple[str, ...]  # events after which the target can no longer be acted on


FOLLOW_UPS: dict[type[Event], FollowUp] = {
    PartnershipActivated: FollowUp(PartnershipFormed, "partnership", "partnership",
                                   ("partnership.ended", "partnership.activated")),
    PartnershipEnded: FollowUp(PartnershipFormed, "partnership", "partnership",
                               ("partnership.ended",)),
    DependencyEnded: FollowUp(DependencyFormed, "dependency", "dependency", ("dependency.ended",)),
    AcquisitionAbandoned: FollowUp(AcquisitionAnnounced, "announcement", "announced acquisition",
                                   ("acquisition.abandoned",)),
}  # fmt: skip


def follow_up_problems(event: Event, context: FollowUpContext) -> Iterator[FieldProblem]:
    """Problems of an event acting on an earlier one (none for other events)."""
    rule = FOLLOW_UPS.get(type(event))
    if rule is None:
        return
    path = f"payload.{rule.field}"
    target_id: UUID = getattr(event.payload, rule.field)
    target: Any = context.find(target_id)
    if not isinstance(target, rule.target_type):
        article = "an" if rule.noun[0] in "aeiou" else "a"
        yield FieldProblem(
            path, f"not {article} {rule.noun}: no {_type_name(rule)} event {target_id}"
        )
        return
    if context.is_voided(target_id):
        yield FieldProblem(path, f"the {rule.noun} was retracted or corrected")
        return
    for finished in rule.finished_by:
        if context.followed_by(target_id, finished):
            yield FieldProblem(path, f"the {rule.noun} is already {_past(finished)}")
            return
    if event.occurred_on.start < target.occurred_on.start:
        yield FieldProblem("occurred_on", f"the {rule.noun} dates from {target.occurred_on}")
        return
    yield from _specific(event, target, context)


def _specific(event: Event, target: Any, context: FollowUpContext) -> Iterator[FieldProblem]:
    if isinstance(event, PartnershipActivated) and target.payload.status == "active":
        yield FieldProblem("payload.partnership", "the partnership was active from the start")
    if isinstance(event, AcquisitionAbandoned):
        deal = target.payload
        if context.acquired_since(deal.acquirer, deal.target, target.occurred_on.start):
            yield FieldProblem(
                "payload.announcement", "the acquisition was completed: it cannot be abandoned"
            )


def _type_name(rule: FollowUp) -> str:
    annotation: Any = rule.target_type.model_fields["type"].annotation
    return str(annotation.__args__[0])


def _past(event_type: str) -> str:
    return event_type.rsplit(".", 1)[1]
