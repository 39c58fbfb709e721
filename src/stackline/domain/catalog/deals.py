"""Deals between companies: partnerships (formed, activated, ended), acquisitions (announced,
completed, abandoned) and investments.

A partnership is one unit, `partnership:<id of its forming event>`; a company's ownership is
one, `parent:<target>` (each completed acquisition of it replaces the parent); an investor's
stake in an investee is one, `stake:<investor>|<investee>`. Announcements and abandonments of
acquisitions change no projection: they are plans and their outcomes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Literal
from uuid import UUID

from pydantic import Field, model_validator

from stackline.domain.catalog.registry import (
    REGISTRY,
    SOME_ID,
    AssetPath,
    EventType,
    FollowUp,
    from_payload,
    keyed_unit,
    own_unit,
    target_unit,
)
from stackline.domain.dates import PartialDate
from stackline.domain.errors import FieldProblem
from stackline.domain.payloads import MAX_LISTED
from stackline.domain.records import EventRecord
from stackline.domain.units import LinkState, PartnershipState, StakeState
from stackline.domain.values import Frozen, Layer, Money, Name, Slug, Text


class PartnershipFormedPayload(Frozen):
    parties: tuple[Slug, ...] = Field(min_length=2, max_length=MAX_LISTED)
    layer: Layer
    provider: Slug | None = None
    asset: Name | None = None
    amount: Money | None = None
    ends_on: PartialDate | None = None
    status: Literal["announced", "active"]
    target_on: PartialDate | None = None

    @model_validator(mode="after")
    def _parties_are_distinct_and_include_provider(self) -> PartnershipFormedPayload:
        if len(set(self.parties)) != len(self.parties):
            raise ValueError("parties must be distinct companies")
        if self.provider is not None and self.provider not in self.parties:
            raise ValueError("provider must be one of the parties")
        return self


class PartnershipActivatedPayload(Frozen):
    partnership: UUID


class PartnershipEndedPayload(Frozen):
    partnership: UUID


class _Acquisition(Frozen):
    acquirer: Slug
    target: Slug
    amount: Money | None = None
    terms: Literal["cash", "stock", "mixed"] | None = None

    @model_validator(mode="after")
    def _acquirer_is_not_target(self) -> _Acquisition:
        if self.acquirer == self.target:
            raise ValueError("acquirer and target must be different companies")
        return self


class AcquisitionAnnouncedPayload(_Acquisition):
    target_on: PartialDate | None = None


class AcquisitionCompletedPayload(_Acquisition):
    pass


class AcquisitionAbandonedPayload(Frozen):
    announcement: UUID
    reason: Text | None = None


class InvestmentMadePayload(Frozen):
    investor: Slug
    investee: Slug
    amount: Money | None = None
    stake_pct: float | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _investor_is_not_investee(self) -> InvestmentMadePayload:
        if self.investor == self.investee:
            raise ValueError("investor and investee must be different companies")
        return self


# --- effects ---------------------------------------------------------------------------------
def money_text(amount: dict[str, Any] | None) -> str | None:
    """A Money as canonical JSON text (facts are frozen and compared as values)."""
    return json.dumps(amount, sort_keys=True, separators=(",", ":")) if amount else None


def _formed(state: PartnershipState | None, record: EventRecord) -> PartnershipState:
    p = record.payload
    ends = PartialDate.parse(p["ends_on"]).start if p.get("ends_on") else None
    return PartnershipState(
        record.id, record.occurred, tuple(p["parties"]), p["layer"], p.get("provider"),
        p.get("asset"), p["status"], ends,
        record.occurred if p["status"] == "active" else None,
        money_text(p.get("amount")),
    )  # fmt: skip


def _activated(state: PartnershipState | None, record: EventRecord) -> PartnershipState | None:
    if state is None:
        return None
    return replace(state, status="active", active_on=state.active_on or record.occurred)


def _ended(state: Any, record: EventRecord) -> None:
    return None


def _acquired(state: LinkState | None, record: EventRecord) -> LinkState:
    p = record.payload
    return LinkState(p["target"], p["acquirer"], record.occurred, record.id)


def _invested(state: StakeState | None, record: EventRecord) -> StakeState:
    p = record.payload
    if state is None:
        return StakeState(p["investor"], p["investee"], record.occurred, (record.id,))
    return replace(state, event_ids=(*state.event_ids, record.id))


# --- rules -----------------------------------------------------------------------------------
def _not_active_from_start(event: Any, target: Any, context: Any) -> Iterator[FieldProblem]:
    if target.payload.status == "active":
        yield FieldProblem("payload.partnership", "the partnership was active from the start")


def _not_completed(event: Any, target: Any, context: Any) -> Iterator[FieldProblem]:
    deal = target.payload
    if context.acquired_since(deal.acquirer, deal.target, target.occurred_on.start):
        yield FieldProblem(
            "payload.announcement", "the acquisition was completed: it cannot be abandoned"
        )


def _no_ownership_cycle(event: Any, context: Any) -> Iterator[FieldProblem]:
    """Refuse a link that makes the target its own owner on its date or any later one."""
    acquirer, target = event.payload.acquirer, event.payload.target
    ancestors = context.ever_ancestors(acquirer)
    if target not in ancestors:
        return
    start = event.occurred_on.start
    for day in [start, *context.ownership_change_dates(ancestors | {acquirer}, start)]:
        if target in context.parent_chain(acquirer, day):
            yield FieldProblem(
                "payload.target", f"{target!r} owns {acquirer!r} on {day}: an ownership cycle"
            )
            return


# --- the entries -----------------------------------------------------------------------------
REGISTRY.register(
    EventType(
        "partnership.formed",
        PartnershipFormedPayload,
        "Companies partner in one layer (one of them may be the provider).",
        example={"parties": ["openai", "microsoft"], "layer": "compute", "status": "active"},
        layer=from_payload("layer"),
        unit=own_unit("partnership"),
        effect=_formed,
        names_assets=(AssetPath(("provider",), ("layer",), ("asset",)),),
    )
)
REGISTRY.register(
    EventType(
        "partnership.activated",
        PartnershipActivatedPayload,
        "An announced partnership starts: its entries are active from this date.",
        example={"partnership": SOME_ID},
        unit=target_unit("partnership", "partnership"),
        effect=_activated,
        follows=FollowUp(
            "partnership.formed",
            "partnership",
            ("partnership.ended", "partnership.activated"),
            _not_active_from_start,
        ),
    )
)
REGISTRY.register(
    EventType(
        "partnership.ended",
        PartnershipEndedPayload,
        "A partnership ends.",
        example={"partnership": SOME_ID},
        unit=target_unit("partnership", "partnership"),
        effect=_ended,
        follows=FollowUp("partnership.formed", "partnership", ("partnership.ended",)),
    )
)
REGISTRY.register(
    EventType(
        "acquisition.announced",
        AcquisitionAnnouncedPayload,
        "An acquisition is announced (no effect on stacks yet).",
        example={"acquirer": "xai", "target": "x"},
        default_status="announced",
    )
)
REGISTRY.register(
    EventType(
        "acquisition.completed",
        AcquisitionCompletedPayload,
        "An acquisition completes: the target becomes a subsidiary.",
        example={"acquirer": "xai", "target": "x"},
        unit=keyed_unit("parent", "target"),
        effect=_acquired,
        rules=(_no_ownership_cycle,),
    )
)
REGISTRY.register(
    EventType(
        "acquisition.abandoned",
        AcquisitionAbandonedPayload,
        "An announced acquisition is called off (the announcement stays true).",
        example={"announcement": SOME_ID},
        follows=FollowUp(
            "acquisition.announced",
            "announced acquisition",
            ("acquisition.abandoned",),
            _not_completed,
        ),
    )
)
REGISTRY.register(
    EventType(
        "investment.made",
        InvestmentMadePayload,
        "An investment: the investor gains a stake.",
        example={"investor": "microsoft", "investee": "openai"},
        unit=keyed_unit("stake", "investor", "investee"),
        effect=_invested,
    )
)
