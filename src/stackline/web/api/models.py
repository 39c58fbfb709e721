"""The shapes of the API's answers, as pydantic models the OpenAPI document is generated from.

Views build plain dicts with the services' `as_dict` methods; these models only describe them
(and `ExportDocument` is also the source of the export JSON Schema the package ships). The
domain's own value models (`Source`, the payloads) are reused, so there is one schema per thing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from stackline.domain.catalog import REGISTRY
from stackline.domain.dates import PartialDate
from stackline.domain.events import EVENT_TYPES, Origin
from stackline.domain.values import SLUG_PATTERN, Confidence, Layer, Money, Source

Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Hash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
EventType = Annotated[str, Field(json_schema_extra={"enum": list(EVENT_TYPES)})]
Presence = Literal["owned", "partner", "stake", "planned", "none"]
if TYPE_CHECKING:
    Payload = Any
else:  # every type's payload model, from the registry
    Payload = Union[tuple(entry.payload for entry in REGISTRY.values())]  # noqa: UP007


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Answer):
    field: str = Field(description="The parameter or event field at fault ('' for the whole)")
    message: str


class ErrorBody(Answer):
    """Every error the API answers."""

    error: str = Field(description="A stable code: bad_parameter, invalid_event, conflict, …")
    message: str
    details: list[ErrorDetail]


class StoredEvent(Answer):
    """An event with every envelope field, as the export writes it (DESIGN §2)."""

    seq: int = Field(ge=1)
    id: UUID
    type: EventType
    schema_version: int = Field(ge=1)
    occurred_on: PartialDate
    summary: str = Field(min_length=1, max_length=200)
    details: str | None = Field(max_length=5000)
    confidence: Confidence
    sources: list[Source] = Field(min_length=1)
    payload: Payload = Field(description="The type's payload; see GET /event-types")
    supersedes: UUID | None
    origin: Origin | None = Field(
        description="Where an event derived from a dataset row comes from (null: curated)"
    )
    recorded_at: datetime
    recorded_by: str = Field(min_length=1, max_length=200)
    prev_hash: Hash
    hash: Hash
    voided_by: UUID | None = Field(
        default=None,
        description="The event that retracted or corrected it (null while it counts); not "
        "hashed: `import` works it out again",
    )


class TimelineEvent(StoredEvent):
    """A stored event and, when it has been retracted or corrected, the event that did it."""

    voided_by: UUID | None
    layer: Layer | None = Field(description="The layer it touches, when the event tells it")
    companies: list[Slug] = Field(description="Every company its payload names, in order")


class EventsPage(Answer):
    events: list[TimelineEvent]
    next_after_seq: int | None = Field(
        description="In seq order: pass as after_seq for the next page (null on the last)"
    )
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page, in any order (null on the last)"
    )


class CompanyListing(Answer):
    slug: Slug
    name: str
    kind: str | None
    founded: PartialDate
    parent: Slug | None


class CompaniesAnswer(Answer):
    companies: list[CompanyListing]


class EntryAnswer(Answer):
    asset: str
    kind: str
    relation: Literal["owned", "partner", "stake"]
    via: list[Slug]
    status: str
    since: PartialDate = Field(description="When the first event behind the entry happened.")
    available_since: PartialDate | None = Field(
        description="The first day the asset was available or the partnership active (no "
        "earlier than an acquisition it is seen through; a stake's is its `since`); null "
        "while only announced."
    )
    certain: bool
    confidence: Confidence
    event_ids: list[UUID]


class LayerAnswer(Answer):
    presence: Presence
    entries: list[EntryAnswer]


class LayersAnswer(Answer):
    hardware: LayerAnswer
    compute: LayerAnswer
    model: LayerAnswer
    application: LayerAnswer


class StackCompany(Answer):
    slug: Slug
    name: str | None = Field(description="null when the company does not exist on the day")
    parent: Slug | None
    subsidiaries: list[Slug]


class Integration(Answer):
    owned_layers: list[Layer]
    covered_layers: list[Layer]


class SupplyAnswer(Answer):
    """What the company supplies to others: as a partnership's provider, or as co-developer."""

    layer: Layer
    asset: str
    to: list[Slug] = Field(description="The companies supplied (outside the company's group)")
    via: list[Slug] = Field(description="The subsidiaries it supplies through ([] for its own)")
    status: str
    since: PartialDate
    event_ids: list[UUID]


class StackAnswer(Answer):
    company: StackCompany
    as_of: date
    known_on: datetime | None
    layers: LayersAnswer
    integration: Integration
    supplies: list[SupplyAnswer]


class GraphNode(Answer):
    id: str = Field(description="company:<slug>, or asset:<company>|<layer>|<folded name>")
    type: Literal["company", "asset"]
    company: Slug | None = Field(description="The company, or the asset's owner (null: unknown)")
    layer: Layer | None
    asset: str | None
    name: str = Field(description="What to show: the company's or the asset's name")
    status: str = Field(
        description="available, announced, placeholder (a base model not recorded)…"
    )


