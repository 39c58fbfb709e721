"""The Flask application: `create_app` is the one place where the web layer is wired together."""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask_openapi3.models.info import Info
from flask_openapi3.openapi import OpenAPI

from stackline import __version__
from stackline.config import DEFAULT_LOCK_TIMEOUT_S, parsed, settings_from_environment
from stackline.services.clock import clock_from_setting
from stackline.services.runtime import open_database
from stackline.web import (
    answer_identity,
    api,
    auth,
    context,
    errors,
    health,
    http_caching,
    limits,
    pages,
    security,
)
from stackline.web.extensions import csrf, limiter, login_manager, rate_limit_storage_options

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    "PUBLIC_READ": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "10 per minute",
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 512 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "MIGRATE_ON_START": True,
    "LOCK_TIMEOUT": DEFAULT_LOCK_TIMEOUT_S,  # seconds a write waits for the lock, then 503
    "MAX_EXPORTS": 4,  # exports streaming at once per process; past it 429 with Retry-After
    "MAX_EXPENSIVE_READS": 2,  # known_on, graphs, trends, company pages at once per process
    "MAX_GRAPH_NODES": 5_000,  # a larger graph on the API is a 413 (ask for a neighbourhood)
    "MAX_GRAPH_PAGE_NODES": 600,  # … and on the /graph page
    "CLOCK": None,  # a Clock object, or an ISO moment (STACKLINE_CLOCK) that freezes time
    "ANSWER_CACHE_BYTES": 64 * 1024 * 1024,  # the API answer cache's budget, per process
}


def create_app(config: dict[str, Any] | None = None) -> OpenAPI:
    """Build the app: configuration from `STACKLINE_*` variables, then `config` on top."""
    app = OpenAPI(
        __name__,
        info=Info(title="Stackline API", version=__version__),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        doc_ui=False,
    )
    app.config.from_mapping(DEFAULTS)
    app.config.update(settings_from_environment())
    app.config.update(parsed(config or {}))
    app.config.setdefault(
        "RATELIMIT_STORAGE_OPTIONS",
        rate_limit_storage_options(str(app.config["RATELIMIT_STORAGE_URI"])),
    )
    _require_secret(app)
    database = open_database(
        app.config["DATABASE_URL"],
        migrate=app.config["MIGRATE_ON_START"],
        lock_timeout=app.config["LOCK_TIMEOUT"],
    )
    app.extensions["stackline.database"] = database
    app.extensions["stackline.clock"] = clock_from_setting(app.config["CLOCK"])

    context.init_app(app)
    limits.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    http_caching.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    pages.init_app(app)
    app.register_blueprint(health.bp)
    api.init_app(app)
    answer_identity.init_app(app)  # last: it reads every route's declared parameters
    return app


def _require_secret(app: OpenAPI) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("TESTING") or app.debug or os.environ.get("FLASK_DEBUG") == "1":
        app.config["SECRET_KEY"] = secrets.token_hex(32)  # throwaway: sessions end on restart
        return
    raise RuntimeError(
        "STACKLINE_SECRET_KEY is not set; set it, or run `stackline serve`, which keeps one "
        "beside the SQLite database"
    )
