"""How much compute (DESIGN §9.3, §9.6): a company's capacity over time, and the ranking of a day."""

from __future__ import annotations

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from stackline.domain.capacity_series import RANKING_HEADER, SERIES_HEADER
from stackline.services import capacity, parameters
from stackline.web.api import spec
from stackline.web.api.answers import csv_answer, json_answer
from stackline.web.api.auth import require_reader
from stackline.web.api.byte_order import CapacityCsvQuery, CompanyCapacityCsvQuery
from stackline.web.api.models import CapacityRankingAnswer, CompanyCapacityAnswer
from stackline.web.api.params import CompanyPath
from stackline.web.context import database, today
from stackline.web.limits import expensive_read

bp = APIBlueprint(
    "api_capacity",
    __name__,
    url_prefix=spec.PREFIX,
    abp_tags=[Tag(name="capacity", description="Compute capacity, owned and contracted")],
    abp_security=spec.PUBLIC_OR_BEARER,
)
bp.before_request(require_reader)


@bp.get(
    "/companies/<slug>/capacity",
    operation_id="getCompanyCapacity",
    responses=spec.responses(
        bp,
        CompanyCapacityAnswer,
        "The company's capacity over time",
        *spec.READ_ERRORS,
        404,
        *spec.EXPENSIVE_READ_ERRORS,
        csv=True,
    ),
)
@expensive_read()
def company_capacity(path: CompanyPath, query: CompanyCapacityCsvQuery) -> Response:
    """Megawatts and H100-equivalents the company (with everything below it) owns and
    contracts: a row for `from`, then one for each day either total changes, each with the
    facilities behind it; contracts whose asset names no facility are listed with their
    amount, never counted. `format=csv` gives the totals only."""
    end = parameters.day_until(query.to, "to", today())
    found = capacity.company_capacity(
        database(),
        path.slug,
        parameters.day_from(query.from_),
        end,
        parameters.known_on(query.known_on),
    )
    if query.format == "csv":
        name = f"stackline-capacity-{path.slug}-{found.series.start}-{end}.csv"
        return csv_answer(SERIES_HEADER, found.series.csv_rows(), name, query.marked)
    return json_answer(found.as_dict())


@bp.get(
    "/capacity",
    operation_id="getCapacityRanking",
    responses=spec.responses(
        bp,
        CapacityRankingAnswer,
        "Top-level companies ranked by compute",
        *spec.READ_ERRORS,
        *spec.EXPENSIVE_READ_ERRORS,
        csv=True,
    ),
)
@expensive_read()
def capacity_ranking(query: CapacityCsvQuery) -> Response:
    """Top-level companies with any capacity on a day, by owned plus contracted
    H100-equivalents, then slug."""
    as_of = parameters.day_until(query.as_of, "as_of", today())
    found = capacity.ranking(database(), as_of, parameters.known_on(query.known_on))
    if query.format == "csv":
        rows = (rank.csv_row() for rank in found.ranks)
        return csv_answer(RANKING_HEADER, rows, f"stackline-capacity-{as_of}.csv", query.marked)
    return json_answer(found.as_dict())
