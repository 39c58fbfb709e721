"""`/`: the matrix of companies × layers as of a day, with a slider over the days events happened."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import Any

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from stackline.services import parameters, stacks, timeline
from stackline.web.context import database, today
from stackline.web.pages import bp
from stackline.web.pages.formatting import page_position


@bp.get("/")
def matrix() -> Response | str:
    days = timeline.event_days(database())
    at = page_position(request.args.get("at"))
    if at is not None and days:
        index = min(at, len(days) - 1)
        params: dict[str, Any] = {**_others(), "as_of": days[index].isoformat()}
        return redirect(url_for("pages.matrix", **params))
    as_of = parameters.day_until(request.args.get("as_of"), "as_of", today())
    include_subsidiaries = request.args.get("include_subsidiaries") == "1"
    rows = stacks.matrix_of(database(), as_of, include_subsidiaries=include_subsidiaries)
    return render_template(
        "matrix.html",
        rows=rows,
        as_of=as_of,
        include_subsidiaries=include_subsidiaries,
        days=days,
        day_index=_slider_position(days, as_of),
    )


def _slider_position(days: list[date], as_of: date) -> int:
    """The slider stop at or before the day shown."""
    return max(0, bisect_right(days, as_of) - 1)


def _others() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k not in ("at", "as_of")}
