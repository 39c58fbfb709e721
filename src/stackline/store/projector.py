"""Keeping the projection tables in step with the log, inside the append's transaction.

`project` applies a newly appended event; `withdraw` removes the effects of an event that a
retraction or supersession voids. Assets and partnerships are recomputed as whole units from their
own events, so backdated events land in the right interval without replaying the log.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, delete, insert, not_, select

from stackline.domain.events import (
    AcquisitionCompleted,
    CompanyRegistered,
    CompanyRenamed,
    Event,
    InvestmentMade,
    PartnershipEnded,
    PartnershipFormed,
    named_companies,
)
from stackline.domain.intervals import asset_segments, partnership_span
from stackline.domain.rules import voided_by
from stackline.store.rows import asset_unit, row_event
from stackline.store.tables import (
    companies,
    company_names,
    event_companies,
    events,
    investments,
    ownership_links,
    stack_facts,
    voids,
)


def project(connection: Connection, event: Event) -> None:
    """Apply one stored event's effects, its voiding of an earlier event included."""
    void_target(connection, event)
    apply_event(connection, event)


def void_target(connection: Connection, event: Event) -> None:
    """Withdraw the effects of the event that `event` retracts or supersedes, if any."""
    target = voided_by(event)
    if target is not None:
        assert event.id is not None
        void(connection, target, event.id)


def apply_event(connection: Connection, event: Event) -> None:
    """Index the companies the event names and apply its own effects."""
    assert event.seq is not None
    names = named_companies(event)
    if names:
        connection.execute(
            insert(event_companies), [{"company": slug, "seq": event.seq} for slug in names]
        )
    apply_effects(connection, event)


def void(connection: Connection, target_id: UUID, voided_by: UUID) -> None:
    connection.execute(insert(voids), {"event_id": str(target_id), "voided_by": str(voided_by)})
    row = connection.execute(select(events).where(events.c.id == str(target_id))).one()
    withdraw(connection, row_event(row))


def apply_effects(connection: Connection, event: Event) -> None:
    seq, p = event.seq, event.payload
    if isinstance(event, CompanyRegistered):
        connection.execute(insert(companies), {
            "slug": event.payload.company, "registration_seq": seq,
            "founded_on": str(event.occurred_on), "founded_start": event.occurred_on.start,
            "kind": event.payload.kind,
        })  # fmt: skip
        _insert_name(connection, event.payload.company, event)
    elif isinstance(event, CompanyRenamed):
        _insert_name(connection, event.payload.company, event)
    elif isinstance(event, AcquisitionCompleted):
        connection.execute(insert(ownership_links), {
            "target": event.payload.target, "seq": seq, "acquirer": event.payload.acquirer,
            "valid_from": event.occurred_on.start, "occurred_on": str(event.occurred_on),
            "event_id": str(event.id),
        })  # fmt: skip
    elif isinstance(event, InvestmentMade):
        connection.execute(insert(investments), {
            "investor": event.payload.investor, "seq": seq, "investee": event.payload.investee,
            "valid_from": event.occurred_on.start, "occurred_on": str(event.occurred_on),
            "event_id": str(event.id),
        })  # fmt: skip
    elif isinstance(event, PartnershipFormed):
        recompute_partnership(connection, str(event.id))
    elif isinstance(event, PartnershipEnded):
        recompute_partnership(connection, str(p.partnership))  # type: ignore[union-attr]
    else:
        unit = asset_unit(event)
        if unit is not None:
            recompute_asset(connection, unit)


def withdraw(connection: Connection, event: Event) -> None:
    """Remove a voided event's effects (its row in `voids` is already written)."""
    seq = event.seq
    if isinstance(event, CompanyRegistered):
        connection.execute(delete(companies).where(companies.c.registration_seq == seq))
        connection.execute(delete(company_names).where(company_names.c.seq == seq))
    elif isinstance(event, CompanyRenamed):
        connection.execute(delete(company_names).where(company_names.c.seq == seq))
    elif isinstance(event, AcquisitionCompleted):
        connection.execute(delete(ownership_links).where(ownership_links.c.seq == seq))
    elif isinstance(event, InvestmentMade):
        connection.execute(delete(investments).where(investments.c.seq == seq))
    else:
        apply_effects(connection, event)  # units are recomputed without the voided event


def _insert_name(connection: Connection, company: str, event: Event) -> None:
    name = event.payload.name  # type: ignore[union-attr]
    connection.execute(insert(company_names), {
        "company": company, "seq": event.seq, "valid_from": event.occurred_on.start, "name": name,
    })  # fmt: skip


def _live(*conditions: Any) -> Any:
    return and_(*conditions, not_(events.c.id.in_(select(voids.c.event_id))))


def recompute_asset(connection: Connection, unit: str) -> None:
    rows = connection.execute(select(events).where(_live(events.c.asset_unit == unit)))
    segments = asset_segments([row_event(row) for row in rows])
    connection.execute(delete(stack_facts).where(stack_facts.c.unit == unit))
    facts = []
    for segment in segments:
        state = segment.state
        common = {
            "unit": unit, "layer": state.layer.value, "asset": state.name, "label": "asset",
            "kind": state.kind, "status": state.status, "since": str(state.since),
            "event_ids": json.dumps([str(i) for i in state.event_ids]),
            "valid_from": segment.valid_from, "valid_to": segment.valid_to,
        }  # fmt: skip
        facts.append({**common, "holder": state.owner, "relation": "owned", "via": "[]"})
        for partner, since in state.partners:
            if partner != state.owner:
                facts.append({
                    **common, "holder": partner, "relation": "partner", "since": str(since),
                    "via": json.dumps([state.owner]),
                })  # fmt: skip
    if facts:
        connection.execute(insert(stack_facts), facts)


def recompute_partnership(connection: Connection, partnership_id: str) -> None:
    unit = f"partnership:{partnership_id}"
    connection.execute(delete(stack_facts).where(stack_facts.c.unit == unit))
    row = connection.execute(select(events).where(_live(events.c.id == partnership_id))).first()
    if row is None:
        return
    formed = row_event(row)
    assert isinstance(formed, PartnershipFormed)
    ending_rows = connection.execute(
        select(events).where(
            _live(events.c.target_id == partnership_id, events.c.type == "partnership.ended")
        )
    )
    endings = [e for e in map(row_event, ending_rows) if isinstance(e, PartnershipEnded)]
    span = partnership_span(formed, endings)
    if span is None:
        return
    p = formed.payload
    facts = []
    for party in p.parties:
        if party == p.provider:
            continue
        via = [p.provider] if p.provider else [x for x in p.parties if x != party]
        facts.append({
            "unit": unit, "holder": party, "layer": p.layer.value, "relation": "partner",
            "asset": p.asset, "label": "asset" if p.asset else ("provider" if p.provider else "parties"),
            "kind": "partnership", "via": json.dumps(via), "status": p.status,
            "since": str(formed.occurred_on), "event_ids": json.dumps([partnership_id]),
            "valid_from": span[0], "valid_to": span[1],
        })  # fmt: skip
    connection.execute(insert(stack_facts), facts)
