"""Answers to API reads kept for repeats: the same answer identity gives the same bytes.

A read answer is a function of its identity (`web.answer_identity`: the log's head, the URL in
a normal form, today's date, who asks) — the ETag's identity too, so a 304 and a kept answer
always agree. It is known before the request is dispatched (the head is one indexed lookup); a
repeat is answered straight from memory, skipping parameter validation and composition. The
cache keeps to a budget in bytes (`ANSWER_CACHE_BYTES`, per process), the least recently used
answers going first, and keeps no answer over `MAX_BYTES`. Streamed exports are not kept.
"""

from __future__ import annotations

from collections.abc import Hashable

from flask import Flask, Response, current_app, g, request

from stackline.services.caching import BoundedCache
from stackline.web.answer_identity import answer_identity
from stackline.web.api.spec import PREFIX

MAX_ANSWERS = 4096
MAX_BYTES = 256 * 1024
DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024
# Exports stream; the checkpoint changes without the log growing (`stackline checkpoint`).
_NOT_KEPT = (f"{PREFIX}/export", f"{PREFIX}/openapi.json", f"{PREFIX}/checkpoint")


def init_app(app: Flask) -> None:
    budget = int(app.config.get("ANSWER_CACHE_BYTES") or DEFAULT_BUDGET_BYTES)
    app.extensions["stackline.answers"] = BoundedCache[tuple[bytes, str]](
        MAX_ANSWERS, budget=budget, weigh=_weight
    )
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
    g.answer_key = answer_identity()
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
    if len(body) <= MAX_BYTES:  # (and the cache refuses one over its whole budget)
        current_app.extensions["stackline.answers"].put(
            key, (body, response.mimetype or "application/json")
        )
    return response


def _weight(key: Hashable, value: tuple[bytes, str]) -> int:
    """What an entry holds: its body, and the URL and the rest of its key."""
    parts = key if isinstance(key, tuple) else (key,)
    return len(value[0]) + sum(len(str(part)) for part in parts)
