"""Value types shared by every event: layers, confidence, money, sources, slugs and labels."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_serializer,
    field_validator,
    model_validator,
)

from stackline.domain.dates import PartialDate
from stackline.domain.money import parse_money

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"


class Layer(StrEnum):
    """The four layers of the AI stack, bottom to top."""

    HARDWARE = "hardware"
    COMPUTE = "compute"
    MODEL = "model"
    APPLICATION = "application"


LAYERS: tuple[Layer, ...] = tuple(Layer)
LAYER_NAMES: tuple[str, ...] = tuple(layer.value for layer in LAYERS)
Confidence = Literal["confirmed", "likely", "speculative"]
CONFIDENCE_RANK: dict[str, int] = {"speculative": 0, "likely": 1, "confirmed": 2}


# Unicode categories Cc (controls), Zl and Zp (line and paragraph separators).
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_CONTROL_BUT_NEWLINE_OR_TAB = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def _single_line(value: str) -> str:
    if _LINE_BREAKING.search(value):
        raise ValueError("must be one line without control characters")
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _no_control_characters(value: str) -> str:
    if _CONTROL_BUT_NEWLINE_OR_TAB.search(value):
        raise ValueError("must not contain control characters")
    return value


# Characters that change how text around them reads without being seen: zero-width spaces and
# joiners, direction marks, embeddings, overrides and isolates, word joiners, the BOM.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _visible(value: str) -> str:
    found = INVISIBLE.search(value)
    if found:
        raise ValueError(
            f"must not contain invisible or direction-changing characters "
            f"(U+{ord(found.group()):04X} at position {found.start() + 1})"
        )
    return value


def shown_visibly(text: str) -> str:
    """Invisible characters written out (`⟨U+202E⟩`), for text that may hold them (summaries,
    details), so a reader sees what is there."""
    return INVISIBLE.sub(lambda found: f"⟨U+{ord(found.group()):04X}⟩", text)


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Label = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(_single_line)
]
# A company's or an asset's name: a label a reader must be able to tell apart from others.
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_single_line),
    AfterValidator(_visible),
]
Text = Annotated[str, StringConstraints(max_length=5000), AfterValidator(_no_control_characters)]
_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f/$.?#][^\s\x00-\x1f\x7f]*", re.IGNORECASE)


def _url(value: str) -> str:
    if not _URL.fullmatch(value):
        raise ValueError("must be an http(s):// URL without spaces")
    return _visible(value)


Url = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_url)]


class Frozen(BaseModel):
    """Base of every value and event model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Money(Frozen):
    """An amount; `amount` may also be text as people write it (`50B`, `1.25 B per month`,
    `500M EUR`), read by `money.parse_money`, whose currency and basis then win."""

    amount: float = Field(ge=0)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    basis: Literal["total", "per_month", "per_year"] = "total"
    estimated: bool = False

    @model_validator(mode="before")
    @classmethod
    def _amount_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("amount"), str):
            try:
                return {**data, **parse_money(data["amount"])}
            except ValueError:
                return data  # `_amount` below names the field and says why
        return data

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Any:
        return parse_money(value)["amount"] if isinstance(value, str) else value

    @field_serializer("amount")
    def _integral_amounts_as_integers(self, amount: float) -> float | int:
        # The canonical JSON (and so the hash) is the same whether a client wrote 5 or 5.0,
        # and matches what a JavaScript re-implementation would write.
        return int(amount) if float(amount).is_integer() else amount


class Source(Frozen):
    title: Label | None = None
    url: Url | None = None
    publisher: Label | None = None
    published_on: PartialDate | None = None

    @model_validator(mode="after")
    def _title_or_url(self) -> Source:
        if self.title is None and self.url is None:
            raise ValueError("a source needs a title or a url")
        return self


@lru_cache(maxsize=65536)
def fold_name(name: str) -> str:
    """The key an asset name is matched by: lower case, runs of white space collapsed."""
    return " ".join(name.split()).casefold()
