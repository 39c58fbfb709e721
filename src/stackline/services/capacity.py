"""How much compute: a company's capacity owned and contracted over time, and the ranking of a
day (DESIGN §9.3, §9.6).

Reads the stored capacity projection (`store/reads/capacity.py`), never a fold per request: as
it stands, or (`known_on`) as it stood then (`store/known.py`, DESIGN §9.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from stackline.domain.capacity import CapacityPoint
from stackline.domain.capacity_series import (
    CapacityRank,
    CapacitySeries,
    capacity_ranking,
    capacity_series,
)
from stackline.domain.documents import format_timestamp
from stackline.services.parameters import date_range
from stackline.services.stacks import require_company, require_known_company
from stackline.store.reads import capacity as capacity_reads
from stackline.store.reads import companies as company_reads
from stackline.store.reads import events as event_reads
from stackline.store.units_of_work import Database, Reading


def _moment(known_on: datetime | None) -> str | None:
    return format_timestamp(known_on) if known_on is not None else None


@dataclass(frozen=True)
class CompanyCapacity:
    series: CapacitySeries
    known_on: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return self.series.as_dict(_moment(self.known_on))


def company_capacity(
    db: Database,
    slug: str,
    start: date | None,
    end: date,
    known_on: datetime | None = None,
) -> CompanyCapacity:
    """`slug`'s capacity on `start` (default: its founding) and on each day up to `end` either
    total changes; `UnknownCompany` when no registration names it."""
    date_range(start, end)
    with db.reading(known_on) as uow:
        require_known_company(uow, slug)
        return CompanyCapacity(_series(uow, slug, start, end), known_on)


def _series(uow: Reading, slug: str, start: date | None, end: date) -> CapacitySeries:
    require_company(uow, slug)
    facts = capacity_reads.company_capacity_facts(uow, slug)
    founded = facts.companies[slug].founded.start if slug in facts.companies else end
    return capacity_series(facts, slug, start or min(founded, end), end)


@dataclass(frozen=True)
class CapacityRanking:
    as_of: date
    known_on: datetime | None
    ranks: list[CapacityRank]

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "known_on": _moment(self.known_on),
            "companies": [rank.as_dict() for rank in self.ranks],
        }


def ranking(db: Database, as_of: date, known_on: datetime | None = None) -> CapacityRanking:
    """Top-level companies with any capacity on `as_of`, by owned plus contracted H100e."""
    with db.reading(known_on) as uow:
        return CapacityRanking(as_of, known_on, _ranks(uow, as_of))


def _ranks(uow: Reading, as_of: date) -> list[CapacityRank]:
    return capacity_ranking(capacity_reads.day_capacity_facts(uow, as_of), as_of)


def rankings(
    db: Database, as_of: date, compare: date | None
) -> tuple[CapacityRanking, CapacityRanking | None]:
    """The ranking of `as_of` and, when asked, of `compare` (what `/capacity` shows), in one
    unit of work."""
    with db.reading() as uow:
        now = CapacityRanking(as_of, None, _ranks(uow, as_of))
        then = CapacityRanking(compare, None, _ranks(uow, compare)) if compare else None
    return now, then


@dataclass(frozen=True)
class CapacityPanel:
    """What a company page shows of its capacity: the series, the row holding on the day shown
    (`latest`), the sources of the events behind its facilities, and the names of the day."""

    series: CapacitySeries
    latest: CapacityPoint | None
    sources: dict[str, list[dict[str, Any]]]  # by event id
    names: dict[str, str]


def capacity_panel(
    db: Database, slug: str, as_of: date, end: date, known_on: datetime | None = None
) -> CapacityPanel:
    """`slug`'s series from its founding to `end`, and what lies behind it on `as_of`, in one
    unit of work."""
    with db.reading(known_on) as uow:
        series = _series(uow, slug, None, max(end, as_of))
        latest = next((p for p in reversed(series.points) if p.on <= as_of), None)
        ids = sorted({i for f in (latest.facilities if latest else ()) for i in f.event_ids})
        found = event_reads.events_by_ids(uow, ids)
        names = company_reads.names_on(uow, as_of)
    return CapacityPanel(series, latest, {e["id"]: e["sources"] for e in found}, names)
