"""The event envelope, and the catalog's models generated from its registry entries.

One frozen model per type (`EventBase` with the type's `Literal` tag and payload), joined in one
discriminated union that validates the web form, the API, import files and rows read back from
the store. Nothing here names a type: the registry (`catalog/`) holds them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    StringConstraints,
    TypeAdapter,
    create_model,
    field_validator,
)

from stackline.domain.catalog import REGISTRY, EventType
from stackline.domain.dates import MAX_YEAR, MIN_YEAR, PartialDate
from stackline.domain.values import Confidence, Frozen, Label, Layer, Source, Text

# 2: the supply chain (dependencies, activations, abandonments, model announcements, targets).
# 3: `origin` (events derived from a dataset row), aliases, expansions. Every event of an older
# version is valid as it was written (`documents.upcast` gives it the current shape), so old
# exports import as they are and keep their hashes; new events are sealed as version 3, and the
# rules that would refuse old logs (a target before the announcement, alias clashes) hold from 3.
SCHEMA_VERSION = 3
ZERO_HASH = "0" * 64


def _one_line(value: str) -> str:
    if any(ord(c) < 32 or c in "\u2028\u2029" for c in value):
        raise ValueError("must be one line without control characters")
    return value


def _within_calendar(moment: datetime) -> datetime:
    try:
        year = moment.astimezone(UTC).year
    except OverflowError:
        year = moment.year  # beyond the calendar's edge once turned into UTC
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"must fall in the years {MIN_YEAR}–{MAX_YEAR} (UTC)")
    return moment


class Origin(Frozen):
    """Where an event derived from a dataset row comes from (DESIGN §9.1)."""

    dataset: Annotated[
        str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$", max_length=80)
    ]
    key: Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(_one_line)]
    snapshot: PartialDate


class EventBase(Frozen):
    """The envelope: client fields, then the fields the store assigns (absent until stored)."""

    id: UUID | None = None
    occurred_on: PartialDate
    summary: Label
    details: Text | None = None
    confidence: Confidence = "confirmed"
    sources: tuple[Source, ...] = Field(min_length=1, max_length=50)
    supersedes: UUID | None = None
    origin: Origin | None = None  # set only by dataset imports and by import of export files
    seq: int | None = Field(default=None, ge=1)
    schema_version: int | None = None
    recorded_at: Annotated[AwareDatetime, AfterValidator(_within_calendar)] | None = None
    recorded_by: Label | None = None
    prev_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    # Declared per type by the generated subclasses (a `Literal` tag and the type's payload).
    type: str
    payload: Any


def _no_supersedes(cls: Any, value: UUID | None) -> UUID | None:
    if value is not None:
        raise ValueError(
            "a retraction names the event it retracts in payload.event; leave supersedes out"
        )
    return value


def class_name(event_type: str) -> str:
    """`chip.launched` → `ChipLaunched`: the model's name in schemas."""
    return "".join(part.capitalize() for part in event_type.replace("_", ".").split("."))


def _event_class(entry: EventType) -> type[EventBase]:
    validators: dict[str, Any] = {}
    if entry.voids_by_payload:  # it names its target in the payload, never in `supersedes`
        validators["_names_its_target_in_the_payload"] = field_validator("supersedes")(
            classmethod(_no_supersedes)
        )
    tag: Any = Literal[entry.name]
    model: type[EventBase] = create_model(
        class_name(entry.name),
        __base__=EventBase,
        __doc__=entry.doc,
        __validators__=validators,
        type=(tag, ...),
        payload=(entry.payload, ...),
    )
    return model


EVENT_CLASSES: dict[str, type[EventBase]] = {name: _event_class(e) for name, e in REGISTRY.items()}
EVENT_TYPES: tuple[str, ...] = tuple(EVENT_CLASSES)

if TYPE_CHECKING:
    Event = EventBase
else:
    Event = Annotated[Union[tuple(EVENT_CLASSES.values())], Field(discriminator="type")]  # noqa: UP007
EVENT_ADAPTER: TypeAdapter[EventBase] = TypeAdapter(Event)

# The layer a type always belongs to; None where it comes from the payload or from the target.
TYPE_LAYERS: dict[str, Layer | None] = {name: e.fixed_layer for name, e in REGISTRY.items()}
# For each type, the payload field naming the earlier event it acts on (ends, retracts, …).
TARGET_FIELDS: dict[str, str] = {
    name: e.target_field for name, e in REGISTRY.items() if e.target_field is not None
}

CLIENT_FIELDS = (
    "id", "type", "occurred_on", "summary", "details", "confidence", "sources", "payload",
    "supersedes", "origin",
)  # fmt: skip
STORE_FIELDS = ("seq", "schema_version", "recorded_at", "recorded_by", "prev_hash", "hash")


def layer_in_payload(event_type: str, payload: dict[str, Any]) -> str | None:
    """The layer an event touches when it can be told from the event alone (a dependency's is
    its dependent asset's)."""
    return REGISTRY[event_type].layer(payload)


def companies_in_payload(event_type: str, payload: dict[str, Any]) -> list[str]:
    """Every company the payload (in its JSON form) names, in payload order, without repeats."""
    return REGISTRY[event_type].companies(payload)


def listed_fields(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What a listed event shows beside its export form: its layer and the companies it names."""
    return {
        "layer": layer_in_payload(event_type, payload),
        "companies": companies_in_payload(event_type, payload),
    }


def company_fields(event: EventBase) -> list[tuple[str, str]]:
    """(field path, slug) for every company a validated event's payload names, in payload order."""
    payload: Frozen = event.payload
    singles, lists, nested = REGISTRY[event.type].company_paths
    found: list[tuple[str, str]] = []
    for name in singles:
        if (value := getattr(payload, name)) is not None:
            found.append((f"payload.{name}", value))
    for name in lists:
        found.extend((f"payload.{name}.{i}", v) for i, v in enumerate(getattr(payload, name) or ()))
    for name, shown in nested:
        inner = getattr(payload, name)
        if inner is not None and inner.company:
            found.append((f"payload.{shown}.company", inner.company))
    return found


def named_companies(event: EventBase) -> tuple[str, ...]:
    """Every company slug the payload names, in payload order, without repeats."""
    return tuple(dict.fromkeys(slug for _, slug in company_fields(event)))


def type_help(event_type: str) -> str:
    """What an event of the type records, in a line."""
    return REGISTRY[event_type].doc
