"""The reference fold (DESIGN §3): the footprint of a day from a list of events, in memory.

Known events (recorded by `known_on`) that are neither voided nor retractions are grouped into
their units; each unit's facts come from its events through each type's effect (`units.py`,
the registry), exactly as the store's projector computes them; the day's footprint is built
from the facts holding on it (`fact_set.py`). The stored projections must give the same answer
for every day and moment: the property tests hold incremental appends, voids, rebuilds, the SQL
reads and the presence projection to it, and composition (`stack.py`) reads either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

from stackline.domain.capacity import CapacityFacts
from stackline.domain.catalog import REGISTRY
from stackline.domain.documents import event_document, format_timestamp
from stackline.domain.events import EventBase
from stackline.domain.fact_set import FactSet
from stackline.domain.facts import Fact
from stackline.domain.footprint import EventFacts, Footprint
from stackline.domain.records import EventRecord, in_effect_order
from stackline.domain.units import facts_of_unit


def as_records(events: Iterable[EventBase | EventRecord]) -> list[EventRecord]:
    """Events as records (models are turned into their export form first), in `seq` order,
    each with its unit (`with_units`)."""
    records = [
        e if isinstance(e, EventRecord) else EventRecord.of_document(event_document(e))
        for e in events
    ]
    return with_units(records)


def with_units(records: Iterable[EventRecord]) -> list[EventRecord]:
    """Records in `seq` order, each with the unit it belongs to: a correction and what acts on
    either belong to the unit of the event at the root of the chain, so the units need the
    events before them (as the store's `unit` column records them)."""
    units: dict[str, str | None] = {}
    found = []
    for record in sorted(records, key=lambda r: r.seq):
        unit = REGISTRY.unit_of(record, units.get)
        units[record.id] = unit
        found.append(record if record.unit == unit else record.with_unit(unit))
    return found


def live_records(records: Iterable[EventRecord], known_on: datetime | None) -> list[EventRecord]:
    """The events recorded by `known_on` (all, without it) that no known event voids, less the
    retractions themselves, in `seq` order."""
    cutoff = format_timestamp(known_on) if known_on is not None else None
    known = [r for r in records if cutoff is None or (r.recorded_at or "") <= cutoff]
    voided = {target for r in known if (target := r.voids()) is not None}
    live = [r for r in known if r.id not in voided and not REGISTRY[r.type].voids_by_payload]
    return sorted(live, key=lambda r: r.seq)


def effective_records(
    events: Iterable[EventBase | EventRecord], as_of: date, known_on: datetime | None = None
) -> list[EventRecord]:
    """Live events effective by `as_of`, in effect order (effective date, then `seq`)."""
    live = live_records(as_records(events), known_on)
    return in_effect_order([r for r in live if r.occurred.start <= as_of])


def facts_of(records: Iterable[EventRecord]) -> list[Fact]:
    """Every fact of the units the live `records` belong to."""
    by_unit: dict[str, list[EventRecord]] = defaultdict(list)
    for record in records:
        if record.unit is not None:
            by_unit[record.unit].append(record)
    found: list[Fact] = []
    for unit, unit_records in by_unit.items():
        found.extend(facts_of_unit(unit, unit_records, REGISTRY.effect))
    return found


def fold_facts(
    events: Iterable[EventBase | EventRecord], known_on: datetime | None = None
) -> FactSet:
    return FactSet(facts_of(live_records(as_records(events), known_on)))


def fold_capacity(
    events: Iterable[EventBase | EventRecord], known_on: datetime | None = None
) -> CapacityFacts:
    """What capacity is composed from (DESIGN §9.6), from the events known at `known_on`."""
    return CapacityFacts(facts_of(live_records(as_records(events), known_on)))


def fold_footprint(
    events: Iterable[EventBase | EventRecord], as_of: date, known_on: datetime | None = None
) -> Footprint:
    """The footprint of every company on `as_of`, from the events known at `known_on`."""
    live = live_records(as_records(events), known_on)
    footprint = FactSet(facts_of(live)).on(as_of)
    footprint.facts = {
        UUID(r.id): EventFacts(r.occurred.end, r.confidence)
        for r in live
        if r.occurred.start <= as_of
    }
    return footprint
