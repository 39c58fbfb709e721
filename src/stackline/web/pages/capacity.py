"""`/capacity`: who commands how much compute on a day (DESIGN §9.3), owned and contracted,
ranked, with the matrix's date controls, a compare date and a CSV button."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from stackline.services import capacity, parameters, timeline
from stackline.web.context import database, today
from stackline.web.pages import bp
from stackline.web.pages.formatting import page_position
from stackline.web.pages.time_travel import Steps


@bp.get("/capacity")
def capacity_page() -> Response | str:
    args = request.args
    as_of = parameters.day_until(args.get("as_of"), "as_of", today())
    found = timeline.event_steps(database(), as_of)
    steps = Steps.around(as_of, found.previous, found.next, found.span, today())
    at = page_position(args.get("at"))
    if at is not None and steps.months is not None:
        params: dict[str, Any] = {k: v for k, v in args.items() if k not in ("at", "as_of")}
        params["as_of"] = steps.months.last_day(at).isoformat()
        return redirect(url_for("pages.capacity_page", **params))
    compare = (
        parameters.day_until(args.get("compare"), "compare", today())
        if args.get("compare")
        else None
    )
    ranking, before = capacity.rankings(database(), as_of, compare)
    return render_template(
        "capacity.html",
        as_of=as_of,
        ranks=ranking.ranks,
        compare=compare,
        before={rank.slug: (place, rank) for place, rank in enumerate(before.ranks, 1)}
        if before
        else {},
        steps=steps,
    )
