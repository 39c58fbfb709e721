"""Integration over time (DESIGN §8): each company's presence on the first day of a range, then
one change for each day it changed, cut from the rows of the presence projection.

A change day is a day a row starts whose layers or parent differ from the row before (a rename
alone is not a change); its `event_ids` are the events effective that day that caused it, empty
when only time passed (an `ends_on`). Companies are ranked as the matrix ranks them, by their
state on the last day of the range.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from stackline.domain.presence import PresenceRow
from stackline.domain.stack import Presence
from stackline.domain.values import LAYER_NAMES

COVERING = frozenset(("owned", "partner"))


@dataclass(frozen=True)
class Change:
    """From `on`, a company's presence per layer and its parent (until its next change)."""

    on: date
    layers: dict[str, Presence]
    parent: str | None
    event_ids: tuple[str, ...]

    @property
    def owned_layers(self) -> list[str]:
        return [name for name in LAYER_NAMES if self.layers[name] == "owned"]

    @property
    def covered_layers(self) -> list[str]:
        return [name for name in LAYER_NAMES if self.layers[name] in COVERING]

    def as_dict(self) -> dict[str, Any]:
        # Plain layer names, not the enum: this runs once per change row of a 30-year series.
        layers = self.layers
        return {
            "on": self.on.isoformat(),
            "layers": layers,
            "owned_layers": [name for name in LAYER_NAMES if layers[name] == "owned"],
            "covered_layers": [name for name in LAYER_NAMES if layers[name] in COVERING],
            "parent": self.parent,
            "event_ids": list(self.event_ids),
        }


@dataclass(frozen=True)
class CompanySeries:
    slug: str
    name: str  # on the last day of the range
    changes: tuple[Change, ...]
    rank: tuple[Any, ...]  # of its row on the last day of the range

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "changes": [change.as_dict() for change in self.changes],
        }


def company_series(
    rows: Iterable[tuple[PresenceRow, list[str]]], start: date, end: date
) -> list[CompanySeries]:
    """Series from rows (with their causes) grouped by company in date order, each holding on
    some day of `[start, end]`; ranked by each company's state on `end`."""
    found: list[CompanySeries] = []
    company: str | None = None
    changes: list[Change] = []
    last: PresenceRow | None = None
    for row, causes in rows:
        if row.company != company:
            if company is not None and last is not None:
                found.append(_series(company, changes, last))
            company, changes = row.company, []
        on = max(row.valid_from, start)
        if not changes or (changes[-1].layers, changes[-1].parent) != (row.presence, row.parent):
            event_ids = tuple(causes) if on == row.valid_from else ()
            changes.append(Change(on, dict(row.presence), row.parent, event_ids))
        last = row
    if company is not None and last is not None:
        found.append(_series(company, changes, last))
    return sorted(found, key=lambda series: series.rank)


def _series(company: str, changes: list[Change], last: PresenceRow) -> CompanySeries:
    return CompanySeries(company, last.name, tuple(changes), last.rank)
