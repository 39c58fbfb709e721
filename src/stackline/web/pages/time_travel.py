"""Time travel through a page: the event before and after the day shown, and a month slider.

The matrix and the graph step through the days any live event takes effect; a company page
through the days its own stack may change. Both show plain "previous" and "next" links (they work
without JavaScript) and a slider over the months from the first event to the later of the last
and today — a bounded number of stops however long the log, each going to the end of its month.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Months:
    """The slider's stops: every month from `first`'s, `count` of them."""

    first: date  # the first day of the first month
    count: int

    @classmethod
    def spanning(cls, first: date, last: date) -> Months:
        start = first.replace(day=1)
        return cls(start, _months_between(start, last) + 1)

    def index(self, day: date) -> int:
        return min(max(_months_between(self.first, day), 0), self.count - 1)

    def month(self, index: int) -> date:
        """The first day of the month at `index` (clamped to the slider)."""
        index = min(max(index, 0), self.count - 1)
        months = self.first.month - 1 + index
        return date(self.first.year + months // 12, months % 12 + 1, 1)

    def last_day(self, index: int) -> date:
        month = self.month(index)
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return following - timedelta(days=1)

    def label(self, index: int) -> str:
        month = self.month(index)
        return f"{MONTHS[month.month - 1]} {month.year}"


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


@dataclass(frozen=True)
class Steps:
    shown: date
    previous: date | None
    next: date | None
    months: Months | None  # None: nothing to slide over

    @property
    def index(self) -> int:
        return self.months.index(self.shown) if self.months else 0

    @classmethod
    def around(
        cls, shown: date, previous: date | None, following: date | None,
        span: tuple[date, date] | None, today: date,
    ) -> Steps:  # fmt: skip
        months = Months.spanning(span[0], max(span[1], today)) if span else None
        return cls(shown, previous, following, months)

    @classmethod
    def through(cls, days: list[date], shown: date, today: date) -> Steps:
        """Steps through a known list of days (sorted)."""
        before = bisect_left(days, shown) - 1
        after = bisect_right(days, shown)
        span = (days[0], days[-1]) if days else None
        return cls.around(
            shown,
            days[before] if before >= 0 else None,
            days[after] if after < len(days) else None,
            span,
            today,
        )
