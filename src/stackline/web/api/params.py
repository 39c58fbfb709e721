"""What the API accepts in paths and query strings: one model per operation.

Every text parameter's pattern is the exact form its parser reads (`services.parameters`:
`DAY`, `MOMENT`, `TYPE_LIST`, …), so the OpenAPI document tells clients (and schemathesis)
precisely which values are valid, and a test holds each pattern and its parser to the same
examples. A value that does not match is a 400 naming the parameter (a path that does not
match is a 404).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from stackline.domain.values import SLUG_PATTERN, Layer
from stackline.services.parameters import (
    COMPANY_LIST,
    CURSOR_PATTERN,
    DAY,
    MAX_SEQ,
    MOMENT,
    ORIGIN,
    SLUG,
    TYPE_LIST,
    WORDS,
)

DAY_HELP = DAY.meaning[0].upper() + DAY.meaning[1:] + "; a period stands for its last day"
MOMENT_HELP = MOMENT.meaning[0].upper() + MOMENT.meaning[1:]
# What a client is told when a value does not match one of the patterns.
PATTERN_MEANINGS = {
    form.pattern: form.meaning
    for form in (DAY, MOMENT, TYPE_LIST, SLUG, COMPANY_LIST, WORDS, ORIGIN)
}


def _strict_boolean(value: object) -> object:
    """Only `true` and `false`: the spelling the OpenAPI document promises for booleans."""
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, bool):
        return value
    raise ValueError("must be true or false")


def _drop_null_defaults(schema: dict[str, Any]) -> None:
    """An absent parameter is not `null`: leave `default: null` out of the document."""
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None:
            del prop["default"]


Flag = Annotated[bool, BeforeValidator(_strict_boolean)]
Day = Annotated[str, Field(pattern=DAY.pattern)]
Moment = Annotated[str, Field(pattern=MOMENT.pattern)]
CompanySlug = Annotated[str, Field(pattern=SLUG.pattern)]
TypeList = Annotated[str, Field(pattern=TYPE_LIST.pattern)]
Words = Annotated[str, Field(pattern=WORDS.pattern)]
OriginFilter = Annotated[str, Field(pattern=ORIGIN.pattern)]
ExportFormat = Literal["stackline", "timelinejs", "csv"]
TableFormat = Literal["json", "csv"]
EventSort = Literal["seq", "date", "-date"]
Cursor = Annotated[str, Field(pattern=CURSOR_PATTERN.pattern)]
CompanyList = Annotated[str, Field(pattern=COMPANY_LIST.pattern, max_length=13_000)]


def _day(description: str = DAY_HELP) -> Any:
    return Field(default=None, description=description)


def _moment() -> Any:
    return Field(default=None, description="What was known then: " + MOMENT_HELP + "; default now")


class _SchemaOnce(BaseModel):
    """flask-openapi3 asks a parameter model for its JSON Schema on every request; a model's
    schema never changes, so it is built once (each caller gets its own top-level copy)."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        key = (cls, args, tuple(sorted(kwargs.items())))
        schema = _SCHEMAS.get(key)
        if schema is None:
            schema = _SCHEMAS[key] = super().model_json_schema(*args, **kwargs)
        return dict(schema)


_SCHEMAS: dict[tuple[Any, ...], dict[str, Any]] = {}


class Query(_SchemaOnce):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_drop_null_defaults)


class CompaniesQuery(Query):
    as_of: Day | SkipJsonSchema[None] = _day(DAY_HELP + "; default today (UTC)")


class StackQuery(Query):
    as_of: Day | SkipJsonSchema[None] = _day(DAY_HELP + "; default today (UTC)")
    known_on: Moment | SkipJsonSchema[None] = _moment()


class MatrixQuery(StackQuery):
    include_subsidiaries: Flag = Field(
        default=False, description="Also list companies that have a parent on the day"
    )
    format: TableFormat = Field(
        default="json", description="csv: RFC 4180, UTF-8, a header row, one row per company"
    )


class IntegrationQuery(Query):
    from_: Day | SkipJsonSchema[None] = Field(
        default=None,
        alias="from",
        description="The first day (a period: its first day); default the earliest founding",
    )
    to: Day | SkipJsonSchema[None] = _day("The last day; " + DAY_HELP + "; default today (UTC)")
    known_on: Moment | SkipJsonSchema[None] = _moment()
    company: CompanyList | SkipJsonSchema[None] = Field(
        default=None,
        description="A comma list of company slugs; default every company that exists without "
        "a parent on some day of the range",
    )
    include_subsidiaries: Flag = Field(
        default=False, description="Without `company`: every company, subsidiaries too"
    )
    format: TableFormat = Field(
        default="json", description="csv: RFC 4180, UTF-8, a header row, one row per change"
    )


