"""The JSON API under /api/v1 (DESIGN §4), described by OpenAPI 3 at /api/v1/openapi.json.

One blueprint per kind of work: `stacks` (companies, stacks, diffs, the matrix), `events` (the
log and the catalog; `writes` adds recording to it) and `export`. Writes take a bearer token only; none of
them reads the session cookie, and all are exempt from the forms' CSRF check for that reason.
"""

from __future__ import annotations

from flask import Response, request
from flask_openapi3 import OpenAPI
from werkzeug.exceptions import MethodNotAllowed

from stackline.web.api import errors, events, export, stacks
from stackline.web.api import writes as _writes  # noqa: F401  (adds POST /events to events.bp)
from stackline.web.api.answers import json_answer
from stackline.web.api.models import ErrorBody
from stackline.web.api.spec import PREFIX
from stackline.web.extensions import csrf


def init_app(app: OpenAPI) -> None:
    """Register the API blueprints and serve the OpenAPI document."""
    # A path or query model that rejects a request answers in the API's error shape.
    app.validation_error_status = "400"
    app.validation_error_model = ErrorBody
    app.validation_error_callback = errors.invalid_request
    for bp in (stacks.bp, events.bp, export.bp):
        csrf.exempt(bp)
        app.register_api(bp)
    app.add_url_rule(f"{PREFIX}/openapi.json", "api_openapi", lambda: _openapi_document(app))
    app.after_request(_allow_header)


def _openapi_document(app: OpenAPI) -> Response:
    return json_answer(app.api_doc)


def _allow_header(response: Response) -> Response:
    """A 405 under /api/ names the methods the URL does allow (RFC 9110).

    `security`'s JSON error answer is built afresh and drops the `Allow` header werkzeug's
    MethodNotAllowed carries; this puts it back for the API's answers.
    """
    error = request.routing_exception
    if (
        isinstance(error, MethodNotAllowed)
        and error.valid_methods
        and request.path.startswith(PREFIX)
        and "Allow" not in response.headers
    ):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response
