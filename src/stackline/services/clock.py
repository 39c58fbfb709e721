"""What time it is: the system clock, or a fixed moment (`STACKLINE_CLOCK`) for tests and demos.

Time is an input: "today" (the default `as_of`) and "now" (an event's `recorded_at`) are read from
a `Clock` handed to the app and the CLI, never from the calendar deep inside the code, so a test
fixes them instead of depending on the day it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware."""


@dataclass(frozen=True)
class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock:
    """Always the same moment: what a test or a reproducible demo wants."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


def today(clock: Clock) -> date:
    """The current day in UTC."""
    return clock.now().astimezone(UTC).date()


def clock_from_setting(value: object) -> Clock:
    """A `Clock` from configuration: a Clock, a datetime, an ISO timestamp or day; None or "" is
    the system clock. A day means its noon, UTC."""
    if value is None or value == "":
        return SystemClock()
    if isinstance(value, datetime):
        return FixedClock(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"STACKLINE_CLOCK={value!r} is not an ISO timestamp (YYYY-MM-DDTHH:MM:SSZ) or day"
            ) from None
        if len(value) == 10:
            moment = moment.replace(hour=12)
        return FixedClock(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    if hasattr(value, "now"):
        return value
    raise ValueError(f"not a clock: {value!r}")
