"""Flask extensions, created unbound here and bound to an app in `create_app`."""

from __future__ import annotations

from typing import Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
login_manager.login_view = "auth.login_form"
login_manager.login_message = "Sign in as an editor to record events."

RATE_LIMIT_STORE_TIMEOUT_S = 2.0


def rate_limit_storage_options(uri: str) -> dict[str, Any]:
    """How the login limit talks to its store: its failures raised as `limits.errors.
    StorageError` (answered as a 503 in words), and a store that does not answer given up on
    within seconds rather than waited for."""
    options: dict[str, Any] = {"wrap_exceptions": True}
    if uri.startswith(("redis", "valkey")):
        options["socket_connect_timeout"] = RATE_LIMIT_STORE_TIMEOUT_S
        options["socket_timeout"] = RATE_LIMIT_STORE_TIMEOUT_S
    return options
