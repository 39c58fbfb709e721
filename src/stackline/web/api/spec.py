"""Pieces of the OpenAPI document: response objects, error responses and the event request body.

flask-openapi3 writes response schemas in pydantic's serialization mode and request bodies in
validation mode; the domain models (e.g. `Money`) differ slightly between the two, and both
would land under one component name. So every schema here is generated in validation mode,
once, into the blueprint's components, and operations refer to it by `$ref`.
"""

from __future__ import annotations

from typing import Any

from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models import OPENAPI3_REF_PREFIX, OPENAPI3_REF_TEMPLATE
from flask_openapi3.models.schema import Schema
from flask_openapi3.types import ResponseDict
from pydantic import BaseModel

from stackline.domain.events import EVENT_ADAPTER, STORE_FIELDS
from stackline.web.api.models import ErrorBody

PREFIX = "/api/v1"
ERROR_DESCRIPTIONS = {
    400: "A parameter or the body is malformed",
    401: "No valid bearer token (reads need one when the server is not public)",
    404: "No such company or event",
    409: "The event id is taken by an event with other content",
    413: "Too large: a request body over the size cap, or a graph past its node bound (ask for "
    "one company's neighbourhood with `company`)",
    429: "Busy: too many exports, or expensive reads (`known_on`, graphs), at once in this "
    "process; retry after `Retry-After` seconds",
    422: "The event breaks the schema or a rule",
}
READ_ERRORS = (400, 401)
EXPENSIVE_READ_ERRORS = (413, 429)  # `web.limits`: reads with known_on, and graphs
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
PUBLIC_OR_BEARER: list[dict[str, list[str]]] = [{}, {"bearer": []}]


def _add_schema(bp: APIBlueprint, name: str, schema: dict[str, Any]) -> None:
    for definition, value in schema.pop("$defs", {}).items():
        bp.components_schemas[definition] = Schema(**value)
    bp.components_schemas[name] = Schema(**schema)


def ref(bp: APIBlueprint, model: type[BaseModel]) -> dict[str, str]:
    """A `$ref` to `model`'s schema, adding it (and what it uses) to the blueprint's components."""
    name = model.__name__
    if name not in bp.components_schemas:
        _add_schema(bp, name, model.model_json_schema(ref_template=OPENAPI3_REF_TEMPLATE))
    return {"$ref": f"{OPENAPI3_REF_PREFIX}/{name}"}


def json_response(
    description: str,
    schema: dict[str, Any],
    headers: dict[str, Any] | None = None,
    media_type: str = "application/json",
) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {media_type: {"schema": schema}},
    }
    if headers:
        response["headers"] = headers
    return response


def responses(
    bp: APIBlueprint, ok: type[BaseModel], description: str, *errors: int, csv: bool = False
) -> ResponseDict:
    """A 200 answer with `ok`'s schema (and, with `csv`, the same table as text/csv), and an
    `ErrorBody` for each status in `errors`."""
    answer = json_response(description, ref(bp, ok))
    if csv:
        answer["content"]["text/csv"] = {
            "schema": {"type": "string", "description": "RFC 4180, UTF-8, with a header row"}
        }
    answers: ResponseDict = {200: answer}
    answers.update(error_responses(bp, *errors))
    return answers


def error_responses(bp: APIBlueprint, *statuses: int) -> ResponseDict:
    error = ref(bp, ErrorBody)
    return {status: json_response(ERROR_DESCRIPTIONS[status], error) for status in statuses}


def new_event_body(bp: APIBlueprint) -> dict[str, Any]:
    """The request body of POST /events: the domain's event union, minus what the store assigns.

    The views read the body themselves (a malformed body is a 400, an invalid event a 422, with
    the domain's own messages), so this describes the body without flask-openapi3 validating it.
    """
    if "NewEvent" not in bp.components_schemas:
        schema = EVENT_ADAPTER.json_schema(ref_template=OPENAPI3_REF_TEMPLATE)
        for definition in schema.get("$defs", {}).values():
            if definition.get("properties", {}).get("type", {}).get("const"):
                for field in STORE_FIELDS:
                    definition["properties"].pop(field, None)
        schema["description"] = "A new event: the envelope fields a client sends, and its payload"
        _add_schema(bp, "NewEvent", schema)
    return {
        "required": True,
        "description": "One event. Send an `id` to make a retry idempotent.",
        "content": {"application/json": {"schema": {"$ref": f"{OPENAPI3_REF_PREFIX}/NewEvent"}}},
    }
