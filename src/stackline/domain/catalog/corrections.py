"""Corrections: an event retracted because it was wrong (a correction that replaces an event
is any event naming it in `supersedes`)."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from stackline.domain.catalog.registry import REGISTRY, SOME_ID, EventType
from stackline.domain.records import RETRACTION
from stackline.domain.values import Frozen, Text


class EventRetractedPayload(Frozen):
    event: UUID
    reason: Text = Field(min_length=1)


REGISTRY.register(
    EventType(
        RETRACTION,
        EventRetractedPayload,
        "Retract an event that was wrong.",
        example={"event": SOME_ID, "reason": "a duplicate"},
        voids_by_payload=True,
    )
)