class GraphEdge(Answer):
    from_: str = Field(alias="from")
    to: str
    kind: Literal[
        "owns", "partner", "stake", "has", "runs_on", "trained_on", "fine_tuned_from", "built_with"
    ]
    since: PartialDate
    status: str
    event_ids: list[UUID]


class GraphAnswer(Answer):
    as_of: date
    known_on: datetime | None
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class PartyAnswer(Answer):
    slug: Slug
    name: str
    role: Literal["buyer", "supplier", "party", "owner", "acquirer", "target"]


class PlanAnswer(Answer):
    event_id: UUID
    company: Slug
    layer: Layer | None
    asset: str | None = Field(description="The asset, the partnership's asset or the target")
    announced_on: PartialDate
    target_on: PartialDate | None = Field(description="Null for an undated announcement")
    delivered_on: PartialDate | None
    slip_days: int | None = Field(
        description="0 within the target period; days after its end (before its start: negative)"
    )
    state: Literal["pending", "delivered", "overdue", "abandoned", "undated"]
    parties: list[PartyAnswer] = Field(
        description="Who is on each side: a partnership's supplier (its provider) and buyers, a "
        "co-developed launch's buyer (the owner) and suppliers, an acquisition's acquirer and "
        "target"
    )
    confidence: Confidence = Field(description="The announcement's confidence")
    outcome_confidence: Confidence | None = Field(
        description="The confidence of the event that delivered or abandoned it"
    )
    age_days: int | None = Field(
        description="For an undated announcement: days since it was announced"
    )


class PlansAnswer(Answer):
    as_of: date
    known_on: datetime | None
    plans: list[PlanAnswer]


class DiffEntry(EntryAnswer):
    layer: Layer


class ChangedEntry(DiffEntry):
    previous_status: str


class DiffAnswer(Answer):
    from_: date = Field(alias="from")
    to: date
    added: list[DiffEntry]
    removed: list[DiffEntry]
    changed: list[ChangedEntry]
    events: list[TimelineEvent] = Field(description="Events effective between the two days")


class CompanyChanges(Answer):
    slug: Slug
    name: str
    added: list[DiffEntry]
    removed: list[DiffEntry]
    changed: list[ChangedEntry]


class IndustryDiffAnswer(Answer):
    from_: date = Field(alias="from")
    to: date
    known_on: datetime | None
    companies: list[CompanyChanges] = Field(
        description="Every company whose entries differ between the days, by slug"
    )
    events: list[TimelineEvent] = Field(
        description="The live events effective after the earlier day up to the later one, by "
        "date (the first 1,000)"
    )
    events_total: int = Field(ge=0, description="How many such events there are in all")


class MatrixRowAnswer(Answer):
    slug: Slug
    name: str
    parent: Slug | None
    layers: dict[Layer, Presence]
    owned_layers: list[Layer]
    covered_layers: list[Layer]


class MatrixAnswer(Answer):
    as_of: date
    companies: list[MatrixRowAnswer]


class IntegrationChangeAnswer(Answer):
    on: date = Field(description="From this day (the range's first day for the first change)")
    layers: dict[Layer, Presence]
    owned_layers: list[Layer]
    covered_layers: list[Layer]
    parent: Slug | None
    event_ids: list[UUID] = Field(
        description="The events effective that day that caused the change; empty when only "
        "time passed (an ends_on), and for a first state that began before the range"
    )


class IntegrationSeriesAnswer(Answer):
    slug: Slug
    name: str = Field(description="The company's name on the range's last day")
    changes: list[IntegrationChangeAnswer]


class IntegrationAnswer(Answer):
    from_: date = Field(alias="from")
    to: date
    known_on: datetime | None
    companies: list[IntegrationSeriesAnswer] = Field(
        description="Ranked as the matrix ranks them on the range's last day"
    )


class CapacityFacilityAnswer(Answer):
    company: Slug = Field(description="The facility's owner")
    facility: str
    relation: Literal["owned", "contracted"]
    via: list[Slug] = Field(
        description="Owned: the subsidiary path to the owner; contracted: the path to the "
        "party, then the provider"
    )
    capacity_mw: float | None = Field(description="null when no event gives it")
    h100e: float | None = Field(description="H100-equivalents; null when no event gives it")
    event_ids: list[UUID] = Field(
        description="The partnership (contracted), then the facility's launches and available "
        "expansions"
    )


class CapacityPointAnswer(Answer):
    on: date = Field(description="From this day (the range's first day for the first row)")
    owned_mw: float
    owned_h100e: float
    contracted_mw: float
    contracted_h100e: float
    facilities: list[CapacityFacilityAnswer] = Field(description="Each facility counted, once")


