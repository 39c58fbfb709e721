"""Conditional GETs and CORS for every read (DESIGN §8).

A GET answer's `ETag` is a hash of its identity (`answer_identity`: the code, the log's head,
the URL in a normal form, today's date, who asks, and the host when no public URL is set),
known before the view runs: a matching `If-None-Match` is answered 304 without composing
anything. The API answer cache keys on the same identity. When reads are not public the check
waits until the view's own authentication has run, so a 304 never answers a client a 200
would refuse.

Forms (which carry a fresh event id and CSRF token), sign-in pages, health checks and answers
with a flashed message are never tagged. Public reads of the API and the feed send
`Access-Control-Allow-Origin: *`; writes and pages never do.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from stackline.web.answer_identity import entity_tag

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
EXPOSED_HEADERS = "ETag, Content-Disposition"


def init_app(app: Flask) -> None:
    app.before_request(_answer_not_modified)
    app.after_request(_tag)


def _entity_tag() -> str | None:
    if request.method not in ("GET", "HEAD") or request.endpoint in UNTAGGED_ENDPOINTS:
        return None
    if request.endpoint is None or session.get("_flashes"):
        return None
    return entity_tag()


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
