"""`/companies/<slug>`: the four-layer stack, its history, its events and a compare-to-date diff."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request

from stackline.domain.values import LAYERS
from stackline.services import companies, parameters
from stackline.web.context import database, today
from stackline.web.pages import bp
from stackline.web.pages.charts import layer_chart
from stackline.web.pages.graph import EDGE_WORDS


@bp.get("/companies/<slug>")
def company(slug: str) -> str:
    args = request.args
    as_of = parameters.day_until(args.get("as_of"), "as_of", today())
    known_on = parameters.known_on(args.get("known_on"))
    compare = (
        parameters.day_until(args.get("compare"), "compare", today())
        if args.get("compare")
        else None
    )
    page = companies.company_page(database(), slug, as_of, today(), known_on, compare)
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
    )


def _chart_end(as_of: date) -> date:
    return max(as_of, today()) + timedelta(days=1)
