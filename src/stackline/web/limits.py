"""Bounded work per request: expensive reads a few at a time, answers too large refused.

Some reads cost far more than an index lookup: the graph of every company is megabytes, the
trends page and a company page compose years of history, and a `known_on` read sets up its own
transaction (temporary views of the projections as they stood then, DESIGN §9.4). Their
parameters can differ on every request, so no cache stands in front of them. So:

- **At most `MAX_EXPENSIVE_READS` expensive reads run at once in a process** (2 by default);
  another is refused at once, 429 with `Retry-After`, in words — like the export slots. The
  threads left serve everything else, `/healthz` included. A repeat answered from the caches
  (a 304, a kept API answer) takes no slot. Views opt in with `@expensive_read(...)`.
- **A graph holds at most `MAX_GRAPH_NODES` nodes on the API (5,000) and
  `MAX_GRAPH_PAGE_NODES` on the page (600, about what it lays out in a few seconds, and more
  than it can show)**; a larger one is refused, 413 in words, pointing to one company's
  neighbourhood (`company=`). When the day's companies alone are too many, before anything is
  composed.

The limits hold whatever a read costs, in the web layer, in front of the services.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import Flask, Response, current_app, render_template, request

from stackline.domain.errors import FieldProblem
from stackline.domain.graph import Graph
from stackline.services import stacks
from stackline.web.context import database
from stackline.web.errors import TooLarge, json_error, wants_json

DEFAULT_MAX_EXPENSIVE_READS = 2
DEFAULT_MAX_GRAPH_NODES = 5_000
DEFAULT_MAX_GRAPH_PAGE_NODES = 600
RETRY_AFTER_S = 5

View = TypeVar("View", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    limit = int(app.config.get("MAX_EXPENSIVE_READS") or DEFAULT_MAX_EXPENSIVE_READS)
    app.extensions["stackline.expensive_reads"] = threading.BoundedSemaphore(limit)


def expensive_read(always: bool = False) -> Callable[[View], View]:
    """Run the view in one of the process's expensive-read slots: always, or (by default) when
    the request asks `known_on`. No free slot: a 429 in words, at once."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            if not (always or request.args.get("known_on")):
                return view(*args, **kwargs)
            slots: threading.BoundedSemaphore = current_app.extensions["stackline.expensive_reads"]
            if not slots.acquire(blocking=False):
                return _busy()
            try:
                return view(*args, **kwargs)
            finally:
                slots.release()

        return limited  # type: ignore[return-value]

    return decorate


def graph_bound(page: bool) -> int:
    """The most nodes a graph answer may hold: on the page, or on the API."""
    if page:
        return int(current_app.config.get("MAX_GRAPH_PAGE_NODES") or DEFAULT_MAX_GRAPH_PAGE_NODES)
    return int(current_app.config.get("MAX_GRAPH_NODES") or DEFAULT_MAX_GRAPH_NODES)


def require_a_drawable_graph(as_of: date, company: str | None, page: bool) -> None:
    """Refuse the day's graph when the day's companies alone exceed the bound (before anything
    is composed); `company` narrows it to a neighbourhood, checked once composed."""
    nodes = graph_bound(page)
    if company is None and len(stacks.companies_on(database(), as_of)) > nodes:
        raise _graph_too_large(nodes)


def require_a_small_graph(graph: Graph, page: bool) -> Graph:
    nodes = graph_bound(page)
    if len(graph.nodes) > nodes:
        raise _graph_too_large(nodes, len(graph.nodes))
    return graph


def _graph_too_large(nodes: int, found: int | None = None) -> TooLarge:
    held = f"{found:,} nodes" if found is not None else "more companies than that"
    return TooLarge(
        f"the graph holds {held}, more than the {nodes:,} one answer may hold: ask for one "
        "company's neighbourhood with company=SLUG",
        [FieldProblem("company", "ask for one company's neighbourhood with company=SLUG")],
        code="graph_too_large",
    )


def _busy() -> Response:
    limit = current_app.config.get("MAX_EXPENSIVE_READS") or DEFAULT_MAX_EXPENSIVE_READS
    message = (
        f"{limit} expensive reads (known_on, graphs, trends, company pages) are running in this "
        f"process already; try again in {RETRY_AFTER_S} seconds"
    )
    if wants_json():
        busy = json_error(429, "too_many_expensive_reads", message, [])
    else:
        page = render_template("error.html", status=429, message=message, heading="Busy")
        busy = current_app.response_class(page, 429)
    busy.headers["Retry-After"] = str(RETRY_AFTER_S)
    return busy
