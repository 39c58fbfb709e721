"""Raw event documents for store tests, as a client would send them."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

SOURCE = [{"title": "Test source", "url": "https://example.com/a", "publisher": None}]


def event(
    event_type: str, occurred_on: str, payload: dict[str, Any], **envelope: Any
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": str(uuid4()),
        "type": event_type,
        "occurred_on": occurred_on,
        "summary": f"{event_type} on {occurred_on}",
        "sources": SOURCE,
        "payload": payload,
    }
    document.update(envelope)
    return document


def registered(
    slug: str, founded: str = "2000", name: str | None = None, **envelope: Any
) -> dict[str, Any]:
    return event(
        "company.registered", founded, {"company": slug, "name": name or slug.title()}, **envelope
    )


def launched(kind: str, company: str, name: str, on: str, **payload: Any) -> dict[str, Any]:
    """A launch: kind is chip, compute, model or product."""
    if kind == "chip":
        body = {"company": company, "chip": name, "status": "available"}
    elif kind == "compute":
        body = {"company": company, "facility": name, "kind": "datacenter", "status": "available"}
    elif kind == "model":
        body = {"company": company, "model": name, "access": "closed"}
    else:
        body = {"company": company, "product": name, "status": "available"}
    body.update(payload)
    type_name = {"chip": "chip.launched", "compute": "compute.launched", "model": "model.released"}
    return event(type_name.get(kind, "product.launched"), on, body)


def acquired(acquirer: str, target: str, on: str) -> dict[str, Any]:
    return event("acquisition.completed", on, {"acquirer": acquirer, "target": target})


def partnered(parties: list[str], layer: str, on: str, **payload: Any) -> dict[str, Any]:
    return event(
        "partnership.formed",
        on,
        {"parties": parties, "layer": layer, "status": "active", **payload},
    )


def invested(investor: str, investee: str, on: str) -> dict[str, Any]:
    return event("investment.made", on, {"investor": investor, "investee": investee})


def retracted(target_id: str, on: str = "2026-01-01") -> dict[str, Any]:
    return event("event.retracted", on, {"event": target_id, "reason": "wrong"})
