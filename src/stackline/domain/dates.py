"""Partial dates: the vague industry dates (`2024`, `2024-H2`, `2024-Q3`, `2024-09`, `2024-09-15`).

A partial date denotes a period of whole days; its *effective date* is the period's first day.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

ACCEPTED_FORMS = "YYYY, YYYY-Hn (half, n=1..2), YYYY-Qn (quarter, n=1..4), YYYY-MM or YYYY-MM-DD"
MIN_YEAR, MAX_YEAR = 1900, 2100
# The exact forms as regular expressions (for JSON Schema and OpenAPI): a string matches if and
# only if `PartialDate.parse` accepts it.
_YEAR = r"(19[0-9]{2}|20[0-9]{2}|2100)"
_LEAP_YEAR = r"(19(0[48]|[2468][048]|[13579][26])|20(0[048]|[2468][048]|[13579][26]))"
_MONTH_DAY = (
    r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
    r"|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    r"|02-(0[1-9]|1[0-9]|2[0-8]))"
)
DAY_FORM = rf"({_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
PERIOD_FORM = rf"{_YEAR}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?"
PARTIAL_DATE_PATTERN = rf"^({DAY_FORM}|{PERIOD_FORM})$"

_FORM = re.compile(
    r"(?P<year>[0-9]{4})(?:-(?:H(?P<half>[12])|Q(?P<quarter>[1-4])|(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?))?"
)


class PartialDateError(ValueError):
    """A string that is not one of the accepted partial-date forms."""


@dataclass(frozen=True, slots=True, order=False)
class PartialDate:
    """A period of days written at the precision the sources give."""

    text: str
    start: date
    end: date

    @classmethod
    def parse(cls, text: object) -> PartialDate:
        if isinstance(text, PartialDate):
            return text
        if not isinstance(text, str):
            raise PartialDateError(f"expected a partial date string ({ACCEPTED_FORMS})")
        return _parse_text(text)

    @classmethod
    def _parse_uncached(cls, text: str) -> PartialDate:
        match = _FORM.fullmatch(text)
        if match is None:
            raise PartialDateError(f"{_quote(text)} is not a partial date; use {ACCEPTED_FORMS}")
        year = int(match["year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PartialDateError(
                f"{_quote(text)}: year must be {MIN_YEAR}–{MAX_YEAR}; use {ACCEPTED_FORMS}"
            )
        first_month, last_month = _month_span(match)
        if not 1 <= first_month <= 12:
            raise PartialDateError(f"{_quote(text)}: month must be 01–12; use {ACCEPTED_FORMS}")
        last_day = _days_in_month(year, last_month)
        if match["day"] is None:
            return cls(text, date(year, first_month, 1), date(year, last_month, last_day))
        day = int(match["day"])
        if not 1 <= day <= _days_in_month(year, first_month):
            raise PartialDateError(f"{_quote(text)}: no such day; use {ACCEPTED_FORMS}")
        return cls(text, date(year, first_month, day), date(year, first_month, day))

    @property
    def effective(self) -> date:
        return self.start

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"PartialDate({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": PARTIAL_DATE_PATTERN,
            "description": f"A partial date: {ACCEPTED_FORMS}",
            "examples": ["2024", "2024-H2", "2024-Q3", "2024-09", "2024-09-15"],
        }


@lru_cache(maxsize=65536)
def later(first: PartialDate, second: PartialDate) -> PartialDate:
    """The one of two dates that starts later (the first on a tie): an entry seen through an
    acquisition or a stake is no older than the link."""
    return first if first.start >= second.start else second


def shown_day(day: date, causes: Iterable[PartialDate]) -> str:
    """A day on which something changed, written at the precision of what caused it: the
    finest of the causes that start on it (a change caused by a month-dated event is that
    month, never its first day); the day itself when nothing dated caused it."""
    starting = [cause for cause in causes if cause.start == day]
    if not starting:
        return day.isoformat()
    return min(starting, key=lambda cause: (cause.end - cause.start, cause.text)).text


def _parse_text(text: str) -> PartialDate:
    # Logs repeat the same dates many times; a PartialDate is immutable, so it can be shared.
    return PartialDate._parse_uncached(text)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _validate(value: object) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except PartialDateError as error:
        raise ValueError(str(error)) from None


def _month_span(match: re.Match[str]) -> tuple[int, int]:
    if match["half"]:
        first = 1 + 6 * (int(match["half"]) - 1)
        return first, first + 5
    if match["quarter"]:
        first = 1 + 3 * (int(match["quarter"]) - 1)
        return first, first + 2
    if match["month"]:
        month = int(match["month"])
        return month, month if 1 <= month <= 12 else 1
    return 1, 12


def _quote(text: str) -> str:
    shown = text if len(text) <= 40 else text[:40] + "…"
    return repr(shown)


def day_of(value: object) -> date:
    """A stored day as a `date`: SQLite hands back a `Date` column's ISO text, PostgreSQL a
    date (the one place either becomes the other)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def maybe_day(value: object) -> date | None:
    """`day_of`, keeping an open end (NULL) open."""
    return None if value is None else day_of(value)
