"""The log as a dataset import sees it: companies by every name and alias, ownership groups,
assets by every name and alias, and the events earlier imports derived from each row.

Read once at the start of an import; the assets an import launches join the index as it goes,
so a later row (a model trained on a chip) finds a chip launched by an earlier one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from stackline.domain.dates import PartialDate
from stackline.domain.values import fold_name
from stackline.store.reads import companies as company_reads
from stackline.store.reads import datasets as dataset_reads
from stackline.store.reads.datasets import DatasetEvent
from stackline.store.units_of_work import Reading


@dataclass
class KnownAsset:
    """An asset of the log (or of this import) as matching needs it."""

    unit: str
    owner: str
    layer: str
    name: str
    curated: bool  # launched by an event recorded by hand
    # (status, date, recorded by hand) of each live launch
    launches: list[tuple[str, PartialDate, bool]] = field(default_factory=list)

    def launched(self, status: str) -> list[PartialDate]:
        """When the curated log launched it with `status` (a dataset's own launches of it are
        not what a row is checked against: they are that row's, synced by slot)."""
        return [on for kind, on, curated in self.launches if kind == status and curated]

    @property
    def first(self) -> date:
        return min(on.start for _, on, _ in self.launches)


class AssetIndex:
    """Assets by (layer, folded name or alias)."""

    def __init__(self) -> None:
        self.by_name: dict[tuple[str, str], list[KnownAsset]] = defaultdict(list)
        self.by_unit: dict[str, KnownAsset] = {}

    def know(self, asset: KnownAsset, *names: str) -> None:
        self.by_unit.setdefault(asset.unit, asset)
        for name in (asset.name, *names):
            found = self.by_name[(asset.layer, fold_name(name))]
            if all(a.unit != asset.unit for a in found):
                found.append(asset)

    def find(self, layer: str, name: str, owners: set[str] | None = None) -> KnownAsset | None:
        """The one asset of `layer` named or aliased `name` (of one of `owners`, if given)."""
        found = [
            a for a in self.by_name.get((layer, fold_name(name)), [])
            if owners is None or a.owner in owners
        ]  # fmt: skip
        return found[0] if len(found) == 1 else None


@dataclass
class LogView:
    names: dict[str, str]  # folded company name or alias → slug
    parents: dict[str, str]  # company → its owner, on the snapshot's day
    assets: AssetIndex
    by_key: dict[tuple[str, str], list[DatasetEvent]]

    @classmethod
    def read(cls, uow: Reading, datasets: list[str], day: date) -> LogView:
        assets = AssetIndex()
        for launch in dataset_reads.asset_launches(uow):
            known = assets.by_unit.get(launch.unit) or KnownAsset(
                launch.unit, launch.owner, launch.layer, launch.name, launch.curated
            )
            known.curated = known.curated or launch.curated
            known.launches.append((launch.status, launch.occurred, launch.curated))
            assets.know(known, *launch.aliases)
        for unit, alias in dataset_reads.asset_aliases(uow):
            if unit in assets.by_unit:
                assets.know(assets.by_unit[unit], alias)
        by_key: dict[tuple[str, str], list[DatasetEvent]] = defaultdict(list)
        for stored in dataset_reads.dataset_events(uow, datasets):
            by_key[(stored.dataset, stored.key)].append(stored)
        return cls(
            dataset_reads.names_of_companies(uow),
            company_reads.parents_on(uow, day),
            assets,
            by_key,
        )

    def company(self, name: str) -> str | None:
        return self.names.get(fold_name(name))

    def top(self, slug: str) -> str:
        seen = {slug}
        while (parent := self.parents.get(slug)) is not None and parent not in seen:
            seen.add(parent)
            slug = parent
        return slug

    def group(self, slug: str) -> set[str]:
        """The companies under the same top-level owner as `slug` (itself included)."""
        top = self.top(slug)
        return {top, *(c for c in self.parents if self.top(c) == top)}
