"""Reading the parameters of a query — days, moments, event filters — the same way everywhere.

The CLI, the pages and the API hand their raw text here, so `--from 2024`, `?from=2024` and the
API's `from=2024` mean the same day (the first of 2024), and a bad value is a `BadParameter`
naming it in words, whichever door it came through.

Each kind of text parameter states beside its parser the exact form it reads (`TextForm`: a
pattern, its meaning in words, and examples it reads and refuses). The OpenAPI document takes
its patterns from here, and a test holds each pattern and its parser to the same examples.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from stackline.domain.dates import (
    DAY_FORM,
    MAX_YEAR,
    MIN_YEAR,
    PARTIAL_DATE_PATTERN,
    PERIOD_FORM,
    PartialDate,
    PartialDateError,
)
from stackline.domain.errors import FieldProblem, StacklineError
from stackline.domain.events import EVENT_TYPES
from stackline.domain.filters import EventFilter, EventOrder
from stackline.domain.values import LAYERS, SLUG_PATTERN

MAX_SEQ = 2**31 - 1  # seq is a 32-bit integer column
SORTS: tuple[EventOrder, ...] = ("seq", "date", "-date")


@dataclass
class BadParameter(StacklineError):
    """A query parameter that cannot be read; `problems` names it."""

    code: str = "bad_parameter"

    @classmethod
    def of(cls, name: str, message: str) -> BadParameter:
        return cls(f"bad {name}: {message}", [FieldProblem(name, message)])


@dataclass(frozen=True)
class TextForm:
    """The exact text a parser reads: `pattern` matches a value if and only if it parses."""

    pattern: str
    meaning: str
    reads: tuple[str, ...]  # examples it reads
    refuses: tuple[str, ...]  # examples it refuses


_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
_OFFSET = r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
_TYPE = "|".join(re.escape(name) for name in EVENT_TYPES)
_SLUG = SLUG_PATTERN.removeprefix("^").removesuffix("$")
# Text a person types to search: one line of up to 200 characters, no control characters.
_WORDS = "[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]"

DAY = TextForm(
    PARTIAL_DATE_PATTERN,
    "a day YYYY-MM-DD, or a period YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM (years 1900–2100)",
    ("2024", "2024-H2", "2024-Q3", "2024-09", "2024-02-29", "1900", "2100-12-31"),
    ("2024-13", "2023-02-29", "2024-Q5", "24", " 2024", "2101", "yesterday", "2024-1-1"),
)
MOMENT = TextForm(
    rf"^({DAY_FORM}|{PERIOD_FORM}|{DAY_FORM}[T ]{_TIME}{_OFFSET}?)$",
    "a timestamp YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HH:MM] (UTC when no offset is given), or a "
    "day or period meaning the end of its last day, UTC",
    ("2026-06-30T12:00:00Z", "2026-06-30 12:00", "2026-06-30T23:59:59.999999+02:00",
     "2026-06-30", "2026"),
    ("2026-06-30T24:00", "2026-06-30T12", "now", "2026-06-30T12:00:00+25:00", "1899"),
)  # fmt: skip
TYPE_LIST = TextForm(
    rf"^({_TYPE})(,({_TYPE}))*$",
    "a comma-separated list of event types: " + ", ".join(EVENT_TYPES),
    ("chip.launched", "chip.launched,model.released"),
    ("chip.launch", "chip.launched,", ",chip.launched", "Chip.Launched", ""),
)
SLUG = TextForm(
    SLUG_PATTERN,
    "a company slug: lower-case letters, digits and hyphens, 1–63 characters",
    ("openai", "moonshot-ai", "x", "c3"),
    ("OpenAI", "-openai", "open ai", "", "a" * 64),
)
COMPANY_LIST = TextForm(
    rf"^{_SLUG}(,{_SLUG})*$",
    "a comma-separated list of company slugs",
    ("openai", "openai,anthropic"),
    ("openai,", "OpenAI", "open ai"),
)
ORIGIN = TextForm(
    r"^(none|[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?)$",
    "none (curated events only), or a dataset or its source (epoch-ai, epoch-ai/gpu-clusters)",
    ("none", "epoch-ai", "epoch-ai/gpu-clusters"),
    ("", "Epoch AI", "epoch-ai/", "/gpu-clusters", "epoch-ai/gpu/clusters"),
)
WORDS = TextForm(
    f"^{_WORDS}{{1,{200}}}$",
    "one line of 1–200 characters, without control characters",
    ("Colossus", "GPT-5 «preview»", "x" * 200),
    ("", "a\x00b", "a\nb", "x" * 201),
)


def _period(text: str, name: str) -> PartialDate:
    try:
        return PartialDate.parse(text)
    except PartialDateError as error:
        raise BadParameter.of(name, str(error)) from None


def day_until(text: str | None, name: str, default: date) -> date:
    """A day that ends a range or names a state (`as_of`, `to`): a period means its last day."""
    return _period(text, name).end if text else default


def day_from(text: str | None, name: str = "from") -> date | None:
    """A day that starts a range (`from`): a period means its first day."""
    return _period(text, name).start if text else None


def known_on(text: str | None) -> datetime | None:
    """A moment of knowledge: a timestamp (UTC unless it says otherwise), or a day or period
    meaning the end of its last day, UTC. None (not given) means now."""
    if not text:
        return None
    if not re.fullmatch(MOMENT.pattern, text):
        raise BadParameter.of("known_on", "not a moment; use " + MOMENT.meaning)
    if "T" in text or " " in text:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise BadParameter.of(
                "known_on", "not a timestamp; use YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM] or a day"
            ) from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise BadParameter.of("known_on", f"must fall in the years {MIN_YEAR}–{MAX_YEAR}")
        return moment
    last = _period(text, "known_on").end
    return datetime.combine(last, time(23, 59, 59, 999999), tzinfo=UTC)


def event_types(text: str | None) -> tuple[str, ...]:
    """A comma list of event types, each one of the catalog."""
    if not text:
        return ()
    types = tuple(text.split(","))
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise BadParameter.of(
            "type", f"unknown event type {unknown[0][:60]!r}; known types: {', '.join(EVENT_TYPES)}"
        )
    return types


def search_text(text: str | None) -> str | None:
    """Text a summary must contain (`q`): one line of at most 200 characters."""
    if not text:
        return None
    if not re.fullmatch(WORDS.pattern, text):
        raise BadParameter.of("q", "must be " + WORDS.meaning)
    return text


def origin(text: str | None) -> str | None:
    """Where events come from: `none` (curated only) or a dataset (prefix)."""
    if not text:
        return None
    if not re.fullmatch(ORIGIN.pattern, text):
        raise BadParameter.of("origin", "must be " + ORIGIN.meaning)
    return text


def company_slug(text: str | None, name: str = "company") -> str | None:
    """One company's slug (whether it is registered is for the read to say: a 404)."""
    if not text:
        return None
    if not re.fullmatch(SLUG_PATTERN, text):
        raise BadParameter.of(name, "must be " + SLUG.meaning)
    return text


