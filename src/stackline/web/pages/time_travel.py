"""Time travel through a page: the days it can step to, the one before and the one after.

The matrix steps through the days any live event takes effect; a company page through the days
its own stack may change. Both show plain "previous" and "next" links (they work without
JavaScript) and a slider over the same days.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Steps:
    days: list[date]
    shown: date

    @property
    def previous(self) -> date | None:
        index = bisect_left(self.days, self.shown) - 1
        return self.days[index] if index >= 0 else None

    @property
    def next(self) -> date | None:
        index = bisect_right(self.days, self.shown)
        return self.days[index] if index < len(self.days) else None

    @property
    def index(self) -> int:
        """The slider stop at or before the day shown."""
        return max(0, bisect_right(self.days, self.shown) - 1)
