"""How long each asset state and partnership lasts: the intervals the store's projection keeps.

Given one asset's (or one partnership's) effective events, these compute the day ranges over which
its entries hold, so an as-of query is an index lookup instead of a replay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from uuid import UUID

from stackline.domain.dates import PartialDate
from stackline.domain.events import AssetRetired, Event, PartnershipEnded, PartnershipFormed
from stackline.domain.payloads import LAUNCH_PAYLOADS, launched_asset
from stackline.domain.values import Layer


@dataclass(frozen=True)
class AssetState:
    owner: str
    layer: Layer
    name: str
    kind: str
    status: str
    since: PartialDate
    event_ids: tuple[UUID, ...]
    partners: tuple[tuple[str, PartialDate], ...]  # co-developers, each with its own since


@dataclass(frozen=True)
class Segment:
    """`state` holds on every day from `valid_from` up to, not including, `valid_to`."""

    valid_from: date
    valid_to: date | None
    state: AssetState


def asset_segments(events: Sequence[Event]) -> list[Segment]:
    """Segments of one asset (one owner, layer and folded name) from its launch/retire events."""
    ordered = sorted(events, key=lambda e: (e.occurred_on.start, e.seq or 0))
    states: list[tuple[date, AssetState | None]] = []
    state: AssetState | None = None
    for day, same_day in groupby(ordered, key=lambda e: e.occurred_on.start):
        for event in same_day:
            state = _next_state(state, event)
        states.append((day, state))
    segments = []
    for index, (day, held) in enumerate(states):
        if held is None:
            continue
        until = states[index + 1][0] if index + 1 < len(states) else None
        segments.append(Segment(day, until, held))
    return segments


def _next_state(state: AssetState | None, event: Event) -> AssetState | None:
    if isinstance(event, AssetRetired):
        return None
    payload = event.payload
    assert isinstance(payload, LAUNCH_PAYLOADS)
    layer, name, kind = launched_asset(payload)
    status = getattr(payload, "status", "available")
    partners = tuple((p, event.occurred_on) for p in getattr(payload, "partners", None) or ())
    assert event.id is not None
    if state is None:
        return AssetState(
            payload.company, layer, name, kind, status, event.occurred_on, (event.id,), partners
        )
    known = {slug for slug, _ in state.partners}
    merged = state.partners + tuple(p for p in partners if p[0] not in known)
    return AssetState(
        state.owner, layer, name, kind, status, state.since, (*state.event_ids, event.id), merged
    )


def partnership_span(
    formed: PartnershipFormed, endings: Sequence[PartnershipEnded]
) -> tuple[date, date | None] | None:
    """The days a partnership is live: from its date until its first ending or `ends_on`."""
    start = formed.occurred_on.start
    stops = [e.occurred_on.start for e in endings]
    if formed.payload.ends_on is not None:
        stops.append(formed.payload.ends_on.start)
    stop = min(stops, default=None)
    if stop is not None and stop <= start:
        return None
    return start, stop
