"""Companies: registration (their founding) and renames. A company is one unit, `company:<slug>`,
whose state is its name (and kind, and founding) over time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated, Any

from pydantic import Field

from stackline.domain.catalog.registry import REGISTRY, EventType, keyed_unit
from stackline.domain.errors import FieldProblem
from stackline.domain.payloads import MAX_LISTED, CompanyKind
from stackline.domain.records import EventRecord
from stackline.domain.units import CompanyState
from stackline.domain.values import Frozen, Name, Slug


class CompanyRegisteredPayload(Frozen):
    company: Slug
    name: Name
    kind: CompanyKind | None = None
    aliases: Annotated[tuple[Name, ...], Field(max_length=MAX_LISTED)] | None = None


class CompanyRenamedPayload(Frozen):
    company: Slug
    name: Name


def _registered(state: CompanyState | None, record: EventRecord) -> CompanyState:
    p = record.payload
    return CompanyState(p["company"], p["name"], p.get("kind"), record.occurred, record.id)


def _renamed(state: CompanyState | None, record: EventRecord) -> CompanyState | None:
    return replace(state, name=record.payload["name"]) if state is not None else None


def _once_and_first(event: Any, context: Any) -> Iterator[FieldProblem]:
    """A company is registered once, and no earlier than any event naming it."""
    slug = event.payload.company
    if context.founding(slug) is not None:
        yield FieldProblem("payload.company", f"{slug!r} is already registered")
        return
    first = context.earliest_reference(slug)
    if first is not None and first < event.occurred_on.start:
        yield FieldProblem("occurred_on", f"events name this company from {first}")


REGISTRY.register(
    EventType(
        "company.registered",
        CompanyRegisteredPayload,
        "A company appears (its founding).",
        example={"company": "openai", "name": "OpenAI"},
        unit=keyed_unit("company", "company"),
        effect=_registered,
        rules=(_once_and_first,),
        registers="company",
    )
)
REGISTRY.register(
    EventType(
        "company.renamed",
        CompanyRenamedPayload,
        "A company takes a new name.",
        example={"company": "facebook", "name": "Meta"},
        unit=keyed_unit("company", "company"),
        effect=_renamed,
    )
)
