"""The one rule context: what the stored projections say, plus the events this write has added.

Every append path — one event from the API, a whole file from `import` — checks the §2 rules
against a `LogState`. It answers from the projection tables (read lazily, once per key, through
the write transaction) overlaid with the events accepted since the projector last wrote them
(`accept`, `void`), so a batch of many events and a sequence of single appends see the same log
and decide the same way. After the projector has written a batch, `flushed` drops the overlay
and the cached reads: the tables now say it all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from stackline.domain.dates import PartialDate
from stackline.domain.events import TARGET_FIELDS, Event, companies_in_payload
from stackline.domain.intervals import asset_segments, holds_on
from stackline.domain.records import EventRecord, asset_key
from stackline.domain.rules import parent_chain
from stackline.domain.values import Layer
from stackline.store.catalog import unit_of
from stackline.store.rows import RECORD_COLUMNS, record_of_row, row_event
from stackline.store.statements import Sql
from stackline.store.tables import events

_EVENT_BY_ID = "SELECT * FROM events WHERE id = :id"
_LIVE = "id NOT IN (SELECT event_id FROM voids)"


@dataclass(frozen=True)
class _Registration:
    founded: PartialDate
    event_id: str


@dataclass(frozen=True)
class _Link:
    """`acquirer` owns the target from `valid_from`, through event `event_id` at `seq`."""

    valid_from: date
    seq: int
    acquirer: str
    event_id: str


@dataclass
class _Pending:
    """What was accepted since the projector last wrote: the overlay on the stored state."""

    events: dict[str, Event] = field(default_factory=dict)
    voided: set[str] = field(default_factory=set)
    registrations: dict[str, _Registration] = field(default_factory=dict)
    links: dict[str, list[_Link]] = field(default_factory=lambda: defaultdict(list))
    followers: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    unit_records: dict[str, list[EventRecord]] = field(default_factory=lambda: defaultdict(list))
    references: dict[str, list[tuple[date, str]]] = field(default_factory=lambda: defaultdict(list))


class LogState:
    """A `RuleContext` over one write transaction: stored tables plus pending events."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.pending = _Pending()
        self._clear_reads()

    def _clear_reads(self) -> None:
        self._registrations: dict[str, _Registration | None] = {}
        self._links: dict[str, list[_Link]] = {}
        self._voided: dict[str, bool] = {}
        self._followers: dict[tuple[str, str], set[str]] = {}
        self._units: dict[str, list[EventRecord]] = {}
        self._events: dict[str, Event | None] = {}

    # --- keeping the overlay in step with the write ----------------------------------------
    def accept(self, event: Event, record: EventRecord) -> None:
        """Record an event this write appends (after `void` withdrew what it voids)."""
        pending = self.pending
        pending.events[record.id] = event
        payload = record.payload
        if record.type == "company.registered":
            pending.registrations[payload["company"]] = _Registration(record.occurred, record.id)
        elif record.type == "acquisition.completed":
            link = _Link(record.start, record.seq, payload["acquirer"], record.id)
            pending.links[payload["target"]].append(link)
        target_field = TARGET_FIELDS.get(record.type)
        if target_field is not None and record.type != "event.retracted":
            pending.followers[(str(payload[target_field]), record.type)].add(record.id)
        unit = unit_of(record)
        if unit is not None:
            pending.unit_records[unit].append(record)
        if record.type != "company.registered":
            for slug in companies_in_payload(record.type, payload):
                pending.references[slug].append((record.start, record.id))

    def void(self, target_id: str) -> None:
        """The event `target_id` no longer counts (a retraction or a correction voids it)."""
        self.pending.voided.add(target_id)

    def flushed(self) -> None:
        """The projector wrote everything accepted so far: read it from the tables from now on."""
        self.pending = _Pending()
        self._clear_reads()

    def _live(self, event_id: str) -> bool:
        return event_id not in self.pending.voided

    # --- RuleContext ----------------------------------------------------------------------
    def founding(self, slug: str) -> PartialDate | None:
        pending = self.pending.registrations.get(slug)
        if pending is not None and self._live(pending.event_id):
            return pending.founded
        stored = self._stored_registration(slug)
        return stored.founded if stored is not None and self._live(stored.event_id) else None

    def find(self, event_id: UUID) -> Event | None:
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
        live = [link for link in self._links_of(slug) if link.valid_from <= on]
        return max(live, key=lambda link: (link.valid_from, link.seq)).acquirer if live else None

    def parent_chain(self, slug: str, on: date) -> list[str]:
        return parent_chain(self.parent_on, slug, on)

    def ever_ancestors(self, slug: str) -> set[str]:
        found: set[str] = set()
        frontier = {slug}
        while frontier:
            parents = {link.acquirer for s in frontier for link in self._links_of(s)}
            frontier = parents - found - {slug}
            found |= frontier
        return found

    def ownership_change_dates(self, slugs: set[str], after: date) -> list[date]:
        days = {link.valid_from for s in slugs for link in self._links_of(s)}
        return sorted(day for day in days if day > after)

    def followed_by(self, target: UUID, event_type: str) -> bool:
        key = (str(target), event_type)
        followers = self._stored_followers(key) | self.pending.followers.get(key, set())
        return any(self._live(follower) for follower in followers)

    def acquired_since(self, acquirer: str, target: str, since: date) -> bool:
        return any(
            link.acquirer == acquirer and link.valid_from >= since
            for link in self._links_of(target)
        )

    def holds_asset(self, company: str, layer: Layer, asset_name: str, on: date) -> bool:
        unit = "asset:" + asset_key(company, layer.value, asset_name)
        return holds_on(asset_segments(self.unit_records(unit)), on)

    def unit_records(self, unit: str) -> list[EventRecord]:
        """A unit's live events: stored ones, then pending ones."""
        records = self._stored_unit(unit) + self.pending.unit_records.get(unit, [])
        return [r for r in records if self._live(r.id)]

    # --- reads of the stored state, once per key -------------------------------------------
    def _stored_registration(self, slug: str) -> _Registration | None:
        if slug not in self._registrations:
            row = self.sql.first(
                "SELECT c.founded_on, e.id FROM companies c JOIN events e "
                "ON e.seq = c.registration_seq WHERE c.slug = :slug",
                {"slug": slug},
            )
            found = _Registration(PartialDate.parse(row[0]), row[1]) if row else None
            self._registrations[slug] = found
        return self._registrations[slug]

    def _links_of(self, target: str) -> list[_Link]:
        if target not in self._links:
            rows = self.sql.rows(
                "SELECT valid_from, seq, acquirer, event_id FROM ownership_links "
                "WHERE target = :target",
                {"target": target},
            )
            self._links[target] = [_Link(_day(r[0]), r[1], r[2], r[3]) for r in rows]
        stored = [link for link in self._links[target] if self._live(link.event_id)]
        pending = [link for link in self.pending.links.get(target, []) if self._live(link.event_id)]
        return stored + pending

    def _stored_followers(self, key: tuple[str, str]) -> set[str]:
        if key not in self._followers:
            rows = self.sql.rows(
                f"SELECT id FROM events WHERE target_id = :target AND type = :type AND {_LIVE}",
                {"target": key[0], "type": key[1]},
            )
            self._followers[key] = {row[0] for row in rows}
        return self._followers[key]

    def _stored_unit(self, unit: str) -> list[EventRecord]:
        if unit not in self._units:
            rows = self.sql.rows(
                f"SELECT {RECORD_COLUMNS} FROM events WHERE unit = :unit AND {_LIVE}",
                {"unit": unit},
            )
            self._units[unit] = [record_of_row(row) for row in rows]
        return self._units[unit]

    def _earliest_stored_reference(self, slug: str) -> date | None:
        """The earliest stored live event naming `slug` (registrations aside) that this write
        has not voided; read in date order until one is found."""
        rows = self.sql.stream(
            "SELECT e.effective_on, e.id FROM event_companies ec JOIN events e "
            "ON e.seq = ec.seq WHERE ec.company = :slug AND e.type <> 'company.registered' "
            f"AND e.{_LIVE} ORDER BY e.effective_on, e.seq",
            {"slug": slug},
        )
        for effective_on, event_id in rows:
            if self._live(event_id):
                return _day(effective_on)
        return None


def _day(value: object) -> date:
    """A `Date` column as a date (SQLite hands back its ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
