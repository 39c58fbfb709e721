"""Hand-built event logs for the unit tests: stored-looking events, and the stacks they fold into."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from stackline.domain.catalog import REGISTRY
from stackline.domain.catalog.registry import SOME_ID as REGISTRY_SOME_ID
from stackline.domain.documents import parse_event
from stackline.domain.events import Event
from stackline.domain.fold import fold_footprint
from stackline.domain.footprint import Footprint, StackEntry
from stackline.domain.stack import Stack, compose_stack
from stackline.domain.values import Layer

FIRST_RECORDED = datetime(2030, 1, 1, tzinfo=UTC)

SOME_ID = REGISTRY_SOME_ID
# A minimal valid payload of every type: each registry entry's own example.
MINIMAL_PAYLOADS = {name: dict(entry.example) for name, entry in REGISTRY.items()}


def raw_event(
    type_: str = "company.registered", payload: dict[str, Any] | None = None, **fields: Any
) -> dict[str, Any]:
    """A client-side event document with a minimal valid payload of the type."""
    raw = {
        "type": type_,
        "occurred_on": "2024-05",
        "summary": "Something happened",
        "sources": [{"title": "A report"}],
        "payload": dict(MINIMAL_PAYLOADS[type_]) if payload is None else payload,
    }
    return {**raw, **fields}


def day(text: str) -> date:
    return date.fromisoformat(text)


def make_event(
    type_: str,
    occurred_on: str,
    payload: dict[str, Any],
    *,
    seq: int,
    recorded_at: datetime,
    id: UUID | None = None,
    supersedes: UUID | None = None,
    confidence: str = "confirmed",
) -> Event:
    """An event as the store would hold it, validated by the same parser the API uses."""
    raw: dict[str, Any] = {
        "id": str(id or uuid4()),
        "type": type_,
        "occurred_on": occurred_on,
        "summary": f"{type_} on {occurred_on}",
        "confidence": confidence,
        "sources": [{"title": "t"}],
        "payload": payload,
        "supersedes": str(supersedes) if supersedes else None,
        "seq": seq,
        "schema_version": 1,
        "recorded_at": recorded_at.isoformat(),
        "recorded_by": "tester",
    }
    return parse_event(raw)


class Log:
    """An append-only log: `seq` counts up, `recorded_at` moves one minute per event by default."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(
        self,
        type_: str,
        occurred_on: str,
        payload: dict[str, Any],
        *,
        recorded_at: datetime | None = None,
        **options: Any,
    ) -> Event:
        if recorded_at is None:
            last = self.events[-1].recorded_at if self.events else None
            recorded_at = (last or FIRST_RECORDED) + timedelta(minutes=1)
        event = make_event(
            type_,
            occurred_on,
            payload,
            seq=len(self.events) + 1,
            recorded_at=recorded_at,
            **options,
        )
        self.events.append(event)
        return event

    def register(
        self, slug: str, name: str | None = None, on: str = "1990", **options: Any
    ) -> Event:
        payload = {"company": slug, "name": name or slug.capitalize()}
        return self.add("company.registered", on, payload, **options)

    def rename(self, slug: str, name: str, on: str, **options: Any) -> Event:
        return self.add("company.renamed", on, {"company": slug, "name": name}, **options)

    def chip(
        self,
        company: str,
        chip: str,
        on: str,
        status: str = "available",
        partners: list[str] | None = None,
        **options: Any,
    ) -> Event:
        payload: dict[str, Any] = {"company": company, "chip": chip, "status": status}
        if partners:
            payload["partners"] = partners
        return self.add("chip.launched", on, payload, **options)

    def compute(
        self, company: str, facility: str, on: str, status: str = "available", **options: Any
    ) -> Event:
        payload = {"company": company, "facility": facility, "kind": "cloud", "status": status}
        return self.add("compute.launched", on, payload, **options)

    def model(self, company: str, model: str, on: str, **options: Any) -> Event:
        payload = {"company": company, "model": model, "access": "closed"}
        return self.add("model.released", on, payload, **options)

    def product(
        self, company: str, product: str, on: str, status: str = "available", **options: Any
    ) -> Event:
        payload = {"company": company, "product": product, "status": status}
        return self.add("product.launched", on, payload, **options)

    def retire(self, company: str, layer: str, asset: str, on: str, **options: Any) -> Event:
        payload = {"company": company, "layer": layer, "asset": asset}
        return self.add("asset.retired", on, payload, **options)

    def partnership(
        self,
        parties: list[str],
        layer: str,
        on: str,
        *,
        provider: str | None = None,
        asset: str | None = None,
        status: str = "active",
        ends_on: str | None = None,
        **options: Any,
    ) -> Event:
        payload: dict[str, Any] = {"parties": parties, "layer": layer, "status": status}
        for name, value in (("provider", provider), ("asset", asset), ("ends_on", ends_on)):
            if value is not None:
                payload[name] = value
        return self.add("partnership.formed", on, payload, **options)

    def end(self, partnership: Event, on: str, **options: Any) -> Event:
        return self.add("partnership.ended", on, {"partnership": str(partnership.id)}, **options)

    def acquire(self, acquirer: str, target: str, on: str, **options: Any) -> Event:
        payload = {"acquirer": acquirer, "target": target}
        return self.add("acquisition.completed", on, payload, **options)

    def invest(self, investor: str, investee: str, on: str, **options: Any) -> Event:
        payload = {"investor": investor, "investee": investee}
        return self.add("investment.made", on, payload, **options)

    def retract(self, event: Event, on: str, **options: Any) -> Event:
        payload = {"event": str(event.id), "reason": "wrong"}
        return self.add("event.retracted", on, payload, **options)

    def footprint(self, as_of: str, known_on: datetime | None = None) -> Footprint:
        return fold_footprint(self.events, day(as_of), known_on)

    def stack(self, slug: str, as_of: str, known_on: datetime | None = None) -> Stack:
        return compose_stack(self.footprint(as_of, known_on), slug, known_on)


def entries(stack: Stack, layer: str, relation: str | None = None) -> list[StackEntry]:
    return [e for e in stack.entries[Layer(layer)] if relation is None or e.relation == relation]


def assets(stack: Stack, layer: str, relation: str | None = None) -> list[str]:
    return [e.asset for e in entries(stack, layer, relation)]


def only_entry(stack: Stack, layer: str, relation: str | None = None) -> StackEntry:
    found = entries(stack, layer, relation)
    assert len(found) == 1, f"expected one {relation or ''} entry in {layer}, got {found}"
    return found[0]
