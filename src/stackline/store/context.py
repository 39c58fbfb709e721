"""Answers to the append rules' questions (`RuleContext`), read from the projection tables."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import Connection, exists, func, select

from stackline.domain.dates import PartialDate
from stackline.domain.events import Event
from stackline.domain.rules import parent_chain
from stackline.domain.values import Layer
from stackline.store.rows import row_event
from stackline.store.tables import (
    companies,
    event_companies,
    events,
    ownership_links,
    stack_facts,
    voids,
)


class StoredRuleContext:
    """A `RuleContext` over one open write transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def founding(self, slug: str) -> PartialDate | None:
        founded = self.connection.scalar(
            select(companies.c.founded_on).where(companies.c.slug == slug)
        )
        return PartialDate.parse(founded) if founded else None

    def find(self, event_id: UUID) -> Event | None:
        row = self.connection.execute(select(events).where(events.c.id == str(event_id))).first()
        return row_event(row) if row else None

    def is_voided(self, event_id: UUID) -> bool:
        query = select(voids.c.event_id).where(voids.c.event_id == str(event_id))
        return self.connection.scalar(query) is not None

    def earliest_reference(self, slug: str) -> date | None:
        query = (
            select(func.min(events.c.effective_on))
            .select_from(event_companies.join(events, events.c.seq == event_companies.c.seq))
            .where(
                event_companies.c.company == slug,
                events.c.type != "company.registered",
                ~exists().where(voids.c.event_id == events.c.id),
            )
        )
        earliest: date | None = self.connection.scalar(query)
        return earliest

    def parent_on(self, slug: str, on: date) -> str | None:
        query = (
            select(ownership_links.c.acquirer)
            .where(ownership_links.c.target == slug, ownership_links.c.valid_from <= on)
            .order_by(ownership_links.c.valid_from.desc(), ownership_links.c.seq.desc())
            .limit(1)
        )
        return self.connection.scalar(query)

    def parent_chain(self, slug: str, on: date) -> list[str]:
        return parent_chain(self.parent_on, slug, on)

    def ever_ancestors(self, slug: str) -> set[str]:
        found: set[str] = set()
        frontier = {slug}
        while frontier:
            query = select(ownership_links.c.acquirer).where(ownership_links.c.target.in_(frontier))
            frontier = set(self.connection.scalars(query)) - found - {slug}
            found |= frontier
        return found

    def ownership_change_dates(self, slugs: set[str], after: date) -> list[date]:
        if not slugs:
            return []
        query = (
            select(ownership_links.c.valid_from)
            .where(ownership_links.c.target.in_(slugs), ownership_links.c.valid_from > after)
            .distinct()
            .order_by(ownership_links.c.valid_from)
        )
        return list(self.connection.scalars(query))

    def is_ended(self, partnership: UUID) -> bool:
        query = select(events.c.seq).where(
            events.c.target_id == str(partnership),
            events.c.type == "partnership.ended",
            ~exists().where(voids.c.event_id == events.c.id),
        )
        return self.connection.scalar(query.limit(1)) is not None

    def holds_asset(self, company: str, layer: Layer, asset_key: str, on: date) -> bool:
        unit = f"{company}|{layer.value}|{asset_key}"
        query = select(stack_facts.c.row_id).where(
            stack_facts.c.unit == unit,
            stack_facts.c.holder == company,
            stack_facts.c.relation == "owned",
            stack_facts.c.valid_from <= on,
            stack_facts.c.valid_to.is_(None) | (stack_facts.c.valid_to > on),
        )
        return self.connection.scalar(query.limit(1)) is not None