class ContractWithoutFacilityAnswer(Answer):
    partnership: UUID = Field(description="The forming event's id")
    company: Slug = Field(description="The party that rents")
    provider: Slug
    asset: str | None = Field(description="What the partnership names (no facility of the "
                                          "provider's group on its date)")  # fmt: skip
    amount: Money | None
    via: list[Slug]


class CapacityCompany(Answer):
    slug: Slug
    name: str = Field(description="The company's name on the range's last day")


class CompanyCapacityAnswer(Answer):
    company: CapacityCompany
    from_: date = Field(alias="from")
    to: date
    known_on: datetime | None
    series: list[CapacityPointAnswer] = Field(
        description="A row for `from`, then one for each day either total changes"
    )
    contracts_without_facility: list[ContractWithoutFacilityAnswer] = Field(
        description="Active compute contracts of the range whose asset names no facility: "
        "listed with their amount, never counted"
    )


class CapacityRankAnswer(Answer):
    slug: Slug
    name: str
    owned_mw: float
    owned_h100e: float
    contracted_mw: float
    contracted_h100e: float
    total_h100e: float = Field(description="Owned plus contracted H100-equivalents")


class CapacityRankingAnswer(Answer):
    as_of: date
    known_on: datetime | None
    companies: list[CapacityRankAnswer] = Field(
        description="Top-level companies with any capacity, by total_h100e (most first), then slug"
    )


class EventTypeAnswer(Answer):
    type: EventType
    layer: Layer | None = Field(description="null when the layer comes from the payload or target")
    payload_schema: dict[str, Any] = Field(alias="schema", description="The payload's JSON Schema")


class EventTypesAnswer(Answer):
    types: list[EventTypeAnswer]


class ExportFilters(Answer):
    company: Slug | None
    layer: Layer | None
    types: list[EventType]
    from_: date | None = Field(alias="from")
    to: date | None
    q: str | None
    include_voided: bool
    include_subsidiaries: bool = Field(
        default=False, description="Present (true) when `company` took in its subsidiaries' events"
    )
    origin: str | SkipJsonSchema[None] = Field(
        default=None,
        description="Present when the export kept events of one origin (`none`, a dataset)",
    )


class ExportDocument(Answer):
    """A Stackline export: events in seq order with every envelope field (DESIGN §4)."""

    format: Literal["stackline-timeline"]
    format_version: Literal[1]
    exported_at: datetime
    filters: ExportFilters
    count: int = Field(ge=0, description="The number of events")
    events: list[StoredEvent]


class SlideText(Answer):
    headline: str
    text: str


class SlideDate(Answer):
    year: int
    month: int | SkipJsonSchema[None] = Field(default=None, ge=1, le=12)
    day: int | SkipJsonSchema[None] = Field(default=None, ge=1, le=31)
    display_date: str | SkipJsonSchema[None] = None


class Slide(Answer):
    start_date: SlideDate
    text: SlideText
    unique_id: UUID
    group: str


class TimelineTitle(Answer):
    text: SlideText


class TimelineJSDocument(Answer):
    """The export as TimelineJS3 JSON: one slide per event, the layer as its group."""

    title: TimelineTitle
    events: list[Slide]


class CheckpointAnswer(Answer):
    """A signed statement of the log's head (DESIGN §6): HMAC-SHA256 over
    `stackline-checkpoint/1:{seq}:{hash}:{made_at}` with the operator's checkpoint key."""

    format: Literal["stackline-checkpoint/1"]
    seq: int = Field(ge=1)
    hash: str = Field(pattern="^[0-9a-f]{64}$")
    made_at: str
    signature: str = Field(pattern="^[0-9a-f]{64}$")


class DatasetLiveEvents(Answer):
    dataset: str
    live_events: int = Field(ge=0)


class RowNoteAnswer(Answer):
    file: str
    line: int
    key: str
    text: str


class RunFile(Answer):
    name: str
    dataset: str
    sha256: str
    rows: int
    filtered_out: int
    created: int
    superseded: int
    unchanged: int
    retracted: int
    matched: int
    conflicts: list[RowNoteAnswer]
    skipped: list[RowNoteAnswer]


class DatasetRun(Answer):
    id: int
    dataset: str
    snapshot: str
    recorded_at: str
    recorded_by: str
    first_seq: int | None
    last_seq: int | None
    files: list[RunFile]
    unresolved: dict[str, int] = Field(description="Organizations no company is named by: rows")
    unresolved_users: dict[str, int]
    registered: list[str]


class DatasetsAnswer(Answer):
    credit: str = Field(description="How to credit the data (Epoch AI's is CC BY 4.0)")
    datasets: list[DatasetLiveEvents]
    runs: list[DatasetRun]
