"""The thesis over time: who integrates the most layers, and when that changed (DESIGN §8).

Reads the stored presence projection, as it stands or as it stood on `known_on`
(`store/known.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from stackline.domain.dates import shown_day
from stackline.domain.integration import CompanySeries, company_series
from stackline.services.parameters import date_range
from stackline.services.stacks import require_known_company
from stackline.store.reads import events as event_reads
from stackline.store.reads import presence as presence_reads
from stackline.store.units_of_work import Database


@dataclass(frozen=True)
class Integration:
    start: date
    end: date
    known_on: datetime | None
    series: list[CompanySeries]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "known_on": self.known_on.isoformat() if self.known_on else None,
            "companies": [series.as_dict() for series in self.series],
        }


def integration(
    db: Database,
    start: date | None,
    end: date,
    known_on: datetime | None = None,
    companies: list[str] | None = None,
    include_subsidiaries: bool = False,
) -> Integration:
    """Each company's presence on `start` (default: the first day anything existed) and every
    change up to `end`: the companies named, else every top-level one (or all of them)."""
    date_range(start, end)
    with db.reading(known_on) as uow:
        for slug in companies or []:
            require_known_company(uow, slug)
        first = start or presence_reads.first_row_day(uow) or end
        first = min(first, end)
        rows = presence_reads.series_rows(uow, first, end, companies, include_subsidiaries)
        series = company_series(rows, first, end)
    return Integration(first, end, known_on, series)


@dataclass(frozen=True)
class History:
    """Where the log's history starts, and where the story of integration does."""

    first_day: date | None  # the earliest day any company existed
    integration_starts: date | None  # January 1st of the first year a company held two layers


INTEGRATED_LAYERS = 2


def history(db: Database) -> History:
    """The first day of the log's history, and January 1st of the first year in which a company
    without a parent owned two layers or more (`/trends` starts there unless told otherwise)."""
    with db.reading() as uow:
        first, integrated = presence_reads.first_days(uow, INTEGRATED_LAYERS)
    return History(first, date(integrated.year, 1, 1) if integrated else None)


def shown_days(db: Database, series: Iterable[CompanySeries]) -> dict[tuple[str, date], str]:
    """Each change day of these series written at the precision of the events that caused it
    (`shown_day`), by (company, day): a change a month-dated event caused is that month."""
    changes = [(one.slug, change) for one in series for change in one.changes]
    with db.reading() as uow:
        occurred = event_reads.occurred_on_of(uow, (i for _, c in changes for i in c.event_ids))
    return {
        (slug, change.on): shown_day(
            change.on, [occurred[i] for i in change.event_ids if i in occurred]
        )
        for slug, change in changes
    }
