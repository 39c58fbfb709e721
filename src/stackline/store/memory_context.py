"""A `RuleContext` held in memory for bulk appends: loaded once from the tables, then kept up to
date with every event the bulk append accepts, so checking a rule costs no query per event."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Connection, select

from stackline.domain.dates import PartialDate
from stackline.domain.events import (
    AcquisitionCompleted,
    CompanyRegistered,
    Event,
    PartnershipEnded,
    named_companies,
)
from stackline.domain.intervals import asset_segments
from stackline.domain.rules import parent_chain, voided_by
from stackline.domain.values import Layer
from stackline.store.context import StoredRuleContext
from stackline.store.rows import asset_unit, row_event
from stackline.store.tables import companies, events, ownership_links, voids


@dataclass(frozen=True)
class _Link:
    valid_from: date
    seq: int
    acquirer: str
    event_id: str


class MemoryRuleContext:
    """The rules' view of the log: what is stored plus what this bulk append has added."""

    def __init__(self, connection: Connection) -> None:
        self.stored = StoredRuleContext(connection)
        self.connection = connection
        self.founded: dict[str, PartialDate] = {
            row.slug: PartialDate.parse(row.founded_on)
            for row in connection.execute(select(companies.c.slug, companies.c.founded_on))
        }
        self.voided: set[str] = set(connection.scalars(select(voids.c.event_id)))
        self.links: dict[str, list[_Link]] = defaultdict(list)
        for row in connection.execute(select(ownership_links)):
            self.links[row.target].append(
                _Link(row.valid_from, row.seq, row.acquirer, row.event_id)
            )
        ended = select(events.c.id, events.c.target_id).where(events.c.type == "partnership.ended")
        self.endings: dict[str, set[str]] = defaultdict(set)
        for row in connection.execute(ended):
            if row.id not in self.voided:
                self.endings[row.target_id].add(row.id)
        self.stored_events_exist = connection.scalar(select(events.c.seq).limit(1)) is not None
        self.pending: dict[str, Event] = {}
        self.stored_unit_events: dict[str, list[Event]] = {}
        self.pending_unit_events: dict[str, list[Event]] = defaultdict(list)
        self.references: dict[str, list[tuple[date, str]]] = defaultdict(list)

    # --- keeping the state in step -------------------------------------------------------
    def accept(self, event: Event) -> None:
        """Record an appended event (after its target, if any, was voided with `void`)."""
        event_id = str(event.id)
        self.pending[event_id] = event
        if isinstance(event, CompanyRegistered):
            self.founded[event.payload.company] = event.occurred_on
        elif isinstance(event, AcquisitionCompleted):
            link = _Link(event.occurred_on.start, event.seq or 0, event.payload.acquirer, event_id)
            self.links[event.payload.target].append(link)
        elif isinstance(event, PartnershipEnded):
            self.endings[str(event.payload.partnership)].add(event_id)
        unit = asset_unit(event)
        if unit is not None:
            self.pending_unit_events[unit].append(event)
        if event.type != "company.registered":
            for slug in named_companies(event):
                self.references[slug].append((event.occurred_on.start, event_id))

    def void(self, voiding: Event) -> str | None:
        target_id = voided_by(voiding)
        if target_id is None:
            return None
        target = self.find(target_id)
        key = str(target_id)
        self.voided.add(key)
        if isinstance(target, CompanyRegistered):
            slug = target.payload.company
            self.founded.pop(slug, None)
        elif isinstance(target, AcquisitionCompleted):
            links = self.links[target.payload.target]
            self.links[target.payload.target] = [link for link in links if link.event_id != key]
        elif isinstance(target, PartnershipEnded):
            self.endings[str(target.payload.partnership)].discard(key)
        return key

    def _unit(self, unit: str) -> list[Event]:
        """The asset's events: those stored (read once) and those accepted since."""
        if unit not in self.stored_unit_events:
            query = select(events).where(events.c.asset_unit == unit)
            self.stored_unit_events[unit] = [
                row_event(row) for row in self.connection.execute(query)
            ]
        return self.stored_unit_events[unit] + self.pending_unit_events.get(unit, [])

    def flushed(self) -> None:
        """Everything accepted so far is now in the tables: drop the copies, to bound memory."""
        self.stored_events_exist = True
        self.stored_unit_events.clear()
        self.pending_unit_events.clear()
        self.pending.clear()
        self.references.clear()

    # --- RuleContext --------------------------------------------------------------------
    def founding(self, slug: str) -> PartialDate | None:
        return self.founded.get(slug)

    def find(self, event_id: UUID) -> Event | None:
        return self.pending.get(str(event_id)) or self.stored.find(event_id)

    def is_voided(self, event_id: UUID) -> bool:
        return str(event_id) in self.voided

    def earliest_reference(self, slug: str) -> date | None:
        stored = self.stored.earliest_reference(slug) if self.stored_events_exist else None
        pending = [day for day, i in self.references.get(slug, []) if i not in self.voided]
        candidates = [d for d in (stored, min(pending, default=None)) if d is not None]
        return min(candidates, default=None)

    def parent_on(self, slug: str, on: date) -> str | None:
        live = [link for link in self.links.get(slug, []) if link.valid_from <= on]
        return max(live, key=lambda link: (link.valid_from, link.seq)).acquirer if live else None

    def parent_chain(self, slug: str, on: date) -> list[str]:
        return parent_chain(self.parent_on, slug, on)

    def ever_ancestors(self, slug: str) -> set[str]:
        found: set[str] = set()
        frontier = {slug}
        while frontier:
            parents = {link.acquirer for s in frontier for link in self.links.get(s, [])}
            frontier = parents - found - {slug}
            found |= frontier
        return found

    def ownership_change_dates(self, slugs: set[str], after: date) -> list[date]:
        days = {link.valid_from for s in slugs for link in self.links.get(s, [])}
        return sorted(day for day in days if day > after)

    def is_ended(self, partnership: UUID) -> bool:
        return bool(self.endings.get(str(partnership)))

    def holds_asset(self, company: str, layer: Layer, asset_key: str, on: date) -> bool:
        unit = f"{company}|{layer.value}|{asset_key}"
        live = [e for e in self._unit(unit) if str(e.id) not in self.voided]
        return any(
            s.valid_from <= on and (s.valid_to is None or on < s.valid_to)
            for s in asset_segments(live)
        )
