"""Assets: chips, compute, models and products — launched (announced or available), retired.

An asset is one unit, `asset:<owner>|<layer>|<folded name>`: a later launch of the same key
updates it (its status, its co-developers, its base model), a retirement removes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Literal

from pydantic import Field

from stackline.domain.catalog.registry import (
    REGISTRY,
    EventType,
    asset_unit,
    fixed,
    from_payload,
    named_asset_unit,
)
from stackline.domain.dates import PartialDate
from stackline.domain.errors import FieldProblem
from stackline.domain.payloads import AssetStatus, BaseModelRef, Partners
from stackline.domain.records import EventRecord
from stackline.domain.units import AssetState, Effect
from stackline.domain.values import Frozen, Label, Layer, Name, Slug


class ChipLaunchedPayload(Frozen):
    company: Slug
    chip: Name
    partners: Partners | None = None
    purpose: Literal["training", "inference", "both"] | None = None
    status: AssetStatus
    target_on: PartialDate | None = None


class ComputeLaunchedPayload(Frozen):
    company: Slug
    facility: Name
    kind: Literal["cloud", "datacenter", "supercomputer"]
    location: Label | None = None
    capacity_mw: float | None = Field(default=None, ge=0)
    partners: Partners | None = None
    status: AssetStatus
    target_on: PartialDate | None = None


class ModelReleasedPayload(Frozen):
    company: Slug
    model: Name
    access: Literal["open_weights", "fully_open", "closed"]
    base_model: BaseModelRef | None = None
    # Unset means available: releases recorded before models could be announced hash as they did.
    status: AssetStatus | None = None
    target_on: PartialDate | None = None


class ProductLaunchedPayload(Frozen):
    company: Slug
    product: Name
    kind: Label | None = None
    status: AssetStatus


class AssetRetiredPayload(Frozen):
    company: Slug
    layer: Layer
    asset: Name


def launch(layer: Layer, name_field: str, kind: str | None = None) -> Effect:
    """A launch creates its asset, or updates it: the newest name, kind and status; the
    co-developers of every launch, each from the first that named it; the first base model."""

    def effect(state: AssetState | None, record: EventRecord) -> AssetState:
        p, on = record.payload, record.occurred
        asset_kind = kind or p.get("kind") or "product"
        status = REGISTRY[record.type].status_of(p) or "available"
        partners = tuple((slug, on) for slug in p.get("partners") or ())
        base_model = p.get("base_model")
        base = (base_model.get("company"), base_model["model"]) if base_model else None
        if state is None:
            return AssetState(
                p["company"], layer.value, p[name_field], asset_kind, status, on, (record.id,),
                partners, base, on if base else None, record.id if base else None, on,
            )  # fmt: skip
        known = {slug for slug, _ in state.partners}
        if state.base is None and base is not None:
            state = replace(state, base=base, base_since=on, base_event=record.id)
        return replace(
            state, name=p[name_field], kind=asset_kind, status=status,
            event_ids=(*state.event_ids, record.id),
            partners=state.partners + tuple(x for x in partners if x[0] not in known),
            status_since=state.status_since if status == state.status else on, ends=None,
        )  # fmt: skip

    return effect


def _retired(state: AssetState | None, record: EventRecord) -> None:
    return None


def _held_on_its_date(event: Any, context: Any) -> Iterator[FieldProblem]:
    p, day = event.payload, event.occurred_on.start
    if not context.holds_asset(p.company, p.layer.value, p.asset, day):
        yield FieldProblem(
            "payload.asset", f"{p.company!r} holds no {p.layer.value} asset {p.asset!r} on {day}"
        )


def _launch_type(
    name: str, payload: type[Frozen], doc: str, layer: Layer, name_field: str,
    kind: str | None, example: dict[str, Any], default_status: str | None = None,
) -> EventType:  # fmt: skip
    """A launch type of `layer`, whose payload names its asset in `name_field`."""
    return EventType(
        name, payload, doc, example=example, layer=fixed(layer),
        unit=asset_unit(layer, name_field), effect=launch(layer, name_field, kind),
        default_status=default_status, fixed_layer=layer, asset_field=name_field,
    )  # fmt: skip


REGISTRY.register(
    _launch_type(
        "chip.launched",
        ChipLaunchedPayload,
        "Hardware: an accelerator or chip is announced or ships.",
        Layer.HARDWARE,
        "chip",
        "chip",
        {"company": "nvidia", "chip": "H100", "status": "available"},
    )
)
REGISTRY.register(
    _launch_type(
        "compute.launched",
        ComputeLaunchedPayload,
        "Compute: a cloud, data centre or supercomputer is announced or opens.",
        Layer.COMPUTE,
        "facility",
        None,
        {"company": "xai", "facility": "Colossus", "kind": "supercomputer", "status": "announced"},
    )
)
REGISTRY.register(
    _launch_type(
        "model.released",
        ModelReleasedPayload,
        "Model: a foundation model is released.",
        Layer.MODEL,
        "model",
        "model",
        {"company": "meta", "model": "Llama 3", "access": "open_weights"},
        default_status="available",
    )
)
REGISTRY.register(
    _launch_type(
        "product.launched",
        ProductLaunchedPayload,
        "Application: an end-user product is announced or launched.",
        Layer.APPLICATION,
        "product",
        None,
        {"company": "openai", "product": "ChatGPT", "status": "available"},
    )
)
REGISTRY.register(
    EventType(
        "asset.retired",
        AssetRetiredPayload,
        "An asset is retired and leaves the company's stack.",
        example={"company": "openai", "layer": "model", "asset": "GPT-3"},
        layer=from_payload("layer"),
        unit=named_asset_unit,
        effect=_retired,
        rules=(_held_on_its_date,),
    )
)
