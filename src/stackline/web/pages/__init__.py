"""The server-rendered pages (DESIGN §4, Web pages); all view state lives in the query string."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from stackline.web.pages import formatting

bp = Blueprint("pages", __name__)


def init_app(app: Flask) -> None:
    # The view modules attach their routes to `bp` when imported.
    from stackline.web.pages import (  # noqa: F401
        capacity,
        companies,
        datasets,
        feed,
        graph,
        matrix,
        plans,
        recording,
        timeline,
        trends,
    )

    app.register_blueprint(bp)
    formatting.init_app(app)


@bp.before_request
def _reads_may_need_a_login() -> Response | None:
    if current_app.config["PUBLIC_READ"] or current_user.is_authenticated:
        return None
    return redirect(url_for("auth.login_form", next=request.full_path))
