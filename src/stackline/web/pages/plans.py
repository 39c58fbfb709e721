"""`/plans`: what was announced (with a target date or none), and what became of it by a day."""

from __future__ import annotations

from flask import render_template, request

from stackline.services import parameters, supply_chain
from stackline.web.context import database, today
from stackline.web.pages import bp

STATES = ("pending", "overdue", "undated", "delivered", "abandoned")
# How each state is headed on a page.
STATE_TITLES = {
    "pending": "Pending",
    "overdue": "Overdue",
    "undated": "Announced with no date given",
    "delivered": "Delivered",
    "abandoned": "Abandoned",
}


@bp.get("/plans")
def plans_page() -> str:
    as_of = parameters.day_until(request.args.get("as_of"), "as_of", today())
    plans = supply_chain.plans_of(database(), as_of)
    by_state = {state: [p for p in plans if p.state == state] for state in STATES}
    return render_template(
        "plans.html", as_of=as_of, by_state=by_state, states=STATES, titles=STATE_TITLES
    )
