"""API errors as JSON `{"error", "message", "details"}`: bad parameters, invalid events, 404s.

HTTP errors raised with `abort` are rendered by `stackline.web.security` in the same shape.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from pydantic import ValidationError

from stackline.domain.documents import FieldProblem, InvalidEvent
from stackline.services.stacks import UnknownCompany
from stackline.web.api.answers import json_answer
from stackline.web.api.params import PATH_MODELS, PATTERN_MEANINGS


def handle_errors(bp: Blueprint) -> None:
    """Answer the services' exceptions raised in `bp`'s views as JSON errors."""
    bp.register_error_handler(InvalidEvent, invalid_event)
    bp.register_error_handler(UnknownCompany, unknown_company)


def error_response(
    status: int, code: str, message: str, problems: list[FieldProblem] | None = None
) -> Response:
    response = json_answer(
        {"error": code, "message": message, "details": [p.as_dict() for p in problems or []]}
    )
    response.status_code = status
    return response


def invalid_event(error: InvalidEvent) -> Response:
    """A rule or schema failure (422), a conflicting repeat (409) or a bad parameter (400)."""
    return error_response(error.status, error.code, error.message, error.problems)


def unknown_company(error: UnknownCompany) -> Response:
    return error_response(404, "not_found", str(error), [FieldProblem("slug", "not registered")])


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
