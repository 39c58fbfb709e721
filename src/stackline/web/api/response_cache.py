"""Answers to API reads kept for repeats: the same URL over the same log gives the same bytes.

Every read answer is a pure function of its URL and of the log, and the log only grows, so a
stored answer stays right until the next append changes the log's head `seq`. The key holds that
head, read (one indexed lookup) before the request is dispatched; a repeat is answered straight
from memory, skipping parameter validation and composition. Streamed exports are not kept.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

from stackline.services.caching import BoundedCache
from stackline.web.api.spec import PREFIX
from stackline.web.http_caching import current_head

MAX_ANSWERS = 4096
MAX_BYTES = 256 * 1024
# Exports stream; the checkpoint changes without the log growing (`stackline checkpoint`).
_NOT_KEPT = (f"{PREFIX}/export", f"{PREFIX}/openapi.json", f"{PREFIX}/checkpoint")


def init_app(app: Flask) -> None:
    app.extensions["stackline.answers"] = BoundedCache[tuple[bytes, str]](MAX_ANSWERS)
    app.before_request(_answer_a_repeat)
    app.after_request(_keep_the_answer)


def _cacheable() -> bool:
    return (
        request.method == "GET"
        and request.path.startswith(PREFIX + "/")
        and not request.path.startswith(_NOT_KEPT)
        and bool(current_app.config.get("PUBLIC_READ", True))  # else each read checks its token
    )


def _answer_a_repeat() -> Response | None:
    if not _cacheable():
        return None
    g.answer_key = (request.full_path, current_head())
    found = current_app.extensions["stackline.answers"].get(g.answer_key)
    if found is None:
        return None
    body, mimetype = found
    return Response(body, status=200, mimetype=mimetype)


def _keep_the_answer(response: Response) -> Response:
    key = g.pop("answer_key", None)
    if key is None or response.status_code != 200 or response.direct_passthrough:
        return response
    body = response.get_data()
    if len(body) <= MAX_BYTES:
        current_app.extensions["stackline.answers"].put(
            key, (body, response.mimetype or "application/json")
        )
    return response