class CompanyCapacityQuery(Query):
    from_: Day | SkipJsonSchema[None] = Field(
        default=None,
        alias="from",
        description="The first day (a period: its first day); default the company's founding",
    )
    to: Day | SkipJsonSchema[None] = _day("The last day; " + DAY_HELP + "; default today (UTC)")
    known_on: Moment | SkipJsonSchema[None] = _moment()
    format: TableFormat = Field(
        default="json",
        description="csv: RFC 4180, UTF-8, a header row, one row per day a total changes",
    )


class CapacityQuery(StackQuery):
    format: TableFormat = Field(
        default="json", description="csv: RFC 4180, UTF-8, a header row, one row per company"
    )


class DiffQuery(Query):
    from_: Day = Field(alias="from", description="The earlier day")
    to: Day | SkipJsonSchema[None] = _day("The later day; default today (UTC)")
    known_on: Moment | SkipJsonSchema[None] = _moment()


class IndustryDiffQuery(DiffQuery):
    format: TableFormat = Field(
        default="json",
        description="csv: RFC 4180, UTF-8, a header row, one row per entry added, removed or "
        "changed",
    )


class GraphQuery(StackQuery):
    company: CompanySlug | SkipJsonSchema[None] = Field(
        default=None, description="Only what lies within two edges of this company"
    )


class FilterQuery(Query):
    """The filters shared by the event list and the export."""

    company: CompanySlug | SkipJsonSchema[None] = Field(
        default=None, description="Events naming this company"
    )
    layer: Layer | SkipJsonSchema[None] = Field(
        default=None, description="Events in this layer (the type's or the payload's)"
    )
    type: TypeList | SkipJsonSchema[None] = Field(
        default=None, description="Event types, comma-separated"
    )
    from_: Day | SkipJsonSchema[None] = Field(
        default=None,
        alias="from",
        description="Effective on or after this day (a period: its first day)",
    )
    to: Day | SkipJsonSchema[None] = _day(
        "Effective on or before this day (a period: its last day)"
    )
    q: Words | SkipJsonSchema[None] = Field(
        default=None, description="Text the summary contains (any case)"
    )
    origin: OriginFilter | SkipJsonSchema[None] = Field(
        default=None,
        description="`none`: curated events only; a dataset (`epoch-ai`) or one of its files "
        "(`epoch-ai/gpu-clusters`): events derived from it",
    )
    include_subsidiaries: Flag = Field(
        default=False,
        description="With `company`: also events naming a company it owned directly on the "
        "event's date",
    )


class EventsQuery(FilterQuery):
    include_voided: Flag = Field(
        default=False, description="Also list retracted and corrected events"
    )
    after_seq: int = Field(
        default=0, ge=0, le=MAX_SEQ, description="In seq order: continue after this seq"
    )
    cursor: Cursor | SkipJsonSchema[None] = Field(
        default=None, description="Continue where a page's next_cursor says (any sort)"
    )
    sort: EventSort = Field(
        default="seq",
        description="seq (log order), date (effective date, oldest first) or -date (newest first)",
    )
    limit: int = Field(default=100, ge=1, le=1000, description="Events per page")
    format: TableFormat = Field(
        default="json",
        description="csv: the same page as RFC 4180 CSV (UTF-8, a header row, lists joined by ;)",
    )


class ExportQuery(FilterQuery):
    include_voided: Flag | SkipJsonSchema[None] = Field(
        default=None,
        description="Include retracted and corrected events (and, in TimelineJS, retractions); "
        "default false, but true for format=stackline: that document is the whole log, each "
        "voided event marked `voided_by`, so its chain verifies and `import` reads it back",
    )
    format: ExportFormat = Field(
        default="stackline",
        description="stackline (the stackline-timeline document), timelinejs (TimelineJS3 JSON) "
        "or csv (RFC 4180, UTF-8, a header row, one row per event)",
    )

    @property
    def voided_included(self) -> bool:
        if self.include_voided is None:
            return self.format == "stackline"
        return self.include_voided


class PathParameters(_SchemaOnce):
    """Path parameters: a value that does not match names no resource, so it is a 404."""


class CompanyPath(PathParameters):
    slug: str = Field(pattern=SLUG_PATTERN, description="The company's slug")


class EventPath(PathParameters):
    id: UUID = Field(description="The event's id")


PATH_MODELS = frozenset(model.__name__ for model in PathParameters.__subclasses__())
