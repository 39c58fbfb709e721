"""`GET /api/v1/datasets`: the open datasets imported and every import run, as `/datasets` shows."""

from __future__ import annotations

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from stackline.services import datasets
from stackline.web.api import spec
from stackline.web.api.answers import json_answer
from stackline.web.api.auth import require_reader
from stackline.web.api.models import DatasetsAnswer
from stackline.web.context import database

bp = APIBlueprint(
    "api_datasets",
    __name__,
    url_prefix=spec.PREFIX,
    abp_tags=[Tag(name="datasets", description="Open data imported, and each import run")],
    abp_security=spec.PUBLIC_OR_BEARER,
)
bp.before_request(require_reader)


@bp.get(
    "/datasets",
    operation_id="listDatasets",
    responses=spec.responses(bp, DatasetsAnswer, "Datasets and import runs", *spec.READ_ERRORS),
)
def list_datasets() -> Response:
    """The live events each dataset gave, and every import run (newest first): its snapshot,
    files with their sha256, counts per file, conflicts, rows skipped and why, and the
    organizations it could not resolve. Epoch AI's data is CC BY 4.0: `credit` says how to
    credit it."""
    return json_answer(datasets.overview(database()))
