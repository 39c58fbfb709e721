"""Conditional GETs and CORS for every read (DESIGN §8).

Every page and API answer is a function of the code, the log, the URL, today's date (the
default `as_of`) and who asks, and the log only grows. So a GET answer's `ETag` is a hash of the
version, the log's head `seq`, the full URL, today's date and the viewer (signed-in editor and their session's CSRF
token, or a bearer token's presence), known before the view runs: a matching `If-None-Match`
is answered 304 without composing anything. When reads are not public the check waits until
the view's own authentication has run, so a 304 never answers a client a 200 would refuse.

Forms (which carry a fresh event id and CSRF token), sign-in pages, health checks and answers
with a flashed message are never tagged. Public reads of the API and the feed send
`Access-Control-Allow-Origin: *`; writes and pages never do.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from stackline import __version__
from stackline.services.stacks import log_head
from stackline.web.context import database, today

UNTAGGED_ENDPOINTS = frozenset(
    {
        "pages.new_event",
        "pages.correct_event",
        "pages.retract_form",
        "auth.login_form",
        "auth.logout_form",
        "health.healthz",
        "api_checkpoints.checkpoint",  # changes without the log growing
        "static",
    }
)
CORS_PREFIXES = ("/api/", "/feed.atom")
CODE_ONLY_PATHS = ("/api/v1/openapi.json", "/api/v1/schemas/")
EXPOSED_HEADERS = "ETag, Content-Disposition"


def init_app(app: Flask) -> None:
    app.before_request(_answer_not_modified)
    app.after_request(_tag)


def current_head() -> int:
    """The log's head `seq`, read once per request."""
    if "log_head" not in g:
        g.log_head = log_head(database())
    head: int = g.log_head
    return head


def _entity_tag() -> str | None:
    if request.method not in ("GET", "HEAD") or request.endpoint in UNTAGGED_ENDPOINTS:
        return None
    if request.endpoint is None or session.get("_flashes"):
        return None
    viewer = ""
    if current_user.is_authenticated:
        viewer = f"{current_user.get_id()}:{session.get('csrf_token', '')}"
    # Every answer changes with the code; all but the OpenAPI document and the export schema
    # with the log too.
    head = "" if request.path.startswith(CODE_ONLY_PATHS) else str(current_head())
    # Absolute links (the feed's) follow the request's host unless a public URL is set.
    host = "" if current_app.config.get("PUBLIC_URL") else request.host_url
    parts = (
        __version__,
        head,
        request.full_path,
        today().isoformat(),
        viewer,
        "bearer" if request.authorization else "",
        host,
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _answer_not_modified() -> Response | None:
    tag = g.entity_tag = _entity_tag()
    if tag is None or not current_app.config["PUBLIC_READ"]:
        return None
    if request.if_none_match.contains(tag):
        return _not_modified(tag)
    return None


def _not_modified(tag: str) -> Response:
    response = Response(status=304)
    response.set_etag(tag)
    return response


def _tag(response: Response) -> Response:
    tag = g.pop("entity_tag", None)
    public = bool(current_app.config["PUBLIC_READ"])
    if tag is not None and response.status_code in (200, 304):
        if response.status_code == 200 and request.if_none_match.contains(tag):
            response.close()  # unsent: release what it holds (an export's slot, its snapshot)
            response = _not_modified(tag)  # reads are private: the view has checked the caller
        response.set_etag(tag)
        private = current_user.is_authenticated or not public
        response.headers["Cache-Control"] = "private, no-cache" if private else "no-cache"
    if public and request.method in ("GET", "HEAD") and request.path.startswith(CORS_PREFIXES):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response
