"""Recording events through forms: choose a type, fill its form, correct or retract an event.

Every post goes through the same validation as the API and import; on failure the form comes
back with the input kept and each message beside its field, and nothing is written.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from stackline.domain.errors import StacklineError
from stackline.domain.events import EVENT_TYPES, TYPE_LAYERS, type_help
from stackline.domain.records import RETRACTION
from stackline.services import timeline
from stackline.services.recording import record_event, recorded_before, retract
from stackline.web.context import clock, database, today
from stackline.web.errors import status_of
from stackline.web.forms import (
    MAX_SOURCE_ROWS,
    SOURCE_KEYS,
    form_values,
    payload_fields,
    read_event_form,
    source_rows,
)
from stackline.web.pages import bp

# Inputs the form shows besides the payload's; an error naming one of them appears beside it.
ENVELOPE_INPUTS = frozenset(
    {"occurred_on", "summary", "details", "confidence", "supersedes", "sources", "payload"}
    | {f"sources.{i}" for i in range(MAX_SOURCE_ROWS)}
    | {f"sources.{i}.{k}" for i in range(MAX_SOURCE_ROWS) for k in SOURCE_KEYS}
)


@bp.get("/events/new")
@login_required
def new_event() -> str:
    event_type = request.args.get("type", "")
    if event_type not in EVENT_TYPES:
        return render_template(
            "type_chooser.html",
            types=EVENT_TYPES,
            help={t: type_help(t) for t in EVENT_TYPES},
            layers=TYPE_LAYERS,
        )
    values = form_values({"id": str(uuid4()), "confidence": "confirmed"})
    values.update({k: v for k, v in request.args.items() if k.startswith("payload.")})
    return _render_form(event_type, values, {})


@bp.post("/events/new")
@login_required
def create_event() -> Response | tuple[str, int]:
    event_type = request.form.get("type", "")
    if event_type not in EVENT_TYPES:
        abort(400, description="Choose an event type.")
    slugs = {name.casefold(): slug for slug, name in timeline.company_choices(database())}
    document = read_event_form(event_type, request.form, slugs)
    if not request.form.get("duplicate_ok"):
        try:
            earlier = recorded_before(database(), document)
        except StacklineError:
            earlier = None  # `_record` says what is wrong, beside each field
        if earlier is not None:
            page = _render_form(event_type, form_values(document), {}, duplicate_of=earlier)
            return page, 409
    return _record(event_type, document)


@bp.get("/events/<event_id>/correct")
@login_required
def correct_event(event_id: str) -> str:
    stored = _stored(event_id)
    if stored["type"] == RETRACTION:
        abort(400, description="A retraction cannot be corrected.")
    values = form_values(stored)
    values.update(id=str(uuid4()), supersedes=stored["id"])
    return _render_form(stored["type"], values, {}, correcting=stored)


@bp.get("/events/<event_id>/retract")
@login_required
def retract_form(event_id: str) -> str:
    stored = _stored(event_id)
    return render_template(
        "retract.html", event=stored, values=_retraction_values(stored), errors={}
    )


@bp.post("/events/<event_id>/retract")
@login_required
def retract_event(event_id: str) -> Response | tuple[str, int]:
    stored = _stored(event_id)
    form = request.form
    try:
        appended = retract(
            database(), stored, form.get("payload.reason", ""), current_user.name, today(),
            clock().now(), form.get("sources.0.title"), form.get("sources.0.url"),
            form.get("id") or None,
        )  # fmt: skip
    except StacklineError as error:
        errors = {p.field: p.message for p in error.problems} or {"": error.message}
        values = {**_retraction_values(stored), **form.to_dict()}
        page = render_template(
            "retract.html", event=stored, values=values, errors=errors, message=error.message
        )
        return page, status_of(error)
    flash("Event retracted.", "info")
    return redirect(url_for("pages.event_page", event_id=appended.event_id), code=303)


def _retraction_values(stored: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(uuid4()), "sources.0.title": "Stackline editorial review"}


def _stored(event_id: str) -> dict[str, Any]:
    stored = timeline.get_event(database(), event_id[:64])
    if stored is None:
        abort(404, description="No such event.")
    return stored


def _record(event_type: str, document: dict[str, Any]) -> Response | tuple[str, int]:
    try:
        appended = record_event(database(), document, current_user.name, clock().now())
    except StacklineError as error:
        errors = {p.field: p.message for p in error.problems}
        corrected = document.get("supersedes")
        correcting = timeline.get_event(database(), str(corrected)[:64]) if corrected else None
        page = _render_form(
            event_type, form_values(document), errors, error.message, correcting=correcting
        )
        return page, status_of(error)
    flash("Event recorded." if appended.created else "This event was already recorded.", "info")
    return redirect(url_for("pages.event_page", event_id=appended.event_id), code=303)


def _render_form(
    event_type: str,
    values: dict[str, Any],
    errors: dict[str, str],
    message: str | None = None,
    correcting: dict[str, Any] | None = None,
    duplicate_of: dict[str, Any] | None = None,
) -> str:
    fields = payload_fields(event_type)
    names = {f.name for f in fields} | ENVELOPE_INPUTS
    stray = {k: v for k, v in errors.items() if k not in names}
    return render_template(
        "event_form.html",
        event_type=event_type,
        fields=fields,
        values=values,
        errors=errors,
        stray_errors=stray,
        message=message,
        companies=timeline.company_choices(database()),
        source_rows=source_rows(values),
        correcting=correcting,
        duplicate_of=duplicate_of,
        help=type_help(event_type),
    )
