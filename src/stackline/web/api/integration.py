"""Integration over time (DESIGN §8): each company's presence per layer, change by change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from stackline.services import integration, parameters
from stackline.services.integration import Integration
from stackline.web.api import spec
from stackline.web.api.answers import csv_answer, json_answer
from stackline.web.api.auth import require_reader
from stackline.web.api.byte_order import IntegrationCsvQuery
from stackline.web.api.models import IntegrationAnswer
from stackline.web.api.tables import INTEGRATION_HEADER, presence_cells
from stackline.web.context import database, today
from stackline.web.limits import expensive_read

bp = APIBlueprint(
    "api_integration",
    __name__,
    url_prefix=spec.PREFIX,
    abp_tags=[Tag(name="integration", description="Who integrates the most layers, over time")],
    abp_security=spec.PUBLIC_OR_BEARER,
)
bp.before_request(require_reader)


@bp.get(
    "/integration",
    operation_id="getIntegration",
    responses=spec.responses(
        bp,
        IntegrationAnswer,
        "Each company's presence over time",
        *spec.READ_ERRORS,
        404,
        *spec.EXPENSIVE_READ_ERRORS,
        csv=True,
    ),
)
@expensive_read()
def integration_over_time(query: IntegrationCsvQuery) -> Response:
    """Each company's presence per layer on `from`, then one change for each day it changed up
    to `to`, with the events that caused it: the companies named, or every one that exists
    without a parent on some day of the range. `format=csv` gives one row per change. A range
    whose `from` falls after its `to` is a 400."""
    found = integration.integration(
        database(),
        parameters.day_from(query.from_),
        parameters.day_until(query.to, "to", today()),
        parameters.known_on(query.known_on),
        parameters.company_list(query.company),
        query.include_subsidiaries,
    )
    if query.format == "csv":
        name = f"stackline-integration-{found.start}-{found.end}.csv"
        return csv_answer(INTEGRATION_HEADER, _csv_rows(found), name, query.marked)
    return json_answer(found.as_dict())


def _csv_rows(found: Integration) -> Iterator[list[Any]]:
    for series in found.series:
        for change in series.changes:
            cells = presence_cells(change.layers)
            yield [series.slug, series.name, change.parent, change.on.isoformat(), *cells]
