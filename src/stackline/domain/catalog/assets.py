"""Assets: chips, compute, models and products — launched (announced or available), retired.

An asset is one unit, `asset:<owner>|<layer>|<folded name>`: a later launch of the same key
updates it (its status, its co-developers, its base model), a retirement removes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated, Any, Literal

from pydantic import Field

from stackline.domain.catalog.registry import (
    REGISTRY,
    AssetPath,
    EventType,
    asset_unit,
    fixed,
    from_payload,
    from_version,
    named_asset_unit,
)
from stackline.domain.dates import PartialDate
from stackline.domain.errors import FieldProblem
from stackline.domain.payloads import Aliases, AssetStatus, BaseModelRef, Partners, with_aliases
from stackline.domain.records import EventRecord
from stackline.domain.units import AssetState, Effect, asset_key
from stackline.domain.values import Frozen, Label, Layer, Name, Slug

Capacity = Annotated[float, Field(ge=0)]


class ChipLaunchedPayload(Frozen):
    company: Slug
    chip: Name
    aliases: Aliases | None = None
    partners: Partners | None = None
    purpose: Literal["training", "inference", "both"] | None = None
    status: AssetStatus
    target_on: PartialDate | None = None


class ComputeLaunchedPayload(Frozen):
    company: Slug
    facility: Name
    aliases: Aliases | None = None
    kind: Literal["cloud", "datacenter", "supercomputer"]
    location: Label | None = None
    capacity_mw: Capacity | None = None
    h100e: Capacity | None = None
    chip_count: Capacity | None = None
    partners: Partners | None = None
    status: AssetStatus
    target_on: PartialDate | None = None


class ModelReleasedPayload(Frozen):
    company: Slug
    model: Name
    aliases: Aliases | None = None
    access: Literal["open_weights", "fully_open", "closed", "unreleased"]
    base_model: BaseModelRef | None = None
    partners: Partners | None = None
    # Unset means available: releases recorded before models could be announced hash as they did.
    status: AssetStatus | None = None
    target_on: PartialDate | None = None


class ProductLaunchedPayload(Frozen):
    company: Slug
    product: Name
    aliases: Aliases | None = None
    kind: Label | None = None
    status: AssetStatus


class AssetRetiredPayload(Frozen):
    company: Slug
    layer: Layer
    asset: Name


class AssetAliasedPayload(Frozen):
    company: Slug
    layer: Layer
    asset: Name
    aliases: Aliases


class ComputeExpandedPayload(Frozen):
    """A facility's capacity from this date: a phase online (`available`), or one planned."""

    company: Slug
    facility: Name
    capacity_mw: Capacity | None = None
    h100e: Capacity | None = None
    status: AssetStatus
    target_on: PartialDate | None = None


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
        sizes = _sizes(p)
        if state is None:
            return AssetState(
                p["company"], layer.value, p[name_field], asset_kind, status, on, (record.id,),
                partners, base, on if base else None, record.id if base else None,
                aliases=with_aliases((), p.get("aliases")), **sizes,
                announced_on=on if status == "announced" else None,
                available_on=on if status == "available" else None,
                sized_by=(record.id,) if layer is Layer.COMPUTE else (),
            )  # fmt: skip
        known = {slug for slug, _ in state.partners}
        later_base = state.base is None and base is not None
        # One replace: launches are the most common events, and each replace is a new object.
        return replace(
            state, name=p[name_field], kind=asset_kind, status=status,
            event_ids=(*state.event_ids, record.id),
            partners=state.partners + tuple(x for x in partners if x[0] not in known),
            ends=None,
            base=base if later_base else state.base,
            base_since=on if later_base else state.base_since,
            base_event=record.id if later_base else state.base_event,
            aliases=with_aliases(state.aliases, p.get("aliases")), **sizes,
            announced_on=state.announced_on or (on if status == "announced" else None),
            available_on=state.available_on or (on if status == "available" else None),
            sized_by=(*state.sized_by, record.id) if layer is Layer.COMPUTE else (),
        )  # fmt: skip

    return effect


def _sizes(payload: dict[str, Any]) -> dict[str, Any]:
    """A facility's size, field by field from the newest event that gives it."""
    return {f: payload[f] for f in ("capacity_mw", "h100e", "chip_count") if f in payload}


