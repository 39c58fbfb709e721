"""`/timeline` (filtered, paginated events) and `/events/<id>` (one event, every field)."""

from __future__ import annotations

from flask import abort, render_template, request

from stackline.domain.documents import FieldProblem, InvalidEvent
from stackline.domain.events import EVENT_TYPES
from stackline.services import stacks, timeline
from stackline.web.context import engine
from stackline.web.pages import bp
from stackline.web.pages.formatting import page_position

PAGE_SIZE = 50
FILTER_KEYS = ("company", "layer", "type", "from", "to", "q")


def filter_from_query() -> timeline.EventFilter:
    """The page's filters, from the query string (the same names the API and export use)."""
    args = request.args
    types = tuple(t for t in args.get("type", "").split(",") if t)
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        problem = FieldProblem("type", f"unknown event type {unknown[0][:60]!r}")
        raise InvalidEvent("bad type", [problem], status=400, code="bad_parameter")
    return timeline.EventFilter(
        company=args.get("company") or None,
        layer=args.get("layer") or None,
        types=types,
        from_day=stacks.parse_from_day(args["from"]) if args.get("from") else None,
        to_day=stacks.parse_as_of(args["to"], "to") if args.get("to") else None,
        q=(args.get("q") or "")[:200] or None,
        include_voided=args.get("include_voided", "1") != "0",
    )


@bp.get("/timeline")
def timeline_page() -> str | tuple[str, int]:
    try:
        chosen = filter_from_query()
    except InvalidEvent as error:
        return render_template("error.html", status=400, message=str(error)), 400
    after_seq = page_position(request.args.get("after_seq")) or 0
    events, next_after = timeline.list_events(engine(), chosen, after_seq, PAGE_SIZE)
    export_query = {k: request.args[k] for k in FILTER_KEYS if request.args.get(k)}
    return render_template(
        "timeline.html",
        events=events,
        next_after=next_after,
        after_seq=after_seq,
        total=timeline.count_events(engine(), chosen),
        chosen=chosen,
        args=request.args,
        companies=timeline.company_choices(engine()),
        types=EVENT_TYPES,
        export_query=export_query,
    )


@bp.get("/events/<event_id>")
def event_page(event_id: str) -> str:
    event = timeline.get_event(engine(), event_id[:64])
    if event is None:
        abort(404, description="No such event.")
    voids = timeline.voided_by_event(engine(), event["id"])
    return render_template("event.html", event=event, voids=voids, names=_names())


def _names() -> dict[str, str]:
    return dict(timeline.company_choices(engine()))
