"""A company's presence per layer across its history, for the "layers over time" chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from stackline.domain.events import named_companies
from stackline.domain.footprint import FootprintSource
from stackline.domain.footprint_history import FootprintHistory
from stackline.domain.stack import Presence, compose_stack
from stackline.domain.values import LAYERS
from stackline.services.stacks import known_events, known_footprint
from stackline.store.units_of_work import Reading


@dataclass(frozen=True)
class HistoryPoint:
    """From `day` on (until the next point), the company's presence in each layer."""

    day: date
    presence: dict[str, Presence]


def layer_history(
    uow: Reading,
    slug: str,
    history: FootprintHistory,
    until: date,
    known_on: datetime | None = None,
) -> list[HistoryPoint]:
    """Presence per layer on every day something in `history` changes, up to `until`,
    merging days without a change; with `known_on`, as the events recorded by then tell it."""
    points: list[HistoryPoint] = []
    days = history.change_days() if known_on is None else _known_change_days(uow, known_on, history)
    for day in (d for d in days if d <= until):
        source: FootprintSource = (
            history.at(day) if known_on is None else known_footprint(uow, day, known_on)
        )
        stack = compose_stack(source, slug)
        presence = {layer.value: stack.presence(layer) for layer in LAYERS}
        if not points or points[-1].presence != presence:
            points.append(HistoryPoint(day, presence))
    return points


def _known_change_days(uow: Reading, known_on: datetime, history: FootprintHistory) -> list[date]:
    """Days on which an event known then, naming a company of the history, takes effect or
    ends (events voided since are among them: the history is as it was known)."""
    slugs = set(history.companies)
    days: set[date] = set()
    for event in known_events(uow, known_on):
        if slugs.intersection(named_companies(event)):
            days.add(event.occurred_on.start)
            ends_on = getattr(event.payload, "ends_on", None)
            if ends_on is not None:
                days.add(ends_on.start)
    return sorted(days)