def _aliased(state: AssetState | None, record: EventRecord) -> AssetState | None:
    if state is None:
        return None
    return replace(state, aliases=with_aliases(state.aliases, record.payload["aliases"]))


def _expanded(state: AssetState | None, record: EventRecord) -> AssetState | None:
    """An available expansion sizes the facility from its date (and makes an announced one
    available); an announced one is a plan and changes nothing yet."""
    if state is None or record.payload["status"] != "available":
        return state
    on = record.occurred
    becomes_available = state.status != "available"
    return replace(
        state, status="available", **_sizes(record.payload),
        event_ids=(*state.event_ids, record.id) if becomes_available else state.event_ids,
        available_on=state.available_on or on, sized_by=(*state.sized_by, record.id),
    )  # fmt: skip


def _retired(state: AssetState | None, record: EventRecord) -> None:
    return None


def _held_on_its_date(event: Any, context: Any) -> Iterator[FieldProblem]:
    p, day = event.payload, event.occurred_on.start
    if not context.holds_asset(p.company, p.layer.value, p.asset, day):
        yield FieldProblem(
            "payload.asset", f"{p.company!r} holds no {p.layer.value} asset {p.asset!r} on {day}"
        )


def _facility_held(event: Any, context: Any) -> Iterator[FieldProblem]:
    p, day = event.payload, event.occurred_on.start
    if not context.holds_asset(p.company, Layer.COMPUTE.value, p.facility, day):
        yield FieldProblem(
            "payload.facility", f"{p.company!r} has no compute facility {p.facility!r} on {day}"
        )


def _aliases_free(event: Any, context: Any) -> Iterator[FieldProblem]:
    """Within one company and layer, an alias names one asset and is no other asset's name."""
    entry, p = REGISTRY[event.type], event.payload
    if not p.aliases:
        return
    layer = entry.fixed_layer.value if entry.fixed_layer else p.layer.value
    own = p.asset if entry.asset_field is None else getattr(p, entry.asset_field)
    unit = "asset:" + asset_key(p.company, layer, own)
    for index, alias in enumerate(p.aliases or ()):
        holder = context.asset_named(p.company, layer, alias)
        if holder is not None and holder != unit:
            name = holder.rsplit("|", 1)[-1]
            yield FieldProblem(
                f"payload.aliases.{index}", f"{alias!r} already names {p.company!r}'s {name!r}"
            )


def _launch_type(
    name: str, payload: type[Frozen], doc: str, layer: Layer, name_field: str,
    kind: str | None, example: dict[str, Any], default_status: str | None = None,
) -> EventType:  # fmt: skip
    """A launch type of `layer`, whose payload names its asset in `name_field`."""
    return EventType(
        name, payload, doc, example=example, layer=fixed(layer),
        unit=asset_unit(layer, name_field), effect=launch(layer, name_field, kind),
        rules=(from_version(3, _aliases_free),), default_status=default_status,
        fixed_layer=layer, asset_field=name_field, launches=True,
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
        names_assets=(AssetPath(("company",), ("layer",), ("asset",)),),
    )
)
REGISTRY.register(
    EventType(
        "asset.aliased",
        AssetAliasedPayload,
        "An asset is also known by other names (how a dataset spells it).",
        example={
            "company": "nvidia",
            "layer": "hardware",
            "asset": "H100",
            "aliases": ["NVIDIA H100 SXM5 80GB"],
        },
        layer=from_payload("layer"),
        unit=named_asset_unit,
        effect=_aliased,
        rules=(_held_on_its_date, from_version(3, _aliases_free)),
        names_assets=(AssetPath(("company",), ("layer",), ("asset",)),),
    )
)
REGISTRY.register(
    EventType(
        "compute.expanded",
        ComputeExpandedPayload,
        "Compute: a facility grows (a phase online) or plans to, from this date.",
        example={
            "company": "xai",
            "facility": "Colossus",
            "capacity_mw": 300,
            "status": "available",
        },
        layer=fixed(Layer.COMPUTE),
        unit=asset_unit(Layer.COMPUTE, "facility"),
        effect=_expanded,
        rules=(_facility_held,),
        fixed_layer=Layer.COMPUTE,
        asset_field="facility",
        names_assets=(AssetPath(("company",), "compute", ("facility",)),),
    )
)
