"""How the web answers what went wrong: one status per kind of error, JSON for the API, a page
for people. The domain and the services raise errors that say *what* is wrong; the status each
maps to lives here alone."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, jsonify, render_template, request

from stackline.domain.errors import (
    ConflictingEvent,
    InvalidEvent,
    MalformedDocument,
    StacklineError,
    UnknownCompany,
)
from stackline.services.parameters import BadParameter
from stackline.store.failures import StoreUnavailable


@dataclass
class TooLarge(StacklineError):
    """An answer too large, or too costly, to compose (`web.limits`); the problems say what to
    ask instead."""

    code: str = "too_large"


STATUSES: tuple[tuple[type[StacklineError], int], ...] = (
    (BadParameter, 400),
    (MalformedDocument, 400),
    (UnknownCompany, 404),
    (ConflictingEvent, 409),
    (InvalidEvent, 422),
    (TooLarge, 413),
)


def status_of(error: StacklineError) -> int:
    return next((status for kind, status in STATUSES if isinstance(error, kind)), 400)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    app.register_error_handler(StacklineError, refused)
    app.register_error_handler(StoreUnavailable, store_unavailable)


def json_error(status: int, code: str, message: str, details: list[dict[str, str]]) -> Response:
    response = jsonify({"error": code, "message": message, "details": details})
    response.status_code = status
    return response


def refused(error: StacklineError) -> Response | tuple[str, int]:
    """An input that was refused: its problems, named field by field."""
    status = status_of(error)
    if wants_json():
        return json_error(status, error.code, error.message, [p.as_dict() for p in error.problems])
    return render_template("error.html", status=status, message=str(error)), status


def store_unavailable(error: StoreUnavailable) -> Response | tuple[str, int, dict[str, str]]:
    """The database cannot serve now (busy, full, read-only, gone): 503, come back later."""
    retry = {"Retry-After": str(error.retry_after)}
    if wants_json():
        response = json_error(503, f"unavailable_{error.kind}", error.cause, [])
        response.headers.update(retry)
        return response
    return render_template("error.html", status=503, message=error.cause), 503, retry
