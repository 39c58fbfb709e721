"""Capacity over time and across companies (DESIGN §9.3, §9.6): a company's series — a row for
its first day, then one for each day either total changes — and the ranking of a day.

Both apply `capacity_on` (the rules) to a `CapacityFacts`; a change can only happen on a day some
fact starts or stops, so those days are the only ones looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from stackline.domain.capacity import (
    CapacityFacts,
    CapacityPoint,
    UnmatchedContract,
    capacity_on,
    number,
)

SERIES_HEADER = ("on", "owned_mw", "owned_h100e", "contracted_mw", "contracted_h100e")
RANKING_HEADER = (
    "slug", "name", "owned_mw", "owned_h100e", "contracted_mw", "contracted_h100e", "total_h100e",
)  # fmt: skip


@dataclass(frozen=True)
class CapacitySeries:
    slug: str
    name: str
    start: date
    end: date
    points: list[CapacityPoint]
    unmatched: list[UnmatchedContract]  # live and active on some day of the range

    def as_dict(self, known_on: str | None = None) -> dict[str, Any]:
        return {
            "company": {"slug": self.slug, "name": self.name},
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "known_on": known_on,
            "series": [point.as_dict() for point in self.points],
            "contracts_without_facility": [u.as_dict() for u in self.unmatched],
        }

    def csv_rows(self) -> list[list[Any]]:
        return [[p.on.isoformat(), *p.totals] for p in self.points]


def change_days(facts: CapacityFacts) -> set[date]:
    """Every day a size, a contract or an ownership link starts or stops."""
    days: set[date] = set()
    groups = (facts.sizes.values(), facts.contracts.values(), facts.links.values())
    for group in groups:
        for found in group:
            for fact in found:
                days.add(fact.valid_from)
                if fact.valid_to is not None:
                    days.add(fact.valid_to)
    return days


def capacity_series(facts: CapacityFacts, slug: str, start: date, end: date) -> CapacitySeries:
    """`slug`'s capacity on `start`, then on each day up to `end` either total changes."""
    days = sorted({start} | {day for day in change_days(facts) if start < day <= end})
    points: list[CapacityPoint] = []
    unmatched: dict[str, UnmatchedContract] = {}
    for day in days:
        point = capacity_on(facts, slug, day)
        for contract in point.unmatched:
            unmatched.setdefault(contract.partnership, contract)
        if not points or point.totals != points[-1].totals:
            points.append(point)
    listed = sorted(unmatched.values(), key=lambda u: (u.company, u.provider, u.partnership))
    return CapacitySeries(slug, facts.name_on(slug, end), start, end, points, listed)


@dataclass(frozen=True)
class CapacityRank:
    slug: str
    name: str
    point: CapacityPoint

    @property
    def total_h100e(self) -> float | int:
        owned, contracted = (
            self.point.total("owned", "h100e"),
            self.point.total("contracted", "h100e"),
        )
        return number(owned + contracted) or 0

    def as_dict(self) -> dict[str, Any]:
        owned_mw, owned_h100e, contracted_mw, contracted_h100e = self.point.totals
        return {
            "slug": self.slug,
            "name": self.name,
            "owned_mw": owned_mw,
            "owned_h100e": owned_h100e,
            "contracted_mw": contracted_mw,
            "contracted_h100e": contracted_h100e,
            "total_h100e": self.total_h100e,
        }

    def csv_row(self) -> list[Any]:
        return list(self.as_dict().values())


def capacity_ranking(facts: CapacityFacts, day: date) -> list[CapacityRank]:
    """Top-level companies on `day` with any capacity, by owned plus contracted H100e (most
    first), then slug."""
    ranks = []
    for slug, company in facts.companies.items():
        if company.founded.start > day or facts.parent_on(slug, day) is not None:
            continue
        point = capacity_on(facts, slug, day)
        if any(point.totals):
            ranks.append(CapacityRank(slug, facts.name_on(slug, day), point))
    return sorted(ranks, key=lambda rank: (-rank.total_h100e, rank.slug))
