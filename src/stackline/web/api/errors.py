"""API answers to requests flask-openapi3 refuses (a query or path that does not match its model),
in the shape of every API error: `{"error", "message", "details"}`. Errors raised by the services are
mapped in `stackline.web.errors`; HTTP errors (`abort`) in `stackline.web.security`.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from pydantic import ValidationError

from stackline.domain.errors import FieldProblem
from stackline.web.api.answers import json_answer
from stackline.web.api.params import PATH_MODELS, PATTERN_MEANINGS


def error_response(
    status: int, code: str, message: str, problems: list[FieldProblem] | None = None
) -> Response:
    response = json_answer(
        {"error": code, "message": message, "details": [p.as_dict() for p in problems or []]}
    )
    response.status_code = status
    return response


def invalid_request(error: ValidationError) -> Response:
    """flask-openapi3's answer when a path or query model rejects the request."""
    # An optional parameter is a union with None; its "should be None" branch says nothing.
    items = [item for item in error.errors() if item["type"] != "none_required"]
    problems = list(dict.fromkeys(FieldProblem(_field(item), _message(item)) for item in items))
    if error.title in PATH_MODELS:
        return error_response(404, "not_found", "no such resource", problems)
    names = ", ".join(dict.fromkeys(p.field for p in problems))
    return error_response(400, "bad_parameter", f"bad query parameter: {names}", problems)


def _field(item: Any) -> str:
    return str(item["loc"][0]) if item["loc"] else ""


def _message(item: Any) -> str:
    if item["type"] == "string_pattern_mismatch":
        meaning = PATTERN_MEANINGS.get(item.get("ctx", {}).get("pattern"))
        if meaning:
            return f"expected {meaning[0].lower()}{meaning[1:]}"
    message: str = item["msg"]
    return message.removeprefix("Value error, ")
