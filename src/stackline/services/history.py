"""A company's presence per layer across its history, for the "layers over time" chart.

Read from the presence projection (the rows the matrix and the integration series read), from
the company's founding, as the reading sees it (as known on its moment, if it has one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stackline.domain.stack import Presence
from stackline.store.reads import presence as presence_reads
from stackline.store.units_of_work import Reading

BEGINNING = date(1, 1, 1)


@dataclass(frozen=True)
class HistoryPoint:
    """From `day` on (until the next point), the company's presence in each layer."""

    day: date
    presence: dict[str, Presence]


def layer_history(uow: Reading, slug: str, until: date) -> list[HistoryPoint]:
    """The company's presence per layer from its founding, a point on each day it changed, up
    to `until`."""
    points: list[HistoryPoint] = []
    for row, _ in presence_reads.series_rows(uow, BEGINNING, until, [slug], True):
        if not points or points[-1].presence != row.presence:
            points.append(HistoryPoint(row.valid_from, dict(row.presence)))
    return points
