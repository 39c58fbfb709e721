"""Configuration from `STACKLINE_*` environment variables (DESIGN §5), parsed strictly.

Every typed setting is parsed here, once, for the web app and the CLI alike: a boolean is one of
true/false, 1/0, yes/no, on/off (any case) and anything else stops the start with a message
naming the variable — `STACKLINE_PUBLIC_READ=Flase` must never leave the data public.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

DEFAULT_DATABASE_FILE = "stackline.db"
DEFAULT_LOCK_TIMEOUT_S = 10.0  # how long a write waits for the write lock before a 503
PREFIX = "STACKLINE_"
_BOOLEANS = {
    "true": True, "1": True, "yes": True, "on": True,
    "false": False, "0": False, "no": False, "off": False,
}  # fmt: skip


class SettingError(ValueError):
    """A setting whose value cannot be used; the message names it and says what it takes."""


def parse_boolean(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
        return _BOOLEANS[value.strip().lower()]
    raise SettingError(
        f"{PREFIX}{name}={value!r} is not a boolean: use true/false, 1/0, yes/no or on/off"
    )


def parse_seconds(name: str, value: object) -> float:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise SettingError(f"{PREFIX}{name}={value!r} is not a number of seconds (0–3600)")
    return seconds


def parse_positive_int(name: str, value: object) -> int:
    number = 0
    if isinstance(value, int | str):
        try:
            number = int(value)
        except ValueError:
            number = 0
    if number <= 0:
        raise SettingError(f"{PREFIX}{name}={value!r} is not a positive whole number")
    return number


def _text(name: str, value: object) -> str:
    return str(value)


_PUBLIC_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[^\s?#]*)?")


def parse_public_url(name: str, value: object) -> str:
    """The address the public reaches the site at (`https://stackline.example`): links that
    leave the page (the feed's) are built on it, never on the `Host` a client sends."""
    text = str(value).strip()
    if not _PUBLIC_URL.fullmatch(text):
        raise SettingError(
            f"{PREFIX}{name}={value!r} is not a public address: use http(s)://host[:port][/path]"
        )
    return text.rstrip("/")


def parse_clock(name: str, value: object) -> object:
    """A clock object (or a datetime) given in code is kept as it is; text is an ISO moment,
    read by `services.clock.clock_from_setting`."""
    return value


# The typed settings; any other STACKLINE_* variable is passed on as text.
PARSERS: dict[str, Callable[[str, object], Any]] = {
    "PUBLIC_READ": parse_boolean,
    "MIGRATE_ON_START": parse_boolean,
    "TESTING": parse_boolean,
    "LOCK_TIMEOUT": parse_seconds,
    "MAX_CONTENT_LENGTH": parse_positive_int,
    "MAX_EXPORTS": parse_positive_int,
    "MAX_EXPENSIVE_READS": parse_positive_int,
    "MAX_GRAPH_NODES": parse_positive_int,
    "MAX_GRAPH_PAGE_NODES": parse_positive_int,
    "MAX_FORM_MEMORY_SIZE": parse_positive_int,
    "REQUEST_TIMEOUT": parse_seconds,
    "IDLE_TIMEOUT": parse_seconds,
    "MAX_CONNECTIONS": parse_positive_int,
    "MIN_SEND_RATE": parse_positive_int,
    "TRUSTED_PROXY": _text,
    "PUBLIC_URL": parse_public_url,
    "DATABASE_URL": _text,
    "SECRET_KEY": _text,
    "CHECKPOINT_KEY": _text,
    "RATELIMIT_STORAGE_URI": _text,
    "LOGIN_RATE_LIMIT": _text,
    "CLOCK": parse_clock,
    "ANSWER_CACHE_BYTES": parse_positive_int,
}


def settings_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every `STACKLINE_*` variable, typed settings parsed (SettingError when one is bad)."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for key, value in environ.items():
        if key.startswith(PREFIX):
            name = key.removeprefix(PREFIX)
            found[name] = PARSERS.get(name, _text)(name, value)
    return found


def parsed(settings: Mapping[str, Any]) -> dict[str, Any]:
    """`settings` with every typed setting parsed (values given in code are checked too)."""
    return {
        name: (PARSERS[name](name, value) if name in PARSERS and value is not None else value)
        for name, value in settings.items()
    }


def setting(name: str, default: Any = None) -> Any:
    """One setting from the environment, parsed; `default` when unset."""
    value = os.environ.get(PREFIX + name)
    return default if value is None else PARSERS.get(name, _text)(name, value)


def database_url() -> str:
    """`STACKLINE_DATABASE_URL`, else a SQLite file in the working directory."""
    configured = os.environ.get("STACKLINE_DATABASE_URL")
    if configured:
        return configured
    return f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}"
