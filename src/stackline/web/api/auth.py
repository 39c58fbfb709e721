"""Who may call the API: `Authorization: Bearer <token>` for writes, and for reads when not public.

Only the bearer token counts. The session cookie of a signed-in editor never authorizes an API
call, so a page on another site cannot make a browser write through the API.
"""

from __future__ import annotations

from flask import abort, current_app, request

from stackline.services import accounts
from stackline.web.context import database

MAX_TOKEN_LENGTH = 256


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return token


def token_holder() -> str:
    """The name of the caller's token; a 401 when there is no valid one."""
    token = bearer_token()
    if token is None:
        abort(401, description="send an API token as `Authorization: Bearer <token>`")
    owner = accounts.token_owner(database(), token)
    if owner is None:
        abort(401, description="the API token is not valid")
    return owner


def require_reader() -> None:
    """Before every read: anyone when PUBLIC_READ is on (the default), else token holders.

    Writes are left to their views, which always ask for a token.
    """
    if request.method in ("GET", "HEAD") and not current_app.config.get("PUBLIC_READ", True):
        token_holder()
