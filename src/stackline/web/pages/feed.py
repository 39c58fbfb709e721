"""`/feed.atom`: the 50 events recorded last that match `company`, `layer` and `type`, as Atom 1.0.

Written with the standard library's ElementTree, which escapes every text and attribute; an
entry's id is `urn:uuid:<event id>` (stable across servers), `updated` its `recorded_at`, and its
link the event page. Retractions and corrections are entries of their own, so a reader following
the feed learns when an earlier entry stopped being true.

Its links are absolute, built on `STACKLINE_PUBLIC_URL` when it is set; otherwise on the host the
request names, which is then part of the feed's ETag (`http_caching`), so a feed fetched under
one host name is never confirmed as fresh under another.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from flask import Response, current_app, request, url_for

from stackline.domain.documents import format_timestamp
from stackline.domain.money import describe_money
from stackline.services import parameters, timeline
from stackline.web.context import clock, database
from stackline.web.pages import bp

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILTERS = ("company", "layer", "type")


@bp.get("/feed.atom")
def atom_feed() -> Response:
    args = {key: request.args.get(key) for key in FEED_FILTERS}
    chosen = parameters.event_filter(args, include_voided=False)
    page = timeline.latest_recorded(database(), chosen)
    query = {key: value for key, value in args.items() if value}
    feed = _feed(page.events, query)
    body = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def _feed(events: list[dict[str, Any]], query: dict[str, str]) -> ElementTree.Element:
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    self_url = _absolute("pages.atom_feed", **query)
    described = ", ".join(f"{key} {value}" for key, value in query.items())
    _text(feed, "id", self_url)
    _text(feed, "title", "Stackline: new events" + (f" ({described})" if described else ""))
    _text(feed, "subtitle", "Moves of AI companies across the stack, as they are recorded")
    newest = events[0]["recorded_at"] if events else format_timestamp(clock().now())
    _text(feed, "updated", newest)
    _link(feed, self_url, "self", "application/atom+xml")
    _link(feed, _absolute("pages.timeline_page", sort="-date", **query), "alternate")
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Stackline")
    _text(feed, "generator", "Stackline")
    for event in events:
        feed.append(_entry(event))
    return feed


def _entry(event: dict[str, Any]) -> ElementTree.Element:
    entry = ElementTree.Element(f"{{{ATOM}}}entry")
    _text(entry, "id", f"urn:uuid:{event['id']}")
    _text(entry, "title", f"{event['occurred_on']}: {event['summary']}")
    _text(entry, "updated", event["recorded_at"])
    _text(entry, "published", event["recorded_at"])
    _link(entry, _absolute("pages.event_page", event_id=event["id"]), "alternate")
    for term in (event["type"], event.get("layer"), *(event.get("companies") or ())):
        if term:
            ElementTree.SubElement(entry, f"{{{ATOM}}}category", term=term)
    _text(entry, "summary", _summary(event))
    return entry


def _absolute(endpoint: str, **values: Any) -> str:
    public: str | None = current_app.config.get("PUBLIC_URL")
    if public:
        return public + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _summary(event: dict[str, Any]) -> str:
    lines = [f"{event['summary']} ({event['type']}, {event['occurred_on']})."]
    if event.get("details"):
        lines.append(event["details"])
    money = describe_money(event["payload"].get("amount"))
    if money:
        lines.append(f"Amount: {money}.")
    if event["confidence"] != "confirmed":
        lines.append(f"Confidence: {event['confidence']}.")
    sources = [source.get("url") or source.get("title") for source in event["sources"]]
    lines.append("Sources: " + "; ".join(s for s in sources if s))
    return "\n".join(lines)


def _text(parent: ElementTree.Element, tag: str, value: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}").text = value


def _link(parent: ElementTree.Element, href: str, rel: str, kind: str = "text/html") -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}link", href=href, rel=rel, type=kind)
