"""`/companies/<slug>`: the four-layer stack, its history, its events and a compare-to-date diff."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, render_template, request

from stackline.domain.dates import PartialDate
from stackline.domain.documents import InvalidEvent
from stackline.domain.values import LAYERS
from stackline.services import history, stacks, timeline
from stackline.web.context import engine, today
from stackline.web.pages import bp
from stackline.web.pages.charts import layer_chart


@bp.get("/companies/<slug>")
def company(slug: str) -> str | tuple[str, int]:
    try:
        as_of = stacks.parse_as_of(request.args.get("as_of"), default=today())
        known_on = stacks.parse_known_on(request.args.get("known_on"))
        compare = request.args.get("compare")
        compare_day = stacks.parse_as_of(compare, "compare") if compare else None
    except InvalidEvent as error:
        return render_template("error.html", status=400, message=str(error)), 400
    try:
        stack = stacks.stack_of(engine(), slug, as_of, known_on)
    except stacks.UnknownCompany:
        abort(404, description=f"No company {slug!r} is registered.")
    diff = diff_events = None
    if compare_day is not None:
        before, after = sorted((compare_day, as_of))
        diff = stacks.diff_of(engine(), slug, before, after, known_on)
        related = {slug, *diff.before.subsidiaries, *diff.after.subsidiaries}
        diff_events = timeline.events_between(engine(), related, before, after)
    points = history.layer_history(engine(), slug, max(as_of, today()), known_on)
    events, next_after = timeline.list_events(
        engine(), timeline.EventFilter(company=slug, include_voided=True), limit=200
    )
    return render_template(
        "company.html",
        stack=stack,
        slug=slug,
        layers=list(reversed(LAYERS)),
        as_of=as_of,
        known_on=request.args.get("known_on", ""),
        compare=compare or "",
        diff=diff,
        diff_events=diff_events,
        chart=layer_chart(points, as_of, _chart_end(as_of)),
        events=sorted(events, key=lambda e: (PartialDate.parse(e["occurred_on"]).start, e["seq"])),
        more_events=next_after is not None,
        names=dict(timeline.company_choices(engine())),
    )


def _chart_end(as_of: date) -> date:
    return max(as_of, today()) + timedelta(days=1)
