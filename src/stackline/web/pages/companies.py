"""`/companies/<slug>`: the four-layer stack, its history, its events and a compare-to-date diff."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from stackline.domain.errors import UnknownCompany
from stackline.domain.values import LAYERS
from stackline.services import capacity, companies, parameters
from stackline.web.context import database, today
from stackline.web.limits import expensive_read
from stackline.web.pages import bp
from stackline.web.pages.capacity_chart import capacity_chart
from stackline.web.pages.charts import layer_chart
from stackline.web.pages.formatting import page_position
from stackline.web.pages.graph import EDGE_WORDS
from stackline.web.pages.time_travel import Steps


@bp.get("/companies/<slug>")
@expensive_read(always=True)
def company(slug: str) -> Response | str:
    args = request.args
    as_of = parameters.day_until(args.get("as_of"), "as_of", today())
    known_on = parameters.known_on(args.get("known_on"))
    compare = (
        parameters.day_until(args.get("compare"), "compare", today())
        if args.get("compare")
        else None
    )
    page = companies.company_page(database(), slug, as_of, today(), known_on, compare)
    span = (page.change_days[0], page.change_days[-1]) if page.change_days else None
    steps = Steps.around(as_of, page.previous_change, page.next_change, span, today())
    at = page_position(args.get("at"))
    if at is not None and steps.months is not None:
        params: dict[str, Any] = {k: v for k, v in args.items() if k not in ("at", "as_of")}
        params.update(slug=slug, as_of=steps.months.last_day(at).isoformat())
        return redirect(url_for("pages.company", **params))
    try:
        compute = capacity.capacity_panel(database(), slug, as_of, _chart_end(as_of), known_on)
    except UnknownCompany:  # not known yet at `known_on`: the page says so above
        compute = None
    return render_template(
        "company.html",
        page=page,
        stack=page.stack,
        slug=slug,
        layers=list(reversed(LAYERS)),
        as_of=as_of,
        known_on=args.get("known_on", ""),
        compare=args.get("compare", ""),
        diff=page.diff,
        diff_events=page.diff_events,
        chart=layer_chart(page.history, as_of, _chart_end(as_of)),
        events=page.events,
        more_events=page.more_events,
        names=page.names,
        dependencies=page.dependencies,
        edge_words=EDGE_WORDS,
        steps=steps,
        in_future=as_of > today(),
        compute=compute,
        compute_chart=capacity_chart(compute.series.points, as_of, _chart_end(as_of))
        if compute
        else None,
    )


def _chart_end(as_of: date) -> date:
    return max(as_of, today()) + timedelta(days=1)
