"""Statements on the write path, run straight on the DBAPI connection of an open transaction.

Appends, imports and rebuilds run the same few statements thousands of times; through the DBAPI
each costs a few microseconds, through SQLAlchemy's execution layer tens (the eventsourcing
library's recorders make the same choice). The schema still lives in `tables.py` alone: INSERTs
are generated from its `Table`s, and queries are written once with `:name` parameters, turned
into each driver's style. Dates travel as ISO text, which both backends read as `Date`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from itertools import islice
from typing import Any

import orjson
from sqlalchemy import Connection, Table

# Rows per statement when values go in an IN list (SQLite allows 32,766 parameters).
IN_CHUNK = 500
# PostgreSQL takes big inserts through COPY, faster than any INSERT.
COPY_THRESHOLD = 200

_NAMED = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


def json_text(value: Any) -> str:
    """A value as compact JSON text, for the text columns that hold JSON."""
    return orjson.dumps(value).decode()


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@cache
def _pyformat(sql: str) -> str:
    """`:name` parameters in psycopg's `%(name)s` style (a literal % doubled)."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


class Sql:
    """The DBAPI cursor of one open SQLAlchemy transaction, with named parameters everywhere."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        raw: Any = connection.connection.driver_connection
        self.raw = raw
        self.cursor = raw.cursor()
        self._streams = 0

    def _text(self, sql: str) -> str:
        return _pyformat(sql) if self.postgres else sql

    def run(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self.cursor.execute(self._text(sql), params or {})

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        self.cursor.execute(self._text(sql), params or {})
        return list(self.cursor.fetchall())

    def mappings(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows as dicts of column name to value."""
        self.cursor.execute(self._text(sql), params or {})
        names = [column[0] for column in self.cursor.description]
        return [dict(zip(names, row, strict=True)) for row in self.cursor.fetchall()]

    def first(self, sql: str, params: dict[str, Any] | None = None) -> tuple[Any, ...] | None:
        self.cursor.execute(self._text(sql), params or {})
        row: tuple[Any, ...] | None = self.cursor.fetchone()
        return row

    def stream(self, sql: str, params: dict[str, Any] | None = None) -> Iterator[tuple[Any, ...]]:
        """Rows of a long query, a batch at a time, on a cursor of their own (server-side on
        PostgreSQL, whose ordinary cursors fetch every row at once)."""
        self._streams += 1
        name = f"stackline_stream_{self._streams}"
        cursor = self.raw.cursor(name=name) if self.postgres else self.raw.cursor()
        try:
            cursor.execute(self._text(sql), params or {})
            while batch := cursor.fetchmany(2000):
                yield from batch
        finally:
            cursor.close()

    def rows_in(
        self, sql: str, values: Sequence[Any], params: dict[str, Any] | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of `sql`, whose `IN (:values)` is filled with `values`, a chunk at a time."""
        for chunk in chunks(values, IN_CHUNK):
            names = {f"v{i}": value for i, value in enumerate(chunk)}
            marks = ", ".join(f":{name}" for name in names)
            yield from self.rows(sql.replace(":values", marks), {**(params or {}), **names})

    def mappings_in(
        self, sql: str, values: Sequence[Any], params: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for chunk in chunks(values, IN_CHUNK):
            names = {f"v{i}": value for i, value in enumerate(chunk)}
            marks = ", ".join(f":{name}" for name in names)
            found.extend(self.mappings(sql.replace(":values", marks), {**(params or {}), **names}))
        return found

    def run_in(self, sql: str, values: Sequence[Any], params: dict[str, Any] | None = None) -> None:
        for chunk in chunks(values, IN_CHUNK):
            names = {f"v{i}": value for i, value in enumerate(chunk)}
            marks = ", ".join(f":{name}" for name in names)
            self.run(sql.replace(":values", marks), {**(params or {}), **names})

    def insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows given as dicts holding every column of `table` but autoincrement keys."""
        if not rows:
            return
        columns = insert_columns(table)
        if self.postgres and len(rows) >= COPY_THRESHOLD:
            self._copy(table, columns, rows)
            return
        self.cursor.executemany(self._text(insert_sql(table)), rows)

    def _copy(self, table: Table, columns: tuple[str, ...], rows: Sequence[dict[str, Any]]) -> None:
        with self.cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[column] for column in columns])


@cache
def insert_columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if not (c.primary_key and c.autoincrement is True))


@cache
def insert_sql(table: Table) -> str:
    columns = insert_columns(table)
    marks = ", ".join(f":{name}" for name in columns)
    return f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
