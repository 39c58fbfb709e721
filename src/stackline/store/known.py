"""Readings "as known on" a past moment, by index (DESIGN §9.4).

Reads select from each projection's view (`tables.py`): the rows standing now. A reading as
known on moment T opens its own transaction and, in it, shadows every view with a temporary one
of the same name holding the rows that stood at T (`known_from ≤ T < known_until`); every read
query then answers as of T unchanged, by the same indexes. The transaction is rolled back at
the end, which drops the temporary views: the connection goes back to the pool as it came.

Temporary objects come first in name resolution on both backends (SQLite's `temp` schema,
PostgreSQL's `pg_temp`). On PostgreSQL, `search_path` is set for the transaction so that
statements prepared earlier on the connection are parsed again and see the temporary views.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, Engine

from stackline.domain.documents import format_timestamp
from stackline.store.database import is_sqlite, unavailable_as_such
from stackline.store.tables import PROJECTIONS, view_sql


def shadow_statements(known_on: datetime, postgres: bool) -> list[str]:
    """The statements that make a transaction read the projections as known on `known_on`."""
    moment = format_timestamp(known_on)  # fixed-width text of digits: safe inside the SQL
    first = ['SET LOCAL search_path TO pg_temp, "$user", public'] if postgres else []
    return first + [
        f"CREATE TEMP VIEW {name} AS {view_sql(found, moment)}"
        for name, found in PROJECTIONS.items()
    ]


@contextmanager
def known_read_transaction(engine: Engine, known_on: datetime) -> Iterator[Connection]:
    """A snapshot of the projections as they stood at `known_on` (REPEATABLE READ on
    PostgreSQL, not READ ONLY: temporary views are DDL). Always rolled back."""
    with unavailable_as_such():
        connection = engine.connect()
        postgres = not is_sqlite(connection)
        if postgres:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection:
            transaction = connection.begin()
            try:
                raw = connection.connection.driver_connection
                cursor = raw.cursor()  # type: ignore[union-attr]
                for statement in shadow_statements(known_on, postgres):
                    cursor.execute(statement)
                cursor.close()
                yield connection
            finally:
                transaction.rollback()
