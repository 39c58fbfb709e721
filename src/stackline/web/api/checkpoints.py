"""GET /api/v1/checkpoint: the latest signed checkpoint of the log, for anyone to keep a copy of
and later check with `stackline verify --against URL`."""

from __future__ import annotations

from flask import Response, abort
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from stackline.services.checkpoints import latest_checkpoint
from stackline.web.api import spec
from stackline.web.api.answers import json_answer
from stackline.web.api.auth import require_reader
from stackline.web.api.models import CheckpointAnswer
from stackline.web.context import database

bp = APIBlueprint(
    "api_checkpoints",
    __name__,
    url_prefix=spec.PREFIX,
    abp_tags=[Tag(name="integrity", description="Checkpoints of the log's head")],
    abp_security=spec.PUBLIC_OR_BEARER,
)
bp.before_request(require_reader)


@bp.get(
    "/checkpoint",
    operation_id="getCheckpoint",
    responses=spec.responses(bp, CheckpointAnswer, "The latest checkpoint", *spec.READ_ERRORS, 404),
)
def checkpoint() -> Response:
    """The latest checkpoint made with `stackline checkpoint` (404 before the first)."""
    found = latest_checkpoint(database())
    if found is None:
        abort(404, description="no checkpoint has been made yet (run `stackline checkpoint`)")
    return json_answer(found.as_dict())
