"""Read operations on stacks: the companies on a day, one company's stack and diff, the matrix."""

from __future__ import annotations

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from stackline.services import parameters, stacks
from stackline.web.api import spec
from stackline.web.api.answers import csv_answer, json_answer
from stackline.web.api.auth import require_reader
from stackline.web.api.byte_order import IndustryDiffCsvQuery, MatrixCsvQuery
from stackline.web.api.models import (
    CompaniesAnswer,
    DiffAnswer,
    IndustryDiffAnswer,
    MatrixAnswer,
    StackAnswer,
)
from stackline.web.api.params import CompaniesQuery, CompanyPath, DiffQuery, StackQuery
from stackline.web.api.tables import DIFF_HEADER, MATRIX_HEADER, diff_rows, presence_cells
from stackline.web.context import database, today
from stackline.web.limits import expensive_read

bp = APIBlueprint(
    "api_stacks",
    __name__,
    url_prefix=spec.PREFIX,
    abp_tags=[Tag(name="stacks", description="Stack footprints as of a day")],
    abp_security=spec.PUBLIC_OR_BEARER,
)

bp.before_request(require_reader)


@bp.get(
    "/companies",
    operation_id="listCompanies",
    responses=spec.responses(
        bp, CompaniesAnswer, "Companies that exist on the day", *spec.READ_ERRORS
    ),
)
def list_companies(query: CompaniesQuery) -> Response:
    """The companies that exist on a day: slug, name, kind, founding date and parent."""
    as_of = parameters.day_until(query.as_of, "as_of", today())
    return json_answer({"companies": stacks.companies_on(database(), as_of)})


@bp.get(
    "/companies/<slug>/stack",
    operation_id="getCompanyStack",
    responses=spec.responses(
        bp,
        StackAnswer,
        "The company's four layers",
        *spec.READ_ERRORS,
        404,
        *spec.EXPENSIVE_READ_ERRORS,
    ),
)
@expensive_read()
def company_stack(path: CompanyPath, query: StackQuery) -> Response:
    """One company's stack as of a day, optionally as it was known at an earlier moment."""
    as_of = parameters.day_until(query.as_of, "as_of", today())
    known_on = parameters.known_on(query.known_on)
    return json_answer(stacks.stack_of(database(), path.slug, as_of, known_on).as_dict())


@bp.get(
    "/companies/<slug>/diff",
    operation_id="getCompanyDiff",
    responses=spec.responses(
        bp,
        DiffAnswer,
        "What changed between the days",
        *spec.READ_ERRORS,
        404,
        *spec.EXPENSIVE_READ_ERRORS,
    ),
)
@expensive_read()
def company_diff(path: CompanyPath, query: DiffQuery) -> Response:
    """Entries added, removed and changed between two days, and the events between them."""
    before = parameters.day_until(query.from_, "from", today())
    after = parameters.day_until(query.to, "to", today())
    known_on = parameters.known_on(query.known_on)
    diff, between = stacks.diff_of(database(), path.slug, before, after, known_on)
    return json_answer(diff.as_dict(between))


@bp.get(
    "/diff",
    operation_id="getIndustryDiff",
    responses=spec.responses(
        bp,
        IndustryDiffAnswer,
        "What changed in every company between the days",
        *spec.READ_ERRORS,
        *spec.EXPENSIVE_READ_ERRORS,
        csv=True,
    ),
)
@expensive_read()
def industry_diff(query: IndustryDiffCsvQuery) -> Response:
    """Every company whose entries differ between two days (added, removed, changed status),
    and the live events effective in between (DESIGN §9.5)."""
    before = parameters.day_until(query.from_, "from", today())
    after = parameters.day_until(query.to, "to", today())
    known_on = parameters.known_on(query.known_on)
    answer = stacks.industry_diff(database(), before, after, known_on).as_dict()
    if query.format == "csv":
        name = f"stackline-diff-{before}-{after}.csv"
        return csv_answer(DIFF_HEADER, diff_rows(answer["companies"]), name, query.marked)
    return json_answer(answer)


@bp.get(
    "/stack",
    operation_id="getMatrix",
    responses=spec.responses(
        bp,
        MatrixAnswer,
        "Companies ranked by integration",
        *spec.READ_ERRORS,
        *spec.EXPENSIVE_READ_ERRORS,
        csv=True,
    ),
)
@expensive_read()
def matrix(query: MatrixCsvQuery) -> Response:
    """Every company's presence per layer on a day, the most integrated first."""
    as_of = parameters.day_until(query.as_of, "as_of", today())
    known_on = parameters.known_on(query.known_on)
    rows = stacks.matrix_of(database(), as_of, known_on, query.include_subsidiaries).rows
    if query.format == "csv":
        table = ([row.slug, row.name, row.parent, *presence_cells(row.presence)] for row in rows)
        return csv_answer(MATRIX_HEADER, table, f"stackline-matrix-{as_of}.csv", query.marked)
    return json_answer({"as_of": as_of.isoformat(), "companies": [row.as_dict() for row in rows]})
