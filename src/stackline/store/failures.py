"""When the database cannot serve: busy past the lock wait limit, disk full, read-only, or gone.

These are not bugs and not the client's fault: the request may succeed later, and nothing was
written. The store raises them as `StoreUnavailable` with a cause in plain words and how long a
client should wait; the web layer answers 503 with `Retry-After`, the CLI says why and exits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

BUSY_RETRY_S = 2
TROUBLE_RETRY_S = 30

# psycopg's SQLSTATE codes (class 08 is every connection failure).
_PG_CAUSES = {
    "55P03": ("busy", "the database is busy with another write; try again shortly"),
    "57014": ("busy", "the database is busy with another write; try again shortly"),
    "40001": ("busy", "the database is busy with another write; try again shortly"),
    "53100": ("full", "the database server's disk is full; nothing was written"),
    "53200": ("full", "the database server is out of memory; nothing was written"),
    "25006": ("read_only", "the database is read-only; nothing was written"),
    "57P01": ("gone", "the database server is shutting down; nothing was written"),
    "57P03": ("gone", "the database server is not accepting connections yet"),
}
_SQLITE_CAUSES = {
    "SQLITE_BUSY": ("busy", "the database is busy with another write; try again shortly"),
    "SQLITE_LOCKED": ("busy", "the database is busy with another write; try again shortly"),
    "SQLITE_FULL": ("full", "the disk holding the database is full; nothing was written"),
    "SQLITE_READONLY": ("read_only", "the database file is read-only; nothing was written"),
    "SQLITE_IOERR": ("gone", "the database file could not be read or written"),
    "SQLITE_CANTOPEN": ("gone", "the database file could not be opened"),
}


@dataclass
class StoreUnavailable(Exception):
    """The database cannot serve this request now; nothing was written."""

    kind: str  # busy, full, read_only or gone
    cause: str
    retry_after: int

    def __str__(self) -> str:
        return self.cause


def unavailable(error: BaseException) -> StoreUnavailable | None:
    """The `StoreUnavailable` a database error amounts to, or None for any other error."""
    original = error.orig if isinstance(error, DBAPIError) else error
    found = _postgres_cause(original) or _sqlite_cause(original)
    if found is None:
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            found = ("gone", "the connection to the database was lost; nothing was written")
        else:
            return None
    kind, cause = found
    return StoreUnavailable(kind, cause, BUSY_RETRY_S if kind == "busy" else TROUBLE_RETRY_S)


def _postgres_cause(error: object) -> tuple[str, str] | None:
    state = getattr(error, "sqlstate", None)
    if not isinstance(state, str):
        return None
    if state.startswith("08"):
        return ("gone", "the database server cannot be reached; nothing was written")
    return _PG_CAUSES.get(state)


def _sqlite_cause(error: object) -> tuple[str, str] | None:
    name = getattr(error, "sqlite_errorname", None)
    if not isinstance(name, str):
        return None
    for prefix, found in _SQLITE_CAUSES.items():
        if name == prefix or name.startswith(prefix + "_"):
            return found
    return None
