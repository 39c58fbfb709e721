"""A company's presence per layer across its history, for the "layers over time" chart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, select

from stackline.domain.dates import PartialDate
from stackline.domain.fold import fold_footprint
from stackline.domain.footprint import FootprintSource
from stackline.domain.stack import Presence, compose_stack
from stackline.domain.values import LAYERS
from stackline.store.database import read_transaction
from stackline.store.footprints import StoredFootprint, events_known_on
from stackline.store.tables import event_companies, events, investments, ownership_links, voids


@dataclass(frozen=True)
class HistoryPoint:
    """From `day` on (until the next point), the company's presence in each layer."""

    day: date
    presence: dict[str, Presence]


def _related_companies(connection: object, slug: str) -> set[str]:
    """The company, everything it ever acquired (transitively) and everything it invested in."""
    related, frontier = {slug}, {slug}
    while frontier:
        acquired = select(ownership_links.c.target).where(ownership_links.c.acquirer.in_(frontier))
        invested = select(investments.c.investee).where(investments.c.investor.in_(frontier))
        found = set(connection.scalars(acquired)) | set(connection.scalars(invested))  # type: ignore[attr-defined]
        frontier = found - related
        related |= found
    return related


def change_days(engine: Engine, slug: str, until: date) -> list[date]:
    """Days on which something that can change the company's stack takes effect."""
    with read_transaction(engine) as connection:
        related = _related_companies(connection, slug)
        rows = connection.execute(
            select(events.c.effective_on, events.c.payload)
            .join(event_companies, event_companies.c.seq == events.c.seq)
            .where(
                event_companies.c.company.in_(related),
                events.c.effective_on <= until,
                ~events.c.id.in_(select(voids.c.event_id)),
            )
        )
        days = set()
        for row in rows:
            days.add(row.effective_on)
            ends_on = json.loads(row.payload).get("ends_on")
            if ends_on:
                days.add(PartialDate.parse(ends_on).start)
    return sorted(day for day in days if day <= until)


def layer_history(
    engine: Engine, slug: str, until: date, known_on: datetime | None = None
) -> list[HistoryPoint]:
    """Presence per layer at every change day up to `until`, merging days with no change;
    with `known_on`, as the events recorded by then tell it."""
    points: list[HistoryPoint] = []
    days = change_days(engine, slug, until)
    with read_transaction(engine) as connection:
        known = events_known_on(connection, known_on) if known_on is not None else None
        for day in days:
            source: FootprintSource = (
                StoredFootprint(connection, day)
                if known is None
                else fold_footprint(known, day, known_on)
            )
            stack = compose_stack(source, slug)
            presence = {layer.value: stack.presence(layer) for layer in LAYERS}
            if not points or points[-1].presence != presence:
                points.append(HistoryPoint(day, presence))
    return points
