"""What a dataset import needs to know of the log, and the record of each import run.

- `company_names`: every name and alias a company has had, folded, to the company;
- `asset_launches`: every live launch (and alias) of every asset, with its origin, so a dataset
  row can be matched to a curated asset by name or alias within an ownership group;
- `dataset_events`: the events a dataset's rows gave in earlier imports, live or voided, and
  what voided them, so a later snapshot supersedes exactly what changed;
- `dataset_runs`: each import's files, counts and the seqs it wrote.
These read whole indexes once per import (imports are rare and batch-sized).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import func, insert, select

from stackline.domain.catalog import REGISTRY
from stackline.domain.dates import PartialDate
from stackline.domain.records import RETRACTION
from stackline.store.tables import aliases, company_names, dataset_runs, events, voids
from stackline.store.units_of_work import Reading, Writing

LAUNCH_TYPES = tuple(name for name, entry in REGISTRY.items() if entry.launches)


def names_of_companies(uow: Reading) -> dict[str, str]:
    """Folded name or alias → company slug, for every name and alias ever recorded."""
    found: dict[str, str] = {}
    for company, key in uow.connection.execute(
        select(company_names.c.company, company_names.c.name_key)
    ):
        found.setdefault(key, company)
    query = select(aliases.c.company, aliases.c.alias_key).where(aliases.c.layer.is_(None))
    for company, key in uow.connection.execute(query):
        found.setdefault(key, company)
    return found


@dataclass(frozen=True)
class StoredLaunch:
    """One live launch of an asset, as matching needs it."""

    unit: str
    owner: str
    layer: str
    name: str
    status: str
    occurred: PartialDate
    curated: bool  # recorded by hand (no origin)
    aliases: tuple[str, ...]


def asset_launches(uow: Reading) -> Iterator[StoredLaunch]:
    """Every live launch in the log, in `seq` order."""
    query = (
        select(
            events.c.type,
            events.c.unit,
            events.c.occurred_on,
            events.c.payload,
            events.c.origin_dataset,
        )
        .where(events.c.type.in_(LAUNCH_TYPES), events.c.id.not_in(select(voids.c.event_id)))
        .order_by(events.c.seq)
    )
    for event_type, unit, occurred_on, payload_text, origin in uow.connection.execute(query):
        entry, payload = REGISTRY[event_type], orjson.loads(payload_text)
        assert entry.fixed_layer is not None and entry.asset_field is not None
        yield StoredLaunch(
            unit, payload["company"], entry.fixed_layer.value, payload[entry.asset_field],
            entry.status_of(payload) or "available", PartialDate.parse(occurred_on),
            origin is None, tuple(payload.get("aliases") or ()),
        )  # fmt: skip


def asset_aliases(uow: Reading) -> Iterator[tuple[str, str]]:
    """(unit, alias) of every asset alias recorded, by `asset.aliased` or on a launch."""
    query = select(aliases.c.unit, aliases.c.alias).where(aliases.c.layer.is_not(None))
    yield from ((unit, alias) for unit, alias in uow.connection.execute(query))


@dataclass(frozen=True)
class DatasetEvent:
    """An event an earlier import derived from a row, and what voided it (if anything)."""

    id: str
    type: str
    occurred_on: str
    confidence: str
    payload: dict[str, Any]
    dataset: str
    key: str
    voided_by: str | None
    voided_by_hand: bool  # voided by an event without an origin: an analyst's correction


def dataset_events(uow: Reading, datasets: list[str]) -> list[DatasetEvent]:
    """The events of the datasets named (live and voided), in `seq` order."""
    voider = events.alias("voider")
    query = (
        select(
            events.c.id,
            events.c.type,
            events.c.occurred_on,
            events.c.confidence,
            events.c.payload,
            events.c.origin_dataset,
            events.c.origin_key,
            voids.c.voided_by,
            voider.c.origin_dataset.label("voider_origin"),
        )
        .outerjoin(voids, voids.c.event_id == events.c.id)
        .outerjoin(voider, voider.c.id == voids.c.voided_by)
        .where(events.c.origin_dataset.in_(datasets))
        .order_by(events.c.seq)
    )
    return [
        DatasetEvent(
            row.id,
            row.type,
            row.occurred_on,
            row.confidence,
            orjson.loads(row.payload),
            row.origin_dataset,
            row.origin_key,
            row.voided_by,
            row.voided_by is not None and row.voider_origin is None,
        )
        for row in uow.connection.execute(query)
    ]


def record_run(uow: Writing, run: dict[str, Any]) -> int:
    """Keep the record of one import (its files, counts and the seqs it wrote)."""
    values = {**run, "files": _json(run["files"]), "report": _json(run["report"])}
    result = uow.connection.execute(insert(dataset_runs).values(**values))
    key = result.inserted_primary_key
    return int(key[0]) if key else 0


def runs(uow: Reading, limit: int = 50) -> list[dict[str, Any]]:
    """The latest import runs, newest first."""
    query = select(dataset_runs).order_by(dataset_runs.c.id.desc()).limit(limit)
    return [
        {**row._mapping, "files": orjson.loads(row.files), "report": orjson.loads(row.report)}
        for row in uow.connection.execute(query)
    ]


def derived_counts(uow: Reading) -> dict[str, int]:
    """How many live events each dataset gave (its retractions say nothing: not counted)."""
    query = (
        select(events.c.origin_dataset, func.count())
        .where(
            events.c.origin_dataset.is_not(None),
            events.c.type != RETRACTION,
            events.c.id.not_in(select(voids.c.event_id)),
        )
        .group_by(events.c.origin_dataset)
    )
    return {dataset: int(count) for dataset, count in uow.connection.execute(query)}


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def any_derived(uow: Reading) -> bool:
    """Whether any event of the log comes from a dataset (one index probe)."""
    query = select(events.c.seq).where(events.c.origin_dataset.is_not(None)).limit(1)
    return uow.connection.scalar(query) is not None
