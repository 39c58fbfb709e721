"""Pieces several payloads share: company kinds, asset statuses, bounded lists, asset references.

Each type's own payload model is declared beside its registry entry (`catalog/`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from stackline.domain.values import Frozen, Layer, Name, Slug

CompanyKind = Literal["lab", "hyperscaler", "chipmaker", "neocloud", "app", "conglomerate", "other"]
AssetStatus = Literal["announced", "available"]
# Every list is bounded: a write is checked under the write lock, so its cost must be bounded.
MAX_LISTED = 20
Partners = Annotated[tuple[Slug, ...], Field(max_length=MAX_LISTED)]


class BaseModelRef(Frozen):
    company: Slug | None = None
    model: Name


class AssetRef(Frozen):
    """An asset named by its owner, its layer and its name (matched as launches match it)."""

    company: Slug
    layer: Layer
    asset: Name
