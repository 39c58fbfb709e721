"""Read operations on the log: filtered pages of events, one event, and the event catalog.

The blueprint is shared with `writes`, which adds POST /events: flask-openapi3 keeps one path
item per URL and blueprint, so GET and POST on /events must come from the same blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from stackline.domain.dates import PartialDate
from stackline.domain.events import EVENT_CLASSES, TYPE_LAYERS
from stackline.services import timeline
from stackline.web.api import errors, spec
from stackline.web.api.answers import json_answer
from stackline.web.api.auth import require_reader
from stackline.web.api.models import EventsPage, EventTypesAnswer, TimelineEvent
from stackline.web.api.params import EventPath, EventsQuery, FilterQuery
from stackline.web.context import engine

bp = APIBlueprint(
    "api_events",
    __name__,
    url_prefix=spec.PREFIX,
    abp_tags=[Tag(name="events", description="The event log")],
)

errors.handle_errors(bp)
bp.before_request(require_reader)


def event_filter(query: FilterQuery, include_voided: bool) -> timeline.EventFilter:
    """The services' filter from validated query parameters (`from`/`to` are inclusive)."""
    return timeline.EventFilter(
        company=query.company,
        layer=query.layer.value if query.layer else None,
        types=tuple(query.type.split(",")) if query.type else (),
        from_day=PartialDate.parse(query.from_).start if query.from_ else None,
        to_day=PartialDate.parse(query.to).end if query.to else None,
        q=query.q,
        include_voided=include_voided,
    )


@bp.get(
    "/events",
    operation_id="listEvents",
    security=spec.PUBLIC_OR_BEARER,
    responses=spec.responses(bp, EventsPage, "A page of events in seq order", *spec.READ_ERRORS),
)
def list_events(query: EventsQuery) -> Response:
    """Events matching the filters, in `seq` order, a page at a time (follow `next_after_seq`)."""
    chosen = event_filter(query, query.include_voided)
    page, next_after = timeline.list_events(engine(), chosen, query.after_seq, query.limit)
    return json_answer({"events": page, "next_after_seq": next_after})


@bp.get(
    "/events/<id>",
    operation_id="getEvent",
    security=spec.PUBLIC_OR_BEARER,
    responses=spec.responses(bp, TimelineEvent, "The event", *spec.READ_ERRORS, 404),
)
def get_event(path: EventPath) -> Response:
    """One event with every field, and `voided_by`: the event that retracted or corrected it."""
    document = timeline.get_event(engine(), str(path.id))
    if document is None:
        abort(404, description=f"no event {path.id}")
    return json_answer(document)


@bp.get(
    "/event-types",
    operation_id="listEventTypes",
    security=spec.PUBLIC_OR_BEARER,
    responses=spec.responses(bp, EventTypesAnswer, "The catalog", *spec.READ_ERRORS),
)
def list_event_types() -> Response:
    """Every event type, its layer (null when the payload or target decides) and payload schema."""
    return json_answer({"types": [_event_type(name) for name in EVENT_CLASSES]})


def _event_type(name: str) -> dict[str, Any]:
    payload = EVENT_CLASSES[name].model_fields["payload"].annotation
    assert payload is not None and hasattr(payload, "model_json_schema")
    layer = TYPE_LAYERS.get(name)
    return {
        "type": name,
        "layer": layer.value if layer else None,
        "schema": payload.model_json_schema(),
    }
