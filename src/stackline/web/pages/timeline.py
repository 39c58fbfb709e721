"""`/timeline` (filtered, paginated events) and `/events/<id>` (one event, every field)."""

from __future__ import annotations

from flask import abort, render_template, request

from stackline.domain.events import EVENT_TYPES
from stackline.services import parameters, timeline
from stackline.web.context import database
from stackline.web.pages import bp
from stackline.web.pages.formatting import page_position

PAGE_SIZE = 50
FILTER_KEYS = ("company", "layer", "type", "from", "to", "q")


@bp.get("/timeline")
def timeline_page() -> str:
    include_voided = request.args.get("include_voided", "1") != "0"
    chosen = parameters.event_filter(request.args, include_voided)
    after_seq = page_position(request.args.get("after_seq")) or 0
    page = timeline.list_events(database(), chosen, after_seq, PAGE_SIZE, count=True)
    export_query = {k: request.args[k] for k in FILTER_KEYS if request.args.get(k)}
    return render_template(
        "timeline.html",
        events=page.events,
        next_after=page.next_after_seq,
        after_seq=after_seq,
        total=page.total,
        chosen=chosen,
        args=request.args,
        companies=timeline.company_choices(database()),
        types=EVENT_TYPES,
        export_query=export_query,
    )


@bp.get("/events/<event_id>")
def event_page(event_id: str) -> str:
    page = timeline.event_page(database(), event_id[:64])
    if page is None:
        abort(404, description="No such event.")
    return render_template("event.html", event=page.event, voids=page.voids, names=page.names)
