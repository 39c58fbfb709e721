"""Keeping the projection tables in step with the log, inside the append's transaction.

`project` applies a newly appended event; `withdraw` removes the effects of an event that a
retraction or supersession voids. Assets and partnerships are recomputed as whole units from their
own events, so backdated events land in the right interval without replaying the log.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, and_, delete, insert, not_, select

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


def point_fact_rows(event: Event) -> list[tuple[Table, dict[str, Any]]]:
    """Rows an event adds to the tables of single-event facts (names, owners, investments)."""
    seq, occurred = event.seq, event.occurred_on
    if isinstance(event, CompanyRegistered):
        p = event.payload
        return [
            (companies, {"slug": p.company, "registration_seq": seq, "founded_on": str(occurred),
                         "founded_start": occurred.start, "kind": p.kind}),
            (company_names, {"company": p.company, "seq": seq, "valid_from": occurred.start, "name": p.name}),
        ]  # fmt: skip
    if isinstance(event, CompanyRenamed):
        p2 = event.payload
        return [
            (
                company_names,
                {"company": p2.company, "seq": seq, "valid_from": occurred.start, "name": p2.name},
            )
        ]
    if isinstance(event, AcquisitionCompleted):
        deal = event.payload
        return [(ownership_links, {"target": deal.target, "seq": seq, "acquirer": deal.acquirer,
                                   "valid_from": occurred.start, "occurred_on": str(occurred),
                                   "event_id": str(event.id)})]  # fmt: skip
    if isinstance(event, InvestmentMade):
        made = event.payload
        return [(investments, {"investor": made.investor, "seq": seq, "investee": made.investee,
                               "valid_from": occurred.start, "occurred_on": str(occurred),
                               "event_id": str(event.id)})]  # fmt: skip
    return []


def apply_effects(connection: Connection, event: Event) -> None:
    for table, row in point_fact_rows(event):
        connection.execute(insert(table), row)
    if isinstance(event, PartnershipFormed):
        recompute_partnership(connection, str(event.id))
    elif isinstance(event, PartnershipEnded):
        recompute_partnership(connection, str(event.payload.partnership))
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


def _live(*conditions: Any) -> Any:
    return and_(*conditions, not_(events.c.id.in_(select(voids.c.event_id))))


def recompute_asset(connection: Connection, unit: str) -> None:
    rows = connection.execute(select(events).where(_live(events.c.asset_unit == unit)))
    facts = asset_fact_rows(unit, [row_event(row) for row in rows])
    connection.execute(delete(stack_facts).where(stack_facts.c.unit == unit))
    if facts:
        connection.execute(insert(stack_facts), facts)


def recompute_partnership(connection: Connection, partnership_id: str) -> None:
    connection.execute(
        delete(stack_facts).where(stack_facts.c.unit == partnership_unit(partnership_id))
    )
    row = connection.execute(select(events).where(_live(events.c.id == partnership_id))).first()
    if row is None:
        return
    formed = row_event(row)
    ending_rows = connection.execute(
        select(events).where(
            _live(events.c.target_id == partnership_id, events.c.type == "partnership.ended")
        )
    )
    facts = partnership_fact_rows(formed, [row_event(r) for r in ending_rows])
    if facts:
        connection.execute(insert(stack_facts), facts)


def partnership_unit(partnership_id: str) -> str:
    return f"partnership:{partnership_id}"


def asset_fact_rows(unit: str, unit_events: list[Event]) -> list[dict[str, Any]]:
    """`stack_facts` rows of one asset: owned by its owner, partner rows for co-developers."""
    facts = []
    for segment in asset_segments(unit_events):
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
    return facts


def partnership_fact_rows(formed: Event, endings: list[Event]) -> list[dict[str, Any]]:
    """`stack_facts` rows of one partnership: a partner row per party other than the provider."""
    assert isinstance(formed, PartnershipFormed)
    span = partnership_span(formed, [e for e in endings if isinstance(e, PartnershipEnded)])
    if span is None:
        return []
    p = formed.payload
    label = "asset" if p.asset else ("provider" if p.provider else "parties")
    facts = []
    for party in p.parties:
        if party == p.provider:
            continue
        via = [p.provider] if p.provider else [x for x in p.parties if x != party]
        facts.append({
            "unit": partnership_unit(str(formed.id)), "holder": party, "layer": p.layer.value,
            "relation": "partner", "asset": p.asset, "label": label, "kind": "partnership",
            "via": json.dumps(via), "status": p.status, "since": str(formed.occurred_on),
            "event_ids": json.dumps([str(formed.id)]), "valid_from": span[0], "valid_to": span[1],
        })  # fmt: skip
    return facts
