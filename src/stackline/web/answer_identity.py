"""What a GET answer is a function of — its identity — known before the view runs.

The ETag (`http_caching`) is a hash of it and the API answer cache (`api.response_cache`) keys
on it, so the two can never disagree about whether an answer is still the same (DESIGN §8,
§9.7 "Caches"). An answer depends on:

- the code (`__version__`) and the log's head `seq` (the log only grows; the OpenAPI document
  and the export schema depend on the code alone). A `known_on` that is missing or not yet
  past names "now": its answer is that of the head, never of the clock's second;
- the path and the query, in a normal form: parameters sorted by name (the values of one name
  kept in their order), and on the API only the parameters its operation declares (the
  OpenAPI document lists them; any other is ignored by the view, so it must not split the
  cache or the tag — 3,000 URLs with a junk parameter are one answer);
- today's date by the app's clock, which resolves the default `as_of` (and `to`, and the
  pages' day steps): after midnight nothing kept yesterday is served, appended to or not;
- who asks: the signed-in editor and their session's CSRF token, or a bearer token's presence;
- the host the request names, unless `STACKLINE_PUBLIC_URL` fixes the absolute links.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from urllib.parse import urlencode

from flask import Flask, current_app, request, session
from flask_login import current_user

from stackline import __version__
from stackline.services.stacks import log_head
from stackline.web.context import database, today

CODE_ONLY_PATHS = ("/api/v1/openapi.json", "/api/v1/schemas/")
_RULE_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

Identity = tuple[str, ...]


_HEAD = "stackline.log_head"
_IDENTITY = "stackline.answer_identity"


def init_app(app: Flask) -> None:
    """Read the declared parameters once, when every route is registered (not by the first
    requests, racing)."""
    _declared_parameters(app)


def current_head() -> int:
    """The log's head `seq`, read once per request. (Kept with the request, not in `g`: an
    app context, and `g`, outlive a request whose answer is still streaming.)"""
    if _HEAD not in request.environ:
        request.environ[_HEAD] = log_head(database())
    head: int = request.environ[_HEAD]
    return head


def answer_identity() -> Identity:
    """This request's answer identity (see the module's docstring), computed once."""
    if _IDENTITY not in request.environ:
        viewer = ""
        if current_user.is_authenticated:
            viewer = f"{current_user.get_id()}:{session.get('csrf_token', '')}"
        head = "" if request.path.startswith(CODE_ONLY_PATHS) else str(current_head())
        host = "" if current_app.config.get("PUBLIC_URL") else request.host_url
        request.environ[_IDENTITY] = (
            __version__,
            head,
            request.path,
            _normal_query(),
            today().isoformat(),
            viewer,
            "bearer" if request.authorization else "",
            host,
        )
    found: Identity = request.environ[_IDENTITY]
    return found


def entity_tag() -> str:
    return hashlib.sha256("\x1f".join(answer_identity()).encode()).hexdigest()[:32]


def _normal_query() -> str:
    rule = request.url_rule
    declared = None
    if rule is not None and request.path.startswith("/api/"):
        declared = _declared_parameters(current_app).get((rule.rule, request.method))
    pairs = [
        (name, value)
        for name, value in request.args.items(multi=True)
        if declared is None or name in declared
    ]
    pairs.sort(key=lambda pair: pair[0])  # stable: one name's values keep their order
    return urlencode(pairs)


def _declared_parameters(app: Flask) -> Mapping[tuple[str, str], frozenset[str]]:
    """(Flask rule, method) → the query parameters the OpenAPI document declares for it."""
    found: dict[tuple[str, str], frozenset[str]] | None = app.extensions.get(
        "stackline.declared_parameters"
    )
    if found is None:
        by_path = {
            (path, method.upper()): frozenset(
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
            )
            for path, item in getattr(app, "api_doc", {}).get("paths", {}).items()
            for method, operation in item.items()
        }
        found = {}
        for rule in app.url_map.iter_rules():
            path = _RULE_PARAMETER.sub(r"{\1}", rule.rule)
            for method in rule.methods or ():
                names = by_path.get((path, "GET" if method == "HEAD" else method))
                if names is not None:
                    found[(rule.rule, method)] = names
        app.extensions["stackline.declared_parameters"] = found
    return found
