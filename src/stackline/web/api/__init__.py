"""The JSON API under /api/v1 (DESIGN §4), described by OpenAPI 3 at /api/v1/openapi.json."""

from __future__ import annotations

from flask_openapi3 import OpenAPI


def init_app(app: OpenAPI) -> None:
    """Register the API blueprints on the app."""
