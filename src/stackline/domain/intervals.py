"""How long each asset state and partnership lasts: the intervals the store's projections keep.

Given one asset's (or one partnership's) live events, these compute the day ranges over which
its entries hold, so an as-of query is an index lookup instead of a replay. They read
`EventRecord`s; the reference fold reaches the same answers from the typed events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from stackline.domain.dates import PartialDate
from stackline.domain.records import EventRecord, launched_asset
from stackline.domain.values import Layer


@dataclass(frozen=True)
class AssetState:
    owner: str
    layer: Layer
    name: str
    kind: str
    status: str
    since: PartialDate
    event_ids: tuple[str, ...]
    partners: tuple[tuple[str, PartialDate], ...]  # co-developers, each with its own since
    base: tuple[str | None, str] | None = None  # the model it is fine-tuned from …
    base_since: PartialDate | None = None  # … since the launch that said so
    status_since: PartialDate | None = None  # the launch that gave it its status
    base_event: str | None = None


@dataclass(frozen=True)
class Segment:
    """`state` holds on every day from `valid_from` up to, not including, `valid_to`."""

    valid_from: date
    valid_to: date | None
    state: AssetState


def in_effect_order(records: Sequence[EventRecord]) -> list[EventRecord]:
    """Events in the order projections apply them: effective date, then `seq`."""
    return sorted(records, key=lambda r: (r.occurred.start, r.seq))


def asset_segments(records: Sequence[EventRecord]) -> list[Segment]:
    """Segments of one asset (one owner, layer and folded name) from its launch/retire events."""
    states: list[tuple[date, AssetState | None]] = []
    state: AssetState | None = None
    for day, same_day in groupby(in_effect_order(records), key=lambda r: r.occurred.start):
        for record in same_day:
            state = _next_state(state, record)
        states.append((day, state))
    segments = []
    for index, (day, held) in enumerate(states):
        if held is None:
            continue
        until = states[index + 1][0] if index + 1 < len(states) else None
        segments.append(Segment(day, until, held))
    return segments


def holds_on(segments: Sequence[Segment], on: date) -> bool:
    return any(s.valid_from <= on and (s.valid_to is None or on < s.valid_to) for s in segments)


def _next_state(state: AssetState | None, record: EventRecord) -> AssetState | None:
    if record.type == "asset.retired":
        return None
    asset = launched_asset(record)
    partners = tuple((p, record.occurred) for p in asset.partners)
    if state is None:
        return AssetState(
            asset.owner, asset.layer, asset.name, asset.kind, asset.status, record.occurred,
            (record.id,), partners, asset.base, record.occurred if asset.base else None,
            record.occurred, record.id if asset.base else None,
        )  # fmt: skip
    known = {slug for slug, _ in state.partners}
    merged = state.partners + tuple(p for p in partners if p[0] not in known)
    base, base_since, base_event = state.base, state.base_since, state.base_event
    if base is None and asset.base is not None:
        base, base_since, base_event = asset.base, record.occurred, record.id
    status_since = state.status_since if asset.status == state.status else record.occurred
    return AssetState(
        state.owner, asset.layer, asset.name, asset.kind, asset.status, state.since,
        (*state.event_ids, record.id), merged, base, base_since, status_since, base_event,
    )  # fmt: skip


@dataclass(frozen=True)
class PartnershipSpan:
    """The days a partnership is live, `[start, stop)`."""

    start: date
    stop: date | None


def live_span(formed: EventRecord, endings: Sequence[EventRecord]) -> PartnershipSpan | None:
    """A partnership's or a dependency's days: from its date until its first ending or the
    start of its `ends_on`; None when it never holds."""
    start = formed.occurred.start
    stops = [e.occurred.start for e in endings]
    ends_on = formed.payload.get("ends_on")
    if ends_on is not None:
        stops.append(PartialDate.parse(ends_on).start)
    stop = min(stops, default=None)
    if stop is not None and stop <= start:
        return None
    return PartnershipSpan(start, stop)


partnership_span = live_span


def status_periods(
    span: PartnershipSpan, status: str, activation: date | None
) -> list[tuple[date, date | None, str]]:
    """The span split where an announced partnership is activated: announced, then active."""
    if status != "announced" or activation is None:
        return [(span.start, span.stop, status)]
    if span.stop is not None and activation >= span.stop:
        return [(span.start, span.stop, status)]
    if activation <= span.start:
        return [(span.start, span.stop, "active")]
    return [(span.start, activation, "announced"), (activation, span.stop, "active")]
