"""The payload of every event type in the catalog (DESIGN §2), one frozen model each."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from stackline.domain.dates import PartialDate
from stackline.domain.values import Frozen, Label, Layer, Money, Name, Slug, Text, fold_name

CompanyKind = Literal["lab", "hyperscaler", "chipmaker", "neocloud", "app", "conglomerate", "other"]
AssetStatus = Literal["announced", "available"]
# Every list is bounded: a write is checked under the write lock, so its cost must be bounded.
MAX_LISTED = 20
Partners = Annotated[tuple[Slug, ...], Field(max_length=MAX_LISTED)]


class CompanyRegisteredPayload(Frozen):
    company: Slug
    name: Name
    kind: CompanyKind | None = None
    aliases: Annotated[tuple[Name, ...], Field(max_length=MAX_LISTED)] | None = None


class CompanyRenamedPayload(Frozen):
    company: Slug
    name: Name


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


class BaseModelRef(Frozen):
    company: Slug | None = None
    model: Name


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


class AssetRef(Frozen):
    """An asset named by its owner, its layer and its name (matched as launches match it)."""

    company: Slug
    layer: Layer
    asset: Name


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


class EventRetractedPayload(Frozen):
    event: UUID
    reason: Text = Field(min_length=1)


LaunchPayload = (
    ChipLaunchedPayload | ComputeLaunchedPayload | ModelReleasedPayload | ProductLaunchedPayload
)
LAUNCH_PAYLOADS = (
    ChipLaunchedPayload, ComputeLaunchedPayload, ModelReleasedPayload, ProductLaunchedPayload
)  # fmt: skip


def launched_asset(payload: LaunchPayload) -> tuple[Layer, str, str]:
    """The (layer, asset name, asset kind) that a launch event creates or updates."""
    if isinstance(payload, ChipLaunchedPayload):
        return Layer.HARDWARE, payload.chip, "chip"
    if isinstance(payload, ComputeLaunchedPayload):
        return Layer.COMPUTE, payload.facility, payload.kind
    if isinstance(payload, ModelReleasedPayload):
        return Layer.MODEL, payload.model, "model"
    return Layer.APPLICATION, payload.product, payload.kind or "product"
