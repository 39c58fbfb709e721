"""The events plans need: announcements with a target date, and what may have delivered them.

Plans are few; their outcomes are found through indexes — the asset's own launches (`unit`), the
events acting on a plan (`target_id`), the completions naming an acquisition's target
(`event_companies`) — so the read does not grow with the log.
"""

from __future__ import annotations

from datetime import date

import orjson
from sqlalchemy import and_, exists, or_, select

from stackline.domain.documents import format_timestamp
from stackline.domain.records import EventRecord
from stackline.store.rows import record_of_event_row
from stackline.store.tables import event_companies, events, plans, voids
from stackline.store.units_of_work import Reading


def plan_events(uow: Reading, as_of: date) -> list[EventRecord]:
    """Live plans dated by `as_of` and the live events that may deliver or abandon them, in
    effect order (as known on the reading's moment, if it has one)."""
    live = ~exists().where(voids.c.event_id == events.c.id)
    announced = list(
        uow.connection.execute(
            select(events)
            .join(plans, plans.c.seq == events.c.seq)
            .where(plans.c.valid_from <= as_of, live)
        )
    )
    if not announced:
        return []
    ids = [row.id for row in announced]
    units = [row.unit for row in announced if row.unit and row.unit.startswith("asset:")]
    targets = [
        orjson.loads(row.payload)["target"]
        for row in announced
        if row.type == "acquisition.announced"
    ]
    outcome = or_(
        events.c.target_id.in_(ids),
        events.c.unit.in_(units),
        and_(
            events.c.type == "acquisition.completed",
            exists().where(
                event_companies.c.seq == events.c.seq, event_companies.c.company.in_(targets)
            ),
        ),
    )
    known = [] if uow.known_on is None else [events.c.recorded_at <= format_timestamp(uow.known_on)]
    outcomes = uow.connection.execute(
        select(events).where(outcome, events.c.effective_on <= as_of, live, *known)
    )
    rows = {row.seq: row for row in [*announced, *outcomes]}
    ordered = sorted(rows.values(), key=lambda row: (str(row.effective_on), row.seq))
    return [record_of_event_row(row) for row in ordered]
