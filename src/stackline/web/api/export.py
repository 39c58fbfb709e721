"""The export: the filtered timeline streamed as a download, and the JSON Schema of its format.

The schema is generated from `models.ExportDocument`, whose payloads come from the event
registry: a new event type is in it without a file to regenerate.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from typing import Any

from flask import Response, current_app, stream_with_context
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from flask_openapi3.types import ResponseDict

from stackline.services import timeline
from stackline.web.api import spec
from stackline.web.api.auth import require_reader
from stackline.web.api.byte_order import ExportCsvQuery, marked
from stackline.web.api.events import event_filter
from stackline.web.api.models import ExportDocument, TimelineJSDocument
from stackline.web.context import clock, streaming_database
from stackline.web.errors import json_error

FILENAMES = {
    "stackline": ("stackline-export.json", "application/json"),
    "timelinejs": ("stackline-timelinejs.json", "application/json"),
    "csv": ("stackline-events.csv", "text/csv"),
}

bp = APIBlueprint(
    "api_export",
    __name__,
    url_prefix=spec.PREFIX,
    abp_tags=[Tag(name="export", description="The timeline as a file")],
    abp_security=spec.PUBLIC_OR_BEARER,
)

bp.before_request(require_reader)
EXPORT_RETRY_AFTER_S = 5


@bp.record_once
def _export_slots(state: Any) -> None:
    """At most MAX_EXPORTS exports stream at once in a process: each holds a read snapshot
    and a connection while the client downloads, so anonymous clients cannot pile them up."""
    limit = int(state.app.config["MAX_EXPORTS"])
    state.app.extensions["stackline.export_slots"] = threading.BoundedSemaphore(limit)


def export_json_schema() -> dict[str, Any]:
    """The JSON Schema of the `stackline-timeline` document, standalone (draft 2020-12)."""
    schema = ExportDocument.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "stackline-timeline",
    }


@cache
def export_schema_text() -> str:
    """The schema as the API serves it (generated once per process)."""
    return json.dumps(export_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _export_responses() -> ResponseDict:
    either = {"anyOf": [spec.ref(bp, ExportDocument), spec.ref(bp, TimelineJSDocument)]}
    attachment = {
        "Content-Disposition": {
            "description": "attachment; filename=stackline-export.json (or stackline-timelinejs.json)",
            "schema": {"type": "string", "pattern": "^attachment; filename="},
        }
    }
    answer = spec.json_response("The export document, streamed", either, attachment)
    answer["content"]["text/csv"] = {
        "schema": {"type": "string", "description": "RFC 4180, UTF-8, with a header row"}
    }
    return {200: answer, **spec.error_responses(bp, *spec.READ_ERRORS, 404, 429)}


@bp.get("/export", operation_id="exportEvents", responses=_export_responses())
def export(query: ExportCsvQuery) -> Response:
    """The events matching the filters as a download, streamed in `seq` order.

    `format=stackline` writes the stackline-timeline document (GET /schemas/export.json
    describes it; `stackline import` reads it back); `format=timelinejs` writes TimelineJS3 JSON
    (retractions are no slide; sources credited); `format=csv` one RFC 4180 row per event. CSV
    and TimelineJS leave voided events out unless `include_voided=true`, as `/events` does, so
    a sum over a CSV counts each live dollar once; the stackline document is the whole log
    (each voided event carries `voided_by`) unless `include_voided=false`.
    """
    chosen = event_filter(query, query.voided_included)
    slots: threading.BoundedSemaphore = current_app.extensions["stackline.export_slots"]
    if not slots.acquire(blocking=False):
        busy = json_error(
            429,
            "too_many_exports",
            f"{current_app.config['MAX_EXPORTS']} exports are streaming already; "
            f"try again in {EXPORT_RETRY_AFTER_S} seconds",
            [],
        )
        busy.headers["Retry-After"] = str(EXPORT_RETRY_AFTER_S)
        return busy
    try:
        chunks = timeline.export_chunks(streaming_database(), chosen, query.format, clock().now())
    except BaseException:
        slots.release()
        raise
    filename, mimetype = FILENAMES[query.format]
    if query.format == "csv":
        chunks = marked(chunks, query.marked)
    response = Response(
        stream_with_context(chunks),
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
    response.call_on_close(slots.release)  # when the server is done with it, sent or not
    return response


@bp.get(
    "/schemas/export.json",
    operation_id="getExportSchema",
    responses={
        200: spec.json_response(
            "The JSON Schema of the stackline-timeline document",
            {"type": "object"},
            media_type="application/schema+json",
        ),
        **spec.error_responses(bp, *spec.READ_ERRORS),
    },
)
def export_schema() -> Response:
    """The JSON Schema (draft 2020-12) that every `format=stackline` export validates against."""
    return Response(export_schema_text(), mimetype="application/schema+json")
