"""The supply chain (DESIGN §8): dated dependencies between assets, formed and ended.

A dependency is one unit, `dependency:<id of its forming event>`: an edge from the dependent
asset to the one it depends on, live from its date until it ends or its `ends_on` starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from stackline.domain.catalog.registry import (
    REGISTRY,
    SOME_ID,
    AssetPath,
    EventType,
    FollowUp,
    from_payload,
    own_unit,
    target_unit,
)
from stackline.domain.dates import PartialDate
from stackline.domain.errors import FieldProblem
from stackline.domain.payloads import AssetRef
from stackline.domain.records import EventRecord
from stackline.domain.units import DependencyState
from stackline.domain.values import Frozen, fold_name

DependencyKind = Literal["runs_on", "trained_on", "fine_tuned_from", "built_with"]


class DependencyFormedPayload(Frozen):
    """`from` depends on `on` (an application runs on a model, a model is trained on compute,
    compute is built with chips, a model is fine-tuned from another)."""

    model_config = ConfigDict(frozen=True, extra="forbid", serialize_by_alias=True,
                              validate_by_alias=True, validate_by_name=True)  # fmt: skip

    from_: AssetRef = Field(alias="from")
    on: AssetRef
    kind: DependencyKind
    status: Literal["announced", "active"]
    ends_on: PartialDate | None = None

    @model_validator(mode="after")
    def _not_on_itself(self) -> DependencyFormedPayload:
        if (self.from_.company, self.from_.layer, fold_name(self.from_.asset)) == (
            self.on.company, self.on.layer, fold_name(self.on.asset),
        ):  # fmt: skip
            raise ValueError("an asset cannot depend on itself")
        return self


class DependencyEndedPayload(Frozen):
    dependency: UUID


def _formed(state: DependencyState | None, record: EventRecord) -> DependencyState:
    p = record.payload
    ends = PartialDate.parse(p["ends_on"]).start if p.get("ends_on") else None
    dependent, on = p["from"], p["on"]
    return DependencyState(
        record.id, record.occurred,
        (dependent["company"], dependent["layer"], dependent["asset"]),
        (on["company"], on["layer"], on["asset"]), p["kind"], p["status"], ends,
    )  # fmt: skip


def _ended(state: Any, record: EventRecord) -> None:
    return None


def _both_assets_exist(event: Any, context: Any) -> Iterator[FieldProblem]:
    """Both assets must exist (launched, not retired) on the dependency's date."""
    day = event.occurred_on.start
    for side, ref in (("from", event.payload.from_), ("on", event.payload.on)):
        if not context.holds_asset(ref.company, ref.layer.value, ref.asset, day):
            yield FieldProblem(
                f"payload.{side}.asset",
                f"{ref.company!r} has no {ref.layer.value} asset {ref.asset!r} on {day}",
            )


REGISTRY.register(
    EventType(
        "dependency.formed",
        DependencyFormedPayload,
        "Supply chain: an asset starts to depend on another (runs on, trained on, built with…).",
        example={
            "from": {"company": "anysphere", "layer": "application", "asset": "Cursor"},
            "on": {"company": "anthropic", "layer": "model", "asset": "Claude"},
            "kind": "runs_on",
            "status": "active",
        },
        layer=from_payload("from", "layer"),
        unit=own_unit("dependency"),
        effect=_formed,
        rules=(_both_assets_exist,),
        names_assets=(
            AssetPath(("from", "company"), ("from", "layer"), ("from", "asset")),
            AssetPath(("on", "company"), ("on", "layer"), ("on", "asset")),
        ),
    )
)
REGISTRY.register(
    EventType(
        "dependency.ended",
        DependencyEndedPayload,
        "Supply chain: a dependency ends.",
        example={"dependency": SOME_ID},
        unit=target_unit("dependency", "dependency"),
        effect=_ended,
        follows=FollowUp("dependency.formed", "dependency", ("dependency.ended",)),
    )
)
