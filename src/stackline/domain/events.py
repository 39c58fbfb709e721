"""The event envelope and the catalog: one frozen model per type, joined in one discriminated union.

The same union validates the web form, the API, import files and rows read back from the store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, Field, TypeAdapter, field_validator

from stackline.domain.dates import MAX_YEAR, MIN_YEAR, PartialDate
from stackline.domain.payloads import (
    AcquisitionAbandonedPayload,
    AcquisitionAnnouncedPayload,
    AcquisitionCompletedPayload,
    AssetRetiredPayload,
    ChipLaunchedPayload,
    CompanyRegisteredPayload,
    CompanyRenamedPayload,
    ComputeLaunchedPayload,
    DependencyEndedPayload,
    DependencyFormedPayload,
    EventRetractedPayload,
    InvestmentMadePayload,
    ModelReleasedPayload,
    PartnershipActivatedPayload,
    PartnershipEndedPayload,
    PartnershipFormedPayload,
    ProductLaunchedPayload,
)
from stackline.domain.values import Confidence, Frozen, Label, Layer, Source, Text

# 2: the supply chain (dependencies, activations, abandonments, model announcements, targets).
# Every event of version 1 is valid at version 2 as it was written, so old exports import as they
# are and keep their hashes; new events are sealed as version 2.
SCHEMA_VERSION = 2
ZERO_HASH = "0" * 64


def _within_calendar(moment: datetime) -> datetime:
    try:
        year = moment.astimezone(UTC).year
    except OverflowError:
        year = moment.year  # beyond the calendar's edge once turned into UTC
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"must fall in the years {MIN_YEAR}–{MAX_YEAR} (UTC)")
    return moment


class EventBase(Frozen):
    """The envelope: client fields, then the fields the store assigns (absent until stored)."""

    id: UUID | None = None
    occurred_on: PartialDate
    summary: Label
    details: Text | None = None
    confidence: Confidence = "confirmed"
    sources: tuple[Source, ...] = Field(min_length=1, max_length=50)
    supersedes: UUID | None = None
    seq: int | None = Field(default=None, ge=1)
    schema_version: int | None = None
    recorded_at: Annotated[AwareDatetime, AfterValidator(_within_calendar)] | None = None
    recorded_by: Label | None = None
    prev_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class CompanyRegistered(EventBase):
    """A company appears (its founding)."""

    type: Literal["company.registered"]
    payload: CompanyRegisteredPayload


class CompanyRenamed(EventBase):
    """A company takes a new name."""

    type: Literal["company.renamed"]
    payload: CompanyRenamedPayload


class ChipLaunched(EventBase):
    """Hardware: an accelerator or chip is announced or ships."""

    type: Literal["chip.launched"]
    payload: ChipLaunchedPayload


class ComputeLaunched(EventBase):
    """Compute: a cloud, data centre or supercomputer is announced or opens."""

    type: Literal["compute.launched"]
    payload: ComputeLaunchedPayload


class ModelReleased(EventBase):
    """Model: a foundation model is released."""

    type: Literal["model.released"]
    payload: ModelReleasedPayload


class ProductLaunched(EventBase):
    """Application: an end-user product is announced or launched."""

    type: Literal["product.launched"]
    payload: ProductLaunchedPayload


class AssetRetired(EventBase):
    """An asset is retired and leaves the company's stack."""

    type: Literal["asset.retired"]
    payload: AssetRetiredPayload


class PartnershipFormed(EventBase):
    """Companies partner in one layer (one of them may be the provider)."""

    type: Literal["partnership.formed"]
    payload: PartnershipFormedPayload


class PartnershipActivated(EventBase):
    """An announced partnership starts: its entries are active from this date."""

    type: Literal["partnership.activated"]
    payload: PartnershipActivatedPayload


class PartnershipEnded(EventBase):
    """A partnership ends."""

    type: Literal["partnership.ended"]
    payload: PartnershipEndedPayload


class AcquisitionAnnounced(EventBase):
    """An acquisition is announced (no effect on stacks yet)."""

    type: Literal["acquisition.announced"]
    payload: AcquisitionAnnouncedPayload


class AcquisitionCompleted(EventBase):
    """An acquisition completes: the target becomes a subsidiary."""

    type: Literal["acquisition.completed"]
    payload: AcquisitionCompletedPayload


class AcquisitionAbandoned(EventBase):
    """An announced acquisition is called off (the announcement stays true)."""

    type: Literal["acquisition.abandoned"]
    payload: AcquisitionAbandonedPayload


class InvestmentMade(EventBase):
    """An investment: the investor gains a stake."""

    type: Literal["investment.made"]
    payload: InvestmentMadePayload


class DependencyFormed(EventBase):
    """Supply chain: an asset starts to depend on another (runs on, trained on, built with…)."""

    type: Literal["dependency.formed"]
    payload: DependencyFormedPayload


class DependencyEnded(EventBase):
    """Supply chain: a dependency ends."""

    type: Literal["dependency.ended"]
    payload: DependencyEndedPayload


class EventRetracted(EventBase):
    """Retract an event that was wrong."""

    type: Literal["event.retracted"]
    payload: EventRetractedPayload

    @field_validator("supersedes")
    @classmethod
    def _names_its_target_in_the_payload(cls, value: UUID | None) -> UUID | None:
        if value is not None:
            raise ValueError(
                "a retraction names the event it retracts in payload.event; leave supersedes out"
            )
        return value


