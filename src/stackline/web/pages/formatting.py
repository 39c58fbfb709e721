"""Template helpers: how presences, dates, relations and query strings are shown."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, request
from markupsafe import Markup

from stackline.domain.money import describe_money
from stackline.domain.values import LAYERS, shown_visibly
from stackline.services import datasets
from stackline.web.context import database
from stackline.web.forms import field_title

PRESENCE_LABELS = {
    "owned": "Owned",
    "partner": "Partner",
    "stake": "Stake",
    "planned": "Planned",
    "none": "None",
}
PRESENCE_HELP = {
    "owned": "Owns an available asset in this layer (directly or through a subsidiary)",
    "partner": "Uses a partner's asset in this layer through a live partnership or co-development",
    "stake": "Invested in a company that owns something in this layer",
    "planned": "Only announced assets or partnerships in this layer",
    "none": "Nothing in this layer",
}


def with_query(**changes: Any) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = {key: value for key, value in request.args.items() if value != ""}
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


MAX_POSITION = 2**31 - 1  # seq is a 32-bit integer column


def page_position(text: str | None) -> int | None:
    """A non-negative position from the query string (ASCII digits, in range), else None."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if value <= MAX_POSITION else None


def shows_open_data() -> bool:
    """Whether the log holds events derived from a dataset, so pages credit it. Derived
    events are never removed from the log, so once seen it stays so (no query after)."""
    if current_app.extensions.get("stackline.open_data_seen"):
        return True
    seen = datasets.any_derived(database())
    current_app.extensions["stackline.open_data_seen"] = seen
    return seen


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        LAYERS=[layer.value for layer in LAYERS],
        PRESENCE_LABELS=PRESENCE_LABELS,
        PRESENCE_HELP=PRESENCE_HELP,
        with_query=with_query,
        shows_open_data=shows_open_data,
    )
    app.jinja_env.filters["layer_title"] = lambda value: str(value).title()
    # A company named, never its slug: `{{ slug|company_name(names) }}`.
    app.jinja_env.filters["company_name"] = lambda slug, names: names.get(slug, slug)
    app.jinja_env.filters["field_title"] = field_title
    app.jinja_env.filters["money"] = describe_money
    app.jinja_env.finalize = _visibly  # every printed text shows invisible characters


def _visibly(value: Any) -> Any:
    """Text printed into a page, with zero-width and direction-changing characters written
    out (`⟨U+202E⟩`): a summary cannot pretend to read otherwise than it does."""
    if isinstance(value, Markup):
        return Markup(shown_visibly(str(value)))
    if isinstance(value, str):
        return shown_visibly(value)
    return value
