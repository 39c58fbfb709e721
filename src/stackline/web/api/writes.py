"""Recording an event through the API: bearer token, body parsing, 201/200/400/409/422.

The body is read here rather than by flask-openapi3 so each failure gets its documented status:
malformed JSON or a non-object is a 400; an event that breaks the schema or a rule is a 422 with
the domain's messages; an id reused for other content is a 409. The size cap (413) is enforced
by werkzeug from MAX_CONTENT_LENGTH when the body is read.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request, url_for
from flask_openapi3.types import ResponseDict

from stackline.domain.errors import FieldProblem, InvalidEvent, MalformedDocument
from stackline.domain.events import STORE_FIELDS, listed_fields
from stackline.services import recording, timeline
from stackline.web.api import spec
from stackline.web.api.answers import json_answer
from stackline.web.api.auth import token_holder
from stackline.web.api.events import bp
from stackline.web.api.models import TimelineEvent
from stackline.web.context import clock, database


def _responses() -> ResponseDict:
    stored = spec.ref(bp, TimelineEvent)
    location = {
        "Location": {"description": "The new event's URL", "schema": {"type": "string"}},
    }
    return {
        201: spec.json_response("Recorded; the stored event", stored, location),
        200: spec.json_response("Already recorded with this id and content", stored),
        **spec.error_responses(bp, 400, 401, 409, 413, 422),
    }


@bp.post(
    "/events",
    operation_id="recordEvent",
    security=spec.BEARER,
    responses=_responses(),
    openapi_extensions={"requestBody": spec.new_event_body(bp)},
)
def record_event() -> Response:
    """Record one event (Bearer token). Repeating a request with the same `id` is safe."""
    recorded_by = token_holder()
    raw = _event_object(request.get_data())
    appended = recording.record_event(database(), raw, recorded_by, clock().now())
    event_id = appended.event_id
    if not appended.created:  # a repeat: the stored event may have been voided since
        return json_answer(timeline.get_event(database(), event_id))
    document = appended.document
    listed = listed_fields(document["type"], document["payload"])
    response = json_answer({**document, "voided_by": None, **listed}, status=201)
    response.headers["Location"] = url_for("api_events.get_event", id=event_id)
    return response


def _event_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object of client fields; `MalformedDocument` (400) or
    `InvalidEvent` (422) otherwise."""
    try:
        raw = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:  # also bad UTF-8 and NaN/Infinity
        detail = str(error) if isinstance(error, ValueError) else "nested too deeply"
        problem = FieldProblem("", detail[:200])
        raise MalformedDocument("malformed JSON", [problem]) from None
    if not isinstance(raw, dict):
        problem = FieldProblem("", "expected a JSON object")
        raise MalformedDocument("an event must be a JSON object", [problem])
    assigned = [field for field in STORE_FIELDS if field in raw]
    if assigned:
        problems = [
            FieldProblem(field, "assigned by the store; do not send it") for field in assigned
        ]
        raise InvalidEvent("the body holds fields the store assigns", problems)
    return raw


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
