"""Readings "as known on" a past moment, by index (DESIGN §9.4).

Reads select from each projection's view (`tables.py`): the rows standing now. A reading as
known on moment T runs on a connection of its own pool, on which every view is shadowed by a
temporary one of the same name holding the rows that stood at the moment kept in the temporary
table `known_moment` (`known_from ≤ T < known_until`); every read query then answers as of T
unchanged, by the same indexes. The temporary objects are made once per connection, when it
opens; a reading only sets the moment (in its transaction, which is always rolled back).

Temporary objects come first in name resolution on both backends (SQLite's `temp` schema;
PostgreSQL's `pg_temp`, put first in those connections' `search_path`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, event

from stackline.domain.documents import format_timestamp
from stackline.store.database import (
    LOCK_TIMEOUT_OPTION,
    is_sqlite,
    make_engine,
    unavailable_as_such,
)
from stackline.store.tables import PROJECTIONS, view_sql

_MOMENT = "(SELECT at FROM known_moment)"


def shadow_statements(postgres: bool) -> list[str]:
    """What makes a connection read the projections as known on the moment in `known_moment`."""
    first = ['SET search_path TO pg_temp, "$user", public'] if postgres else []
    return [
        *first,
        "CREATE TEMP TABLE known_moment (at VARCHAR(27))",
        "INSERT INTO known_moment (at) VALUES (NULL)",
        *(f"CREATE TEMP VIEW {name} AS {view_sql(found, _MOMENT)}"
          for name, found in PROJECTIONS.items()),
    ]  # fmt: skip


_engines: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()
_engines_lock = threading.Lock()


def known_engine(engine: Engine) -> Engine:
    """The engine whose connections read as known on a moment, beside `engine` (one per
    engine, made when first asked for)."""
    with _engines_lock:
        found = _engines.get(engine)
        if found is None:
            url = engine.url.render_as_string(hide_password=False)
            timeout = engine.get_execution_options().get(LOCK_TIMEOUT_OPTION)
            found = make_engine(url, timeout) if timeout is not None else make_engine(url)
            postgres = not is_sqlite(found)

            @event.listens_for(found, "connect")
            def _shadow(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                for statement in shadow_statements(postgres):
                    cursor.execute(statement)
                cursor.close()
                if postgres:
                    dbapi_connection.commit()

            _engines[engine] = found
        return found


def dispose_known(engine: Engine) -> None:
    with _engines_lock:
        found = _engines.pop(engine, None)
    if found is not None:
        found.dispose()


def _in_memory(engine: Engine) -> bool:
    return is_sqlite(engine) and engine.url.database in (None, "", ":memory:")


@contextmanager
def known_read_transaction(engine: Engine, known_on: datetime) -> Iterator[Connection]:
    """A snapshot of the projections as they stood at `known_on` (REPEATABLE READ on
    PostgreSQL; not READ ONLY, as the moment is written to the temporary table). Rolled back.
    An in-memory database (one connection) gets the temporary views in the transaction."""
    moment = format_timestamp(known_on)
    with unavailable_as_such():
        in_memory = _in_memory(engine)
        connection = (engine if in_memory else known_engine(engine)).connect()
        if not is_sqlite(connection):
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection:
            transaction = connection.begin()
            try:
                cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
                for statement in shadow_statements(False) if in_memory else ():
                    cursor.execute(statement)
                marks = "%s" if not is_sqlite(connection) else "?"
                cursor.execute(f"UPDATE known_moment SET at = {marks}", (moment,))
                cursor.close()
                yield connection
            finally:
                transaction.rollback()
