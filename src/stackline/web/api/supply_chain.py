"""Read operations on the supply chain: the dated graph of a day, and plans against outcomes."""

from __future__ import annotations

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from stackline.domain.documents import format_timestamp
from stackline.services import parameters, supply_chain
from stackline.web.api import spec
from stackline.web.api.answers import json_answer
from stackline.web.api.auth import require_reader
from stackline.web.api.models import GraphAnswer, PlansAnswer
from stackline.web.api.params import GraphQuery, StackQuery
from stackline.web.context import database, today
from stackline.web.limits import expensive_read, require_a_drawable_graph, require_a_small_graph

bp = APIBlueprint(
    "api_supply_chain",
    __name__,
    url_prefix=spec.PREFIX,
    abp_tags=[Tag(name="supply chain", description="Who depends on whom, and plans")],
    abp_security=spec.PUBLIC_OR_BEARER,
)
bp.before_request(require_reader)


@bp.get(
    "/graph",
    operation_id="getGraph",
    responses=spec.responses(
        bp,
        GraphAnswer,
        "The graph of the day",
        *spec.READ_ERRORS,
        404,
        *spec.EXPENSIVE_READ_ERRORS,
    ),
)
@expensive_read(always=True)
def graph(query: GraphQuery) -> Response:
    """Companies, their assets and every dated edge between them on a day: ownership,
    partnerships (the company supplied → its supplier), stakes, assets, and dependencies.

    An answer holds at most 5,000 nodes (`STACKLINE_MAX_GRAPH_NODES`): a larger graph is
    refused (413, `graph_too_large`); ask for one company's neighbourhood with `company`."""
    as_of = parameters.day_until(query.as_of, "as_of", today())
    known_on = parameters.known_on(query.known_on)
    if known_on is None:
        require_a_drawable_graph(as_of, query.company, page=False)
    found = supply_chain.graph_of(database(), as_of, known_on, query.company)
    return json_answer(require_a_small_graph(found, page=False).as_dict())


@bp.get(
    "/plans",
    operation_id="listPlans",
    responses=spec.responses(
        bp, PlansAnswer, "Plans and their outcome", *spec.READ_ERRORS, *spec.EXPENSIVE_READ_ERRORS
    ),
)
@expensive_read()
def plans(query: StackQuery) -> Response:
    """Every announced asset, partnership or acquisition with a target date, and what had
    become of it on the day: pending, delivered, overdue or abandoned, with its slip in days."""
    as_of = parameters.day_until(query.as_of, "as_of", today())
    known_on = parameters.known_on(query.known_on)
    found = supply_chain.plans_of(database(), as_of, known_on)
    return json_answer({
        "as_of": as_of.isoformat(),
        "known_on": format_timestamp(known_on) if known_on else None,
        "plans": [plan.as_dict() for plan in found],
    })  # fmt: skip
