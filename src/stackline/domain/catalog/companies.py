"""Companies: registration (their founding) and renames. A company is one unit, `company:<slug>`,
whose state is its name (and kind, and founding) over time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated, Any

from pydantic import Field

from stackline.domain.catalog.registry import REGISTRY, EventType, from_version, keyed_unit
from stackline.domain.errors import FieldProblem
from stackline.domain.payloads import MAX_LISTED, Aliases, CompanyKind, with_aliases
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


class CompanyAliasedPayload(Frozen):
    company: Slug
    aliases: Aliases


def _registered(state: CompanyState | None, record: EventRecord) -> CompanyState:
    p = record.payload
    return CompanyState(
        p["company"], p["name"], p.get("kind"), record.occurred, record.id,
        with_aliases((), p.get("aliases")),
    )  # fmt: skip


def _renamed(state: CompanyState | None, record: EventRecord) -> CompanyState | None:
    return replace(state, name=record.payload["name"]) if state is not None else None


def _aliased(state: CompanyState | None, record: EventRecord) -> CompanyState | None:
    if state is None:
        return None
    return replace(state, aliases=with_aliases(state.aliases, record.payload["aliases"]))


def _aliases_free(event: Any, context: Any) -> Iterator[FieldProblem]:
    """A company alias belongs to one company, and is no other company's name (from schema 3)."""
    slug = event.payload.company
    for index, alias in enumerate(event.payload.aliases or ()):
        holder = context.company_named(alias)
        if holder is not None and holder != slug:
            yield FieldProblem(
                f"payload.aliases.{index}", f"{alias!r} already names the company {holder!r}"
            )


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
        rules=(_once_and_first, from_version(3, _aliases_free)),
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
REGISTRY.register(
    EventType(
        "company.aliased",
        CompanyAliasedPayload,
        "A company is also known by other names (how a dataset spells it), from this date.",
        example={"company": "google", "aliases": ["Google DeepMind"]},
        unit=keyed_unit("company", "company"),
        effect=_aliased,
        rules=(from_version(3, _aliases_free),),
    )
)
