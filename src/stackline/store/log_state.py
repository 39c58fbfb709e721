"""The one rule context: what the log's stored units say, plus the events this write has added.

Every append path — one event from the API, a whole file from `import` — checks the §2 rules
against a `LogState`. It answers from the log (a unit's live events read once by the `unit`
index, the indexes of voids, followers and named companies) overlaid with the events accepted
since the projector last wrote them (`accept`, `void`), so a batch of many events and a sequence
of single appends see the same log and decide the same way. A unit's state over time comes from
its events through each type's effect (`domain/units.py`): a company's founding, its owners, an
asset's life are read as the projections compute them. After the projector has written a batch,
`flushed` drops the overlay and the cached reads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from stackline.domain.catalog import REGISTRY
from stackline.domain.dates import PartialDate, day_of
from stackline.domain.events import EventBase
from stackline.domain.records import EventRecord
from stackline.domain.rules import parent_chain
from stackline.domain.units import Segment, asset_key, holding, segments
from stackline.domain.values import fold_name
from stackline.store.rows import RECORD_COLUMNS, record_of_row, row_event
from stackline.store.statements import Sql
from stackline.store.tables import events

_LIVE = "id NOT IN (SELECT event_id FROM voids)"
# Types whose events register the company they name (not a reference to it).
_REGISTERING = ", ".join(f"'{name}'" for name, e in REGISTRY.items() if e.registers)


@dataclass
class _Pending:
    """What was accepted since the projector last wrote: the overlay on the stored state."""

    events: dict[str, EventBase] = field(default_factory=dict)
    units: dict[str, str | None] = field(default_factory=dict)  # by event id
    voided: dict[str, str] = field(default_factory=dict)  # voided id → the event voiding it
    names: dict[str, str] = field(default_factory=dict)  # folded company name or alias → slug
    asset_aliases: dict[tuple[str, str, str], str] = field(default_factory=dict)  # → unit
    followers: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    unit_records: dict[str, list[EventRecord]] = field(default_factory=lambda: defaultdict(list))
    references: dict[str, list[tuple[date, str]]] = field(default_factory=lambda: defaultdict(list))

    def merge(self, later: _Pending) -> None:
        """Take in what `later` accepted (a trial that is kept)."""
        self.events.update(later.events)
        self.units.update(later.units)
        self.voided.update(later.voided)
        self.names.update(later.names)
        self.asset_aliases.update(later.asset_aliases)
        for key, followers in later.followers.items():
            self.followers[key] |= followers
        for unit, records in later.unit_records.items():
            self.unit_records[unit].extend(records)
        for slug, references in later.references.items():
            self.references[slug].extend(references)


class LogState:
    """A `RuleContext` over one write transaction: stored units plus pending events.

    A *trial* (`begin_trial` … `end_trial`) accepts events into a layer of its own, dropped
    whole if any of them is refused: the importer checks a dataset row's events together
    without leaving a trace of a refused row (DESIGN §9.7, the check-only call)."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self._base = _Pending()
        self._trial: _Pending | None = None
        self._clear_reads()

    @property
    def pending(self) -> _Pending:
        """The layer accepted events go to (the trial's, during one)."""
        return self._trial if self._trial is not None else self._base

    def _layers(self) -> tuple[_Pending, ...]:
        return (self._base,) if self._trial is None else (self._base, self._trial)

    def begin_trial(self) -> None:
        assert self._trial is None, "trials do not nest"
        self._trial = _Pending()

    def end_trial(self, keep: bool) -> None:
        """Keep what the trial accepted, or forget it as if it had never been seen."""
        trial, self._trial = self._trial, None
        if trial is not None and keep:
            self._base.merge(trial)
        elif trial is not None:
            self._segments.clear()
            self._registrations.clear()

    def _clear_reads(self) -> None:
        self._voided: dict[str, str | None] = {}
        self._event_units: dict[str, str | None] = {}
        self._company_names: dict[str, str | None] = {}
        self._asset_aliases: dict[tuple[str, str, str], str | None] = {}
        self._followers: dict[tuple[str, str], set[str]] = {}
        self._units: dict[str, list[EventRecord]] = {}
        self._segments: dict[str, list[Segment]] = {}
        self._registrations: dict[str, EventRecord | None] = {}  # by company unit
        self._events: dict[str, EventBase | None] = {}

    # --- keeping the overlay in step with the write ----------------------------------------
    def accept(self, event: EventBase, record: EventRecord) -> None:
        """Record an event this write appends (after `void` withdrew what it voids)."""
        pending, entry = self.pending, REGISTRY[record.type]
        pending.events[record.id] = event
        pending.units[record.id] = record.unit
        self._note_names(record)
        if entry.target_field is not None and not entry.voids_by_payload:
            target = str(record.payload[entry.target_field])
            pending.followers[(target, record.type)].add(record.id)
        unit = record.unit
        if unit is not None:
            pending.unit_records[unit].append(record)
            self._segments.pop(unit, None)
            self._registrations.pop(unit, None)
        registered = record.payload.get(entry.registers) if entry.registers else None
        for slug in entry.companies(record.payload):
            if slug != registered:
                pending.references[slug].append((record.start, record.id))

    def _note_names(self, record: EventRecord) -> None:
        """The company names and aliases, and the asset aliases, a pending event gives."""
        p, unit = record.payload, record.unit or ""
        if unit.startswith("company:"):
            for name in (p.get("name"), *(p.get("aliases") or ())):
                if name:
                    self.pending.names[fold_name(name)] = p["company"]
        elif unit.startswith("asset:") and p.get("aliases"):
            owner, layer, _ = unit.removeprefix("asset:").split("|", 2)
            for alias in p["aliases"]:
                self.pending.asset_aliases[(owner, layer, fold_name(alias))] = unit

    def void(self, target_id: str, by: str) -> None:
        """The event `target_id` no longer counts (a retraction or a correction `by` voids it)."""
        self.pending.voided[target_id] = by
        self._segments.clear()

    def flushed(self) -> None:
        """The projector wrote everything accepted so far: read it from the tables from now on."""
        assert self._trial is None, "a flush ends no trial"
        self._base = _Pending()
        self._clear_reads()

    def _live(self, event_id: str) -> bool:
        return all(event_id not in layer.voided for layer in self._layers())

    def _pending(self, attribute: str, key: Any) -> Any:
        """The newest pending value of `key` in a mapping of the layers, or None."""
        for layer in reversed(self._layers()):
            mapping = getattr(layer, attribute)
            if key in mapping:
                return mapping[key]
        return None

    # --- units ------------------------------------------------------------------------------
    def unit_records(self, unit: str) -> list[EventRecord]:
        """A unit's live events: stored ones, then pending ones."""
        if unit not in self._units:
            rows = self.sql.rows(
                f"SELECT {RECORD_COLUMNS} FROM events WHERE unit = :unit AND {_LIVE}",
                {"unit": unit},
            )
            self._units[unit] = [record_of_row(row) for row in rows]
        pending = [r for layer in self._layers() for r in layer.unit_records.get(unit, [])]
        return [r for r in self._units[unit] + pending if self._live(r.id)]

    def unit_segments(self, unit: str) -> list[Segment]:
        """A unit's states over time, as the projections compute them."""
        if unit not in self._segments:
            self._segments[unit] = segments(self.unit_records(unit), REGISTRY.effect)
        return self._segments[unit]

    # --- RuleContext ----------------------------------------------------------------------
    def founding(self, slug: str) -> PartialDate | None:
        """Its live registration's date (a company unit's first state starts there)."""
        unit = f"company:{slug}"
        read = unit in self._registrations
        found = self._registrations.get(unit)
        if not read or (found is not None and not self._live(found.id)):
            registrations = [r for r in self.unit_records(unit) if REGISTRY[r.type].registers]
            found = self._registrations[unit] = registrations[-1] if registrations else None
        return found.occurred if found is not None else None

    def find(self, event_id: UUID) -> Any:
        key = str(event_id)
        pending = self._pending("events", key)
        if pending is not None:
            return pending
        if key not in self._events:
            row = self.sql.connection.execute(events.select().where(events.c.id == key)).first()
            self._events[key] = row_event(row) if row is not None else None
        return self._events[key]

    def is_voided(self, event_id: UUID) -> bool:
        return self._voided_by(str(event_id)) is not None

    def _voided_by(self, key: str) -> str | None:
        pending: str | None = self._pending("voided", key)
        if pending is not None:
            return pending
        if key not in self._voided:
            found = self.sql.first("SELECT voided_by FROM voids WHERE event_id = :id", {"id": key})
            self._voided[key] = found[0] if found else None
        return self._voided[key]

    def live_version(self, event_id: UUID) -> tuple[Any, list[str]]:
        chain = [str(event_id)]
        while (voider := self._voided_by(chain[-1])) is not None:
            correction = self.find(UUID(voider))
            if correction is None or REGISTRY[correction.type].voids_by_payload:
                return None, chain  # retracted
            chain.append(voider)
        return self.find(UUID(chain[-1])), chain

    def unit_of_event(self, event_id: str) -> str | None:
        """The unit an earlier event (stored or pending) belongs to."""
        for layer in reversed(self._layers()):
            if event_id in layer.units:
                return layer.units[event_id]
        if event_id not in self._event_units:
            row = self.sql.first("SELECT unit FROM events WHERE id = :id", {"id": event_id})
            self._event_units[event_id] = row[0] if row else None
        return self._event_units[event_id]

    def company_named(self, name: str) -> str | None:
        key = fold_name(name)
        pending: str | None = self._pending("names", key)
        if pending is not None:
            return pending
        if key not in self._company_names:
            row = self.sql.first(
                "SELECT company FROM company_names WHERE name_key = :key UNION "
                "SELECT company FROM aliases WHERE alias_key = :key AND layer IS NULL",
                {"key": key},
            )
            self._company_names[key] = row[0] if row else None
        return self._company_names[key]

    def asset_named(self, company: str, layer: str, name: str) -> str | None:
        unit = "asset:" + asset_key(company, layer, name)
        if self.unit_segments(unit):
            return unit
        key = (company, layer, fold_name(name))
        pending: str | None = self._pending("asset_aliases", key)
        if pending is not None:
            return pending
        if key not in self._asset_aliases:
            row = self.sql.first(
                "SELECT unit FROM aliases WHERE alias_key = :alias AND company = :company "
                "AND layer = :layer",
                {"alias": key[2], "company": company, "layer": layer},
            )
            self._asset_aliases[key] = row[0] if row else None
        return self._asset_aliases[key]

    def asset_name(self, company: str, layer: str, name: str) -> str | None:
        """The own name of the asset `name` stands for, when it is one of its aliases."""
        unit = self.asset_named(company, layer, name)
        if unit is None or unit == "asset:" + asset_key(company, layer, name):
            return None
        found = self.unit_segments(unit)
        return str(found[-1].state.name) if found else None

    def earliest_reference(self, slug: str) -> date | None:
        pending = [
            day
            for layer in self._layers()
            for day, i in layer.references.get(slug, [])
            if self._live(i)
        ]
        stored = self._earliest_stored_reference(slug)
        return min([*pending, *([stored] if stored else [])], default=None)

    def parent_on(self, slug: str, on: date) -> str | None:
        state = holding(self.unit_segments(f"parent:{slug}"), on)
        return state.acquirer if state is not None else None

    def parent_chain(self, slug: str, on: date) -> list[str]:
        return parent_chain(self.parent_on, slug, on)

    def ever_ancestors(self, slug: str) -> set[str]:
        found: set[str] = set()
        frontier = {slug}
        while frontier:
            owners = {s.state.acquirer for c in frontier for s in self.unit_segments(f"parent:{c}")}
            frontier = owners - found - {slug}
            found |= frontier
        return found

    def ownership_change_dates(self, slugs: set[str], after: date) -> list[date]:
        days = {s.valid_from for slug in slugs for s in self.unit_segments(f"parent:{slug}")}
        return sorted(day for day in days if day > after)

    def followed_by(self, target: UUID, event_type: str) -> bool:
        key = (str(target), event_type)
        followers = set(self._stored_followers(key))
        for layer in self._layers():
            followers |= layer.followers.get(key, set())
        return any(self._live(follower) for follower in followers)

    def acquired_since(self, acquirer: str, target: str, since: date) -> bool:
        return any(
            r.payload["acquirer"] == acquirer and r.start >= since
            for r in self.unit_records(f"parent:{target}")
        )

    def holds_asset(self, company: str, layer: str, asset: str, on: date) -> bool:
        return (
            holding(self.unit_segments("asset:" + asset_key(company, layer, asset)), on) is not None
        )

    # --- reads of the stored state, once per key -------------------------------------------
    def _stored_followers(self, key: tuple[str, str]) -> set[str]:
        if key not in self._followers:
            rows = self.sql.rows(
                f"SELECT id FROM events WHERE target_id = :target AND type = :type AND {_LIVE}",
                {"target": key[0], "type": key[1]},
            )
            self._followers[key] = {row[0] for row in rows}
        return self._followers[key]

    def _earliest_stored_reference(self, slug: str) -> date | None:
        """The earliest stored live event naming `slug` (its registration aside) that this
        write has not voided; read in date order until one is found."""
        rows = self.sql.stream(
            "SELECT e.effective_on, e.id FROM event_companies ec JOIN events e "
            f"ON e.seq = ec.seq WHERE ec.company = :slug AND e.type NOT IN ({_REGISTERING}) "
            f"AND e.{_LIVE} ORDER BY e.effective_on, e.seq",
            {"slug": slug},
        )
        for effective_on, event_id in rows:
            if self._live(event_id):
                return day_of(effective_on)
        return None