Event = Annotated[
    CompanyRegistered
    | CompanyRenamed
    | ChipLaunched
    | ComputeLaunched
    | ModelReleased
    | ProductLaunched
    | AssetRetired
    | PartnershipFormed
    | PartnershipActivated
    | PartnershipEnded
    | AcquisitionAnnounced
    | AcquisitionCompleted
    | AcquisitionAbandoned
    | InvestmentMade
    | DependencyFormed
    | DependencyEnded
    | EventRetracted,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

EVENT_CLASSES: dict[str, type[EventBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in EventBase.__subclasses__()
}
EVENT_TYPES: tuple[str, ...] = tuple(EVENT_CLASSES)

# The layer a type belongs to; None where it comes from the payload or from the target event.
TYPE_LAYERS: dict[str, Layer | None] = {
    "chip.launched": Layer.HARDWARE,
    "compute.launched": Layer.COMPUTE,
    "model.released": Layer.MODEL,
    "product.launched": Layer.APPLICATION,
}

CLIENT_FIELDS = (
    "id", "type", "occurred_on", "summary", "details", "confidence", "sources", "payload",
    "supersedes",
)  # fmt: skip
STORE_FIELDS = ("seq", "schema_version", "recorded_at", "recorded_by", "prev_hash", "hash")


def event_layer(event: Event) -> Layer | None:
    """The layer an event touches when it can be told from the event alone (a dependency's is
    its dependent asset's)."""
    layer = TYPE_LAYERS.get(event.type)
    if layer is not None:
        return layer
    if isinstance(event, DependencyFormed):
        return event.payload.from_.layer
    return getattr(event.payload, "layer", None)


SINGLE_COMPANY_FIELDS = ("company", "acquirer", "target", "investor", "investee", "provider")
COMPANY_LIST_FIELDS = ("parties", "partners")


def _nested_with_company(info: Any) -> bool:
    """Whether a payload field holds an object with a `company` of its own (`base_model`,
    a dependency's `from` and `on`)."""
    candidates = getattr(info.annotation, "__args__", None) or (info.annotation,)
    return any(
        hasattr(kind, "model_fields") and "company" in kind.model_fields for kind in candidates
    )


def _company_fields_of(
    payload_class: Any,
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    fields = payload_class.model_fields
    nested = tuple(
        (name, info.alias or name) for name, info in fields.items() if _nested_with_company(info)
    )
    return (
        tuple(name for name in SINGLE_COMPANY_FIELDS if name in fields),
        tuple(name for name in COMPANY_LIST_FIELDS if name in fields),
        nested,
    )


# Which payload fields of each type hold companies (looked up once, not per event).
_PAYLOAD_CLASSES: list[Any] = [
    cls.model_fields["payload"].annotation for cls in EVENT_CLASSES.values()
]
_COMPANY_FIELDS = {payload: _company_fields_of(payload) for payload in _PAYLOAD_CLASSES}


def company_fields(event: Event) -> list[tuple[str, str]]:
    """(field path, slug) for every company the payload names, in payload order."""
    payload: Any = event.payload
    singles, lists, nested = _COMPANY_FIELDS[type(payload)]
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


def named_companies(event: Event) -> tuple[str, ...]:
    """Every company slug the payload names, in payload order, without repeats."""
    return tuple(dict.fromkeys(slug for _, slug in company_fields(event)))


def layer_in_payload(event_type: str, payload: dict[str, Any]) -> str | None:
    """`event_layer` of a payload in its JSON form."""
    type_layer = TYPE_LAYERS.get(event_type)
    if type_layer is not None:
        return type_layer.value
    layer = payload.get("layer")
    if layer is None and "from" in payload:  # a dependency: its dependent asset's layer
        layer = payload["from"]["layer"]
    return str(layer) if layer is not None else None


def listed_fields(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What a listed event shows beside its export form: its layer and the companies it names."""
    return {
        "layer": layer_in_payload(event_type, payload),
        "companies": companies_in_payload(event_type, payload),
    }


def companies_in_payload(event_type: str, payload: dict[str, Any]) -> list[str]:
    """`named_companies` of a payload in its JSON form (as projections read events)."""
    singles, lists, nested = _COMPANY_FIELDS_BY_TYPE[event_type]
    found = [payload[name] for name in singles if name in payload]
    for name in lists:
        found.extend(payload.get(name) or ())
    for _, shown in nested:
        inner = payload.get(shown)
        if inner and inner.get("company"):
            found.append(inner["company"])
    return list(dict.fromkeys(found)) if len(found) > 1 else found


_COMPANY_FIELDS_BY_TYPE = {
    name: _COMPANY_FIELDS[cls.model_fields["payload"].annotation]
    for name, cls in EVENT_CLASSES.items()
}


def _target_field(payload_class: Any) -> str | None:
    """The payload field that names an earlier event (its one UUID field), if any."""
    fields = [name for name, info in payload_class.model_fields.items() if info.annotation is UUID]
    return fields[0] if fields else None


# For each type, the payload field naming the earlier event it acts on (ends, retracts, …).
TARGET_FIELDS: dict[str, str] = {
    name: field
    for name, cls in EVENT_CLASSES.items()
    if (field := _target_field(cls.model_fields["payload"].annotation)) is not None
}


def referenced_event(event: Event) -> UUID | None:
    """The earlier event this one acts on (the partnership it ends, the event it retracts)."""
    field = TARGET_FIELDS.get(event.type)
    target: UUID | None = getattr(event.payload, field) if field is not None else None
    return target


def type_help(event_type: str) -> str:
    """What an event of the type records, in a line (its class's docstring)."""
    return (EVENT_CLASSES[event_type].__doc__ or "").strip()
