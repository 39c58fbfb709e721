"""Editors signing in and out (Flask-Login sessions; passwords checked with scrypt)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from limits.errors import StorageError
from werkzeug.wrappers import Response

from stackline.services import accounts
from stackline.web.context import database
from stackline.web.extensions import limiter, login_manager

bp = Blueprint("auth", __name__)


SESSION_VERSION = "stackline_session_version"


class Editor(UserMixin):
    def __init__(self, user: accounts.User) -> None:
        self.id = user.id
        self.name = user.name

    def get_id(self) -> str:
        return str(self.id)


@login_manager.user_loader
def _load_editor(user_id: str) -> Editor | None:
    """The signed-in editor, if the session is still current: the editor exists, is not
    disabled, and has not signed out since this session began (server-side versions)."""
    if not user_id.isdigit():
        return None
    user = accounts.find_user(database(), int(user_id))
    if user is None or session.get(SESSION_VERSION) != user.session_version:
        return None
    return Editor(user)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(StorageError, _limit_store_unreachable)


STORE_RETRY_AFTER_S = 30


def _limit_store_unreachable(_error: StorageError) -> tuple[str, int, dict[str, str]]:
    """Sign-in counts attempts in a store (Redis when several processes serve); when it cannot
    be reached, no attempt can be counted, so none is let through: 503, in words."""
    message = (
        "Signing in is unavailable: the store that counts sign-in attempts cannot be reached. "
        f"Try again in {STORE_RETRY_AFTER_S} seconds."
    )
    page = render_template("error.html", status=503, message=message)
    return page, 503, {"Retry-After": str(STORE_RETRY_AFTER_S)}


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.get("/login")
def login_form() -> str:
    return render_template("login.html", next=_safe_next(request.args.get("next")))


def _address_and_name() -> str:
    """Login attempts are counted per address and name: guessing one editor's password from
    one address is slowed, and nobody locks an editor out from elsewhere."""
    name = request.form.get("name", "")[:80].casefold()
    return f"{get_remote_address()}|{name}"


ADDRESS_FACTOR = 5  # an address may try this many names' worth of attempts


def _address_limit() -> str:
    """A looser limit per address alone, against one address trying a password on every name:
    the per-name limit with its count multiplied (`10 per minute` → `50 per minute`)."""
    limit = _login_limit()
    count = re.match(r"\s*(\d+)", limit)
    if count is None:
        return limit
    return str(int(count.group(1)) * ADDRESS_FACTOR) + limit[count.end() :]


@bp.post("/login")
@limiter.limit(_login_limit, methods=["POST"], key_func=_address_and_name)
@limiter.limit(_address_limit, methods=["POST"], key_func=get_remote_address)
def login() -> Response | tuple[str, int]:
    name = request.form.get("name", "")[:80]
    password = request.form.get("password", "")[:1024]
    user = accounts.authenticate(database(), name, password)
    if user is None:
        flash("Unknown name or wrong password.", "error")
        page = render_template("login.html", next=_safe_next(request.form.get("next")), name=name)
        return page, 401
    login_user(Editor(user))
    session[SESSION_VERSION] = user.session_version
    return redirect(_safe_next(request.form.get("next")) or url_for("pages.matrix"))


@bp.get("/logout")
def logout_form() -> str:
    return render_template("logout.html")


@bp.post("/logout")
@login_required
def logout() -> Response:
    accounts.end_sessions(database(), int(current_user.get_id()))
    logout_user()
    session.pop(SESSION_VERSION, None)
    flash("Signed out.", "info")
    return redirect(url_for("pages.matrix"))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: `next` must never send a signed-in editor elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def is_editor() -> bool:
    return bool(current_user.is_authenticated)
