"""How one cell of an Epoch AI file reads: names, name lists, tags, dates, numbers, flags, URLs.

Every function takes the cell's text and returns our value, or raises `CellError` saying what is
wrong with it (the row adds file, line and column). A spelling that changes between snapshots —
`9/2/2024` for `2024-09-02`, `1.0e3` or `1,000` for `1000.0`, `true` for `True` — reads the same.
"""

from __future__ import annotations

import math
import re

from stackline.domain.dates import ACCEPTED_FORMS, PartialDate, PartialDateError
from stackline.domain.values import fold_name

from .reading import Confidence


class CellError(ValueError):
    """A cell whose text is not the kind of value its column holds."""


_QUOTES = str.maketrans({'"': " ", "“": " ", "”": " ", "\u00a0": " "})
_TAG = re.compile(r"#(confident|likely|speculative)\b", re.IGNORECASE)
_TAG_CONFIDENCE: dict[str, Confidence] = {
    "confident": "confirmed",
    "likely": "likely",
    "speculative": "speculative",
}


def clean_name(text: str) -> str:
    """A name whitespace-collapsed and unquoted: literal quotes and non-breaking spaces go."""
    return " ".join(text.translate(_QUOTES).split())


def tagged_name(text: str) -> tuple[str, Confidence | None]:
    """A name without its `#confident`/`#likely`/`#speculative` tag, and the tag's confidence."""
    tags = _TAG.findall(text)
    confidence = _TAG_CONFIDENCE[tags[-1].lower()] if tags else None
    return clean_name(_TAG.sub(" ", text)), confidence


def name_list(text: str) -> list[tuple[str, Confidence | None]]:
    """A comma list of (possibly tagged) names, blanks and repeats (case-insensitive) left out."""
    names: dict[str, tuple[str, Confidence | None]] = {}
    for part in text.split(","):
        name, confidence = tagged_name(part)
        if name and fold_name(name) not in names:
            names[fold_name(name)] = (name, confidence)
    return list(names.values())


_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?"
)
_MONTH_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{4})")
_PERIOD_YEAR = re.compile(r"([QH])([1-4])\s+(\d{4})", re.IGNORECASE)
DATE_FORMS = f"{ACCEPTED_FORMS}, M/D/YYYY (month first), M/YYYY, Qn YYYY or a date and time"


def parse_date(text: str) -> PartialDate | None:
    """A cell's date at the precision it is written in; None when blank."""
    text = " ".join(text.split())
    if not text:
        return None
    try:
        return PartialDate.parse(_iso_spelling(text))
    except PartialDateError:
        raise CellError(f"{text!r} is not a date; use {DATE_FORMS}") from None


def _iso_spelling(text: str) -> str:
    if match := _DATETIME.fullmatch(text):
        return match[1]
    if match := _MONTH_FIRST.fullmatch(text):
        month, day, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if match := _MONTH_YEAR.fullmatch(text):
        return f"{match[2]}-{int(match[1]):02d}"
    if match := _PERIOD_YEAR.fullmatch(text):
        return f"{match[3]}-{match[1].upper()}{match[2]}"
    return text


def date_in_words(text: str) -> PartialDate | None:
    """The date a free-text note gives (`2016`, `Q4 2023`, `Planned H2 2026`), or None."""
    words = " ".join(text.split())
    if words.casefold().startswith("planned "):
        words = words[len("planned ") :]
    try:
        return parse_date(words)
    except CellError:
        return None


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """A non-negative finite number (`1000`, `1000.0`, `1.0e3`, `1,000`); None when blank."""
    text = text.strip()
    if not text:
        return None
    plain = text.replace(",", "") if _THOUSANDS.fullmatch(text) else text
    if not _NUMBER.fullmatch(plain):
        raise CellError(f"{text!r} is not a number (write it like 1000, 1000.5, 1.0e3 or 1,000)")
    value = float(plain)
    if not math.isfinite(value):
        raise CellError(f"{text!r} is too large to be a number")
    if value < 0:
        raise CellError(f"{text!r} is negative; this column holds amounts of 0 or more")
    return value


_TRUE = {"true", "yes", "y", "1", "1.0"}
_FALSE = {"", "false", "no", "n", "0", "0.0"}


def parse_flag(text: str) -> bool:
    """A yes/no cell: `True`/`true`/`Yes`/`1` or `False`/`No`/`0`/blank."""
    folded = text.strip().casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(f"{text.strip()!r} is neither true nor false (use True or False)")


_URL = re.compile(r"https?://[^\s<>\"`]+")
_TRAILING = ".,;:!*'"


def urls_in(text: str) -> list[str]:
    """Every URL in a cell that may hold several URLs, Markdown links and prose."""
    found: list[str] = []
    for match in _URL.finditer(text):
        url = _trimmed(match.group())
        if url not in found:
            found.append(url)
    return found


def _trimmed(url: str) -> str:
    """A URL without the punctuation, or the closing bracket, of the text around it."""
    while url and (
        url[-1] in _TRAILING or _unbalanced(url, "(", ")") or _unbalanced(url, "[", "]")
    ):
        url = url[:-1]
    return url


def _unbalanced(url: str, opening: str, closing: str) -> bool:
    return url[-1] == closing and url.count(closing) > url.count(opening)
