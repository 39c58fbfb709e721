"""`/timeline` (filtered, paginated events) and `/events/<id>` (one event, every field)."""

from __future__ import annotations

from flask import abort, render_template, request

from stackline.domain.events import EVENT_TYPES
from stackline.services import parameters, timeline
from stackline.web.context import database
from stackline.web.pages import bp
from stackline.web.pages.feed import FEED_FILTERS

PAGE_SIZE = 50
PAGE_SORT = "date"  # the page reads as a timeline: oldest first, by effective date
FILTER_KEYS = ("company", "layer", "type", "from", "to", "q", "origin")
# Where events come from, as the timeline's filter offers it.
ORIGINS = (("none", "Curated by Stackline"), ("epoch-ai", "Epoch AI datasets"))


@bp.get("/timeline")
def timeline_page() -> str:
    args = request.args
    include_voided = args.get("include_voided") == "1"  # live events only, as everywhere
    chosen = parameters.event_filter(args, include_voided)
    sort = parameters.event_order(args.get("sort") or PAGE_SORT)
    after = parameters.cursor(args.get("cursor"))
    page = timeline.list_events(database(), chosen, after, PAGE_SIZE, count=True, order=sort)
    export_query = {k: args[k] for k in FILTER_KEYS if args.get(k)}
    export_query["include_voided"] = "true" if include_voided else "false"  # as the page shows
    feed_query = {k: args[k] for k in FEED_FILTERS if args.get(k)}
    companies = timeline.company_choices(database())
    return render_template(
        "timeline.html",
        events=page.events,
        next_cursor=page.next_cursor,
        total=page.total,
        chosen=chosen,
        args=args,
        sort=sort,
        companies=companies,
        names=dict(companies),
        types=EVENT_TYPES,
        origins=ORIGINS,
        export_query=export_query,
        include_voided=include_voided,
        feed_query=feed_query,
    )


@bp.get("/events/<event_id>")
def event_page(event_id: str) -> str:
    page = timeline.event_page(database(), event_id[:64])
    if page is None:
        abort(404, description="No such event.")
    return render_template("event.html", event=page.event, voids=page.voids, names=page.names)
