"""Pieces several payloads share: company kinds, asset statuses, bounded lists, asset references.

Each type's own payload model is declared beside its registry entry (`catalog/`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from stackline.domain.values import Frozen, Layer, Name, Slug, fold_name

CompanyKind = Literal[
    "lab", "hyperscaler", "chipmaker", "neocloud", "app", "conglomerate", "academic",
    "government", "other",
]  # fmt: skip
AssetStatus = Literal["announced", "available"]
# Every list is bounded: a write is checked under the write lock, so its cost must be bounded.
MAX_LISTED = 20
Partners = Annotated[tuple[Slug, ...], Field(max_length=MAX_LISTED)]
# Other names of a company or an asset (how a dataset spells it).
MAX_ALIASES = 50
Aliases = Annotated[tuple[Name, ...], Field(min_length=1, max_length=MAX_ALIASES)]


def with_aliases(known: tuple[str, ...], added: object) -> tuple[str, ...]:
    """`known` and the new names of `added` (a list or None), each folded name once, in order."""
    if not added:
        return known
    seen = {fold_name(name) for name in known}
    found = list(known)
    for name in added if isinstance(added, list | tuple) else ():
        if fold_name(name) not in seen:
            seen.add(fold_name(name))
            found.append(name)
    return tuple(found)


class BaseModelRef(Frozen):
    company: Slug | None = None
    model: Name


class AssetRef(Frozen):
    """An asset named by its owner, its layer and its name (matched as launches match it)."""

    company: Slug
    layer: Layer
    asset: Name