def layer(text: str | None) -> str | None:
    if not text:
        return None
    if text not in {layer.value for layer in LAYERS}:
        raise BadParameter.of("layer", "must be hardware, compute, model or application")
    return text


def event_filter(
    args: Mapping[str, str | None], include_voided: bool, include_subsidiaries: bool = False
) -> EventFilter:
    """The filter named by `company`, `layer`, `type`, `from`, `to` and `q`."""
    until = args.get("to")
    return EventFilter(
        company=company_slug(args.get("company")),
        layer=layer(args.get("layer")),
        types=event_types(args.get("type")),
        from_day=day_from(args.get("from")),
        to_day=_period(until, "to").end if until else None,
        q=search_text(args.get("q")),
        origin=origin(args.get("origin")),
        include_voided=include_voided,
        include_subsidiaries=include_subsidiaries,
    )


def event_order(text: str | None) -> EventOrder:
    if not text:
        return "seq"
    for sort in SORTS:
        if text == sort:
            return sort
    raise BadParameter.of("sort", "must be seq, date or -date")


MATRIX_ORDERS = ("rank", "since")


def matrix_order(text: str | None) -> str:
    """How the matrix ranks companies: `rank` (most owned layers, then most covered, …) or
    `since` (most owned layers, then who has owned that many the longest)."""
    if not text:
        return "rank"
    if text not in MATRIX_ORDERS:
        raise BadParameter.of("sort", "must be rank or since")
    return text


MAX_LISTED_COMPANIES = 200


def company_list(text: str | None) -> list[str] | None:
    """A comma list of company slugs (None when not given: every company)."""
    if not text:
        return None
    if not re.fullmatch(COMPANY_LIST.pattern, text):
        raise BadParameter.of("company", "must be " + COMPANY_LIST.meaning)
    slugs = list(dict.fromkeys(text.split(",")))
    if len(slugs) > MAX_LISTED_COMPANIES:
        raise BadParameter.of("company", f"names at most {MAX_LISTED_COMPANIES} companies")
    return slugs or None


def date_range(start: date | None, end: date) -> None:
    """A range must not end before it starts."""
    if start is not None and start > end:
        raise BadParameter.of("from", f"must be on or before to ({end.isoformat()})")


def page_number(text: str | None, name: str = "page") -> int:
    """A page number, from 1."""
    if not text:
        return 1
    if not text.strip().isdigit() or not 1 <= int(text) <= 1_000_000:
        raise BadParameter.of(name, "must be a whole number from 1")
    return int(text)


def page_size(text: str | None, default: int, largest: int, name: str = "per_page") -> int:
    if not text:
        return default
    if not text.strip().isdigit() or not 1 <= int(text) <= largest:
        raise BadParameter.of(name, f"must be a whole number from 1 to {largest}")
    return int(text)


@dataclass(frozen=True)
class Position:
    """Where a page of events starts: after this `seq`, or (in date order) after this
    (effective date, seq). Clients see it as a cursor to hand back, `SEQ` or `DAY.SEQ`."""

    day: date | None
    seq: int

    def cursor(self) -> str:
        return f"{self.day.isoformat()}.{self.seq}" if self.day else str(self.seq)


CURSOR_PATTERN = re.compile(rf"^(?:(?P<day>{DAY_FORM})\.)?(?P<seq>[0-9]{{1,10}})$")


def cursor(text: str | None) -> Position | None:
    """A position from a page's `next_cursor`."""
    if not text:
        return None
    found = CURSOR_PATTERN.fullmatch(text)
    if found is None:
        raise BadParameter.of("cursor", "is not a cursor this API gave out")
    day_text, seq_text = found.group("day"), found.group("seq")
    try:
        day = date.fromisoformat(day_text) if day_text else None
    except ValueError:
        raise BadParameter.of("cursor", "is not a cursor this API gave out") from None
    return Position(day, min(int(seq_text), MAX_SEQ))
