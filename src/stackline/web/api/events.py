"""Read operations on the log: filtered pages of events, one event, and the event catalog.

The blueprint is shared with `writes`, which adds POST /events: flask-openapi3 keeps one path
item per URL and blueprint, so GET and POST on /events must come from the same blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from stackline.domain.events import EVENT_CLASSES, TYPE_LAYERS
from stackline.domain.filters import EventFilter
from stackline.services import event_formats, parameters, timeline
from stackline.web.api import spec
from stackline.web.api.answers import csv_answer, json_answer
from stackline.web.api.auth import require_reader
from stackline.web.api.byte_order import EventsCsvQuery
from stackline.web.api.models import EventsPage, EventTypesAnswer, TimelineEvent
from stackline.web.api.params import EventPath, FilterQuery
from stackline.web.context import database

bp = APIBlueprint(
    "api_events",
    __name__,
    url_prefix=spec.PREFIX,
    abp_tags=[Tag(name="events", description="The event log")],
)

bp.before_request(require_reader)


def event_filter(query: FilterQuery, include_voided: bool) -> EventFilter:
    """The filter of the validated query, read by the one parser pages and the CLI use too."""
    raw = {
        "company": query.company,
        "layer": query.layer.value if query.layer else None,
        "type": query.type,
        "from": query.from_,
        "to": query.to,
        "q": query.q,
        "origin": query.origin,
    }
    return parameters.event_filter(raw, include_voided, query.include_subsidiaries)


@bp.get(
    "/events",
    operation_id="listEvents",
    security=spec.PUBLIC_OR_BEARER,
    responses=spec.responses(bp, EventsPage, "A page of events", *spec.READ_ERRORS, 404, csv=True),
)
def list_events(query: EventsCsvQuery) -> Response:
    """Events matching the filters, in `seq` order or by effective date, a page at a time
    (follow `next_cursor`; in `seq` order `next_after_seq` works too)."""
    chosen = event_filter(query, query.include_voided)
    after = parameters.cursor(query.cursor)
    if after is None and query.after_seq and query.sort == "seq":
        after = parameters.Position(None, query.after_seq)
    page = timeline.list_events(database(), chosen, after, query.limit, order=query.sort)
    if query.format == "csv":
        rows = map(event_formats.event_cells, page.events)
        return csv_answer(event_formats.EVENT_COLUMNS, rows, "stackline-events.csv", query.marked)
    return json_answer({
        "events": page.events,
        "next_after_seq": page.next_after_seq if query.sort == "seq" else None,
        "next_cursor": page.next_cursor,
    })  # fmt: skip


@bp.get(
    "/events/<id>",
    operation_id="getEvent",
    security=spec.PUBLIC_OR_BEARER,
    responses=spec.responses(bp, TimelineEvent, "The event", *spec.READ_ERRORS, 404),
)
def get_event(path: EventPath) -> Response:
    """One event with every field, and `voided_by`: the event that retracted or corrected it."""
    document = timeline.get_event(database(), str(path.id))
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
