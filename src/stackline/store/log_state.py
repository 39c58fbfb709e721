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
    voided: set[str] = field(default_factory=set)
    followers: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    unit_records: dict[str, list[EventRecord]] = field(default_factory=lambda: defaultdict(list))
    references: dict[str, list[tuple[date, str]]] = field(default_factory=lambda: defaultdict(list))


class LogState:
    """A `RuleContext` over one write transaction: stored units plus pending events."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.pending = _Pending()
        self._clear_reads()

    def _clear_reads(self) -> None:
        self._voided: dict[str, bool] = {}
        self._followers: dict[tuple[str, str], set[str]] = {}
        self._units: dict[str, list[EventRecord]] = {}
        self._segments: dict[str, list[Segment]] = {}
        self._events: dict[str, EventBase | None] = {}

    # --- keeping the overlay in step with the write ----------------------------------------
    def accept(self, event: EventBase, record: EventRecord) -> None:
        """Record an event this write appends (after `void` withdrew what it voids)."""
        pending, entry = self.pending, REGISTRY[record.type]
        pending.events[record.id] = event
        if entry.target_field is not None and not entry.voids_by_payload:
            target = str(record.payload[entry.target_field])
            pending.followers[(target, record.type)].add(record.id)
        unit = REGISTRY.unit_of(record)
        if unit is not None:
            pending.unit_records[unit].append(record)
            self._segments.pop(unit, None)
        registered = record.payload.get(entry.registers) if entry.registers else None
        for slug in entry.companies(record.payload):
            if slug != registered:
                pending.references[slug].append((record.start, record.id))

    def void(self, target_id: str) -> None:
        """The event `target_id` no longer counts (a retraction or a correction voids it)."""
        self.pending.voided.add(target_id)
        self._segments.clear()

    def flushed(self) -> None:
        """The projector wrote everything accepted so far: read it from the tables from now on."""
        self.pending = _Pending()
        self._clear_reads()

    def _live(self, event_id: str) -> bool:
        return event_id not in self.pending.voided

    # --- units ------------------------------------------------------------------------------
    def unit_records(self, unit: str) -> list[EventRecord]:
        """A unit's live events: stored ones, then pending ones."""
        if unit not in self._units:
            rows = self.sql.rows(
                f"SELECT {RECORD_COLUMNS} FROM events WHERE unit = :unit AND {_LIVE}",
                {"unit": unit},
            )
            self._units[unit] = [record_of_row(row) for row in rows]
        records = self._units[unit] + self.pending.unit_records.get(unit, [])
        return [r for r in records if self._live(r.id)]

    def unit_segments(self, unit: str) -> list[Segment]:
        """A unit's states over time, as the projections compute them."""
        if unit not in self._segments:
            self._segments[unit] = segments(self.unit_records(unit), REGISTRY.effect)
        return self._segments[unit]

    # --- RuleContext ----------------------------------------------------------------------
    def founding(self, slug: str) -> PartialDate | None:
        found = self.unit_segments(f"company:{slug}")
        return found[0].state.founded if found else None

    def find(self, event_id: UUID) -> Any:
        key = str(event_id)
        if key in self.pending.events:
            return self.pending.events[key]
        if key not in self._events:
            row = self.sql.connection.execute(events.select().where(events.c.id == key)).first()
            self._events[key] = row_event(row) if row is not None else None
        return self._events[key]

    def is_voided(self, event_id: UUID) -> bool:
        key = str(event_id)
        if key in self.pending.voided:
            return True
        if key not in self._voided:
            found = self.sql.first("SELECT 1 FROM voids WHERE event_id = :id", {"id": key})
            self._voided[key] = found is not None
        return self._voided[key]

    def earliest_reference(self, slug: str) -> date | None:
        pending = [day for day, i in self.pending.references.get(slug, []) if self._live(i)]
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
        followers = self._stored_followers(key) | self.pending.followers.get(key, set())
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
