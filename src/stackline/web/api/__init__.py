"""The JSON API under /api/v1 (DESIGN §4), described by OpenAPI 3 at /api/v1/openapi.json.

One blueprint per kind of work: `stacks` (companies, stacks, diffs, the matrix), `events` (the
log and the catalog; `writes` adds recording to it) and `export`. Writes take a bearer token
only, never the session cookie, so the blueprints are exempt from the forms' CSRF check.
"""

from __future__ import annotations

from flask import Response
from flask_openapi3.openapi import OpenAPI

from stackline.web.api import (
    capacity,
    checkpoints,
    datasets,
    errors,
    events,
    export,
    integration,
    response_cache,
    stacks,
    supply_chain,
)
from stackline.web.api import writes as _writes  # noqa: F401  (adds POST /events to events.bp)
from stackline.web.api.answers import json_answer
from stackline.web.api.auth import require_reader
from stackline.web.api.models import ErrorBody
from stackline.web.api.spec import PREFIX
from stackline.web.extensions import csrf, limiter


def init_app(app: OpenAPI) -> None:
    """Register the API blueprints and serve the OpenAPI document."""
    # A path or query model that rejects a request answers in the API's error shape.
    app.validation_error_status = "400"
    app.validation_error_model = ErrorBody
    app.validation_error_callback = errors.invalid_request
    blueprints = (
        stacks.bp, events.bp, export.bp, supply_chain.bp, integration.bp, checkpoints.bp,
        datasets.bp, capacity.bp,
    )  # fmt: skip
    for bp in blueprints:
        csrf.exempt(bp)
        limiter.exempt(bp)  # the API has no rate limits; skip the limiter's work per request
        app.register_api(bp)
    app.add_url_rule(f"{PREFIX}/openapi.json", "api_openapi", lambda: _openapi_document(app))
    response_cache.init_app(app)


def _openapi_document(app: OpenAPI) -> Response:
    require_reader()  # private reads close the description of the API too
    return json_answer(app.api_doc)
