"""`/`: the matrix of companies × layers as of a day, a page of rows at a time, with steps to the
event days either side and a month slider, and what changed since a compare date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from stackline.services import parameters, stacks, timeline
from stackline.web.context import database, today
from stackline.web.pages import bp
from stackline.web.pages.formatting import page_position
from stackline.web.pages.time_travel import Steps

PER_PAGE, MOST_PER_PAGE = 200, 1000


@bp.get("/")
def matrix() -> Response | str:
    args = request.args
    as_of = parameters.day_until(args.get("as_of"), "as_of", today())
    found = timeline.event_steps(database(), as_of)
    steps = Steps.around(as_of, found.previous, found.next, found.span, today())
    at = page_position(args.get("at"))
    if at is not None and steps.months is not None:
        params: dict[str, Any] = {**_others(), "as_of": steps.months.last_day(at).isoformat()}
        return redirect(url_for("pages.matrix", **params))
    compare = (
        parameters.day_until(args.get("compare"), "compare", today())
        if args.get("compare")
        else None
    )
    include_subsidiaries = args.get("include_subsidiaries") == "1"
    page = stacks.matrix_of(
        database(),
        as_of,
        include_subsidiaries=include_subsidiaries,
        page=parameters.page_number(args.get("page")),
        per_page=parameters.page_size(args.get("per_page"), PER_PAGE, MOST_PER_PAGE),
        compare=compare,
        order=parameters.matrix_order(args.get("sort")),
        with_owned_since=True,
    )
    return render_template(
        "matrix.html",
        page=page,
        rows=page.rows,
        comparison=page.comparison,
        as_of=as_of,
        include_subsidiaries=include_subsidiaries,
        steps=steps,
        order=parameters.matrix_order(args.get("sort")),
        names=stacks.company_names(database()),
        one_day=timedelta(days=1),
    )


def _others() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k not in ("at", "as_of", "page")}
