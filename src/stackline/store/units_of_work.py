"""Units of work: the one way the services reach the database.

A service receives a `Database` and opens a unit with `with db.reading() as uow` (one connection,
one read transaction, one snapshot) or `with db.writing() as uow` (the serialized write
transaction). It hands the unit to the store's read and write functions and never touches a
connection or builds a query itself (cosmicpython's views see `uow`, never the session).

`Database.for_request()` gives the web layer a `Database` whose readings all share one unit,
opened at the first read of a request and closed when the request ends: a page is one
transaction however many services it calls. A write closes that shared reading first, so what
the request reads after its write includes it.

`db.reading(known_on)` is a reading of the projections as they stood at that moment
(`known.py`): the same read functions, the same indexes, its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from stackline.store.database import read_transaction, write_transaction
from stackline.store.known import dispose_known, known_read_transaction


@dataclass
class Reading:
    """One open read transaction. `memo` keeps what one unit looked up once (names, heads)."""

    connection: Connection
    memo: dict[Any, Any] = field(default_factory=dict)
    known_on: datetime | None = None  # the projections read are those standing then

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name


@dataclass
class Writing(Reading):
    """The open write transaction: appends are serialized, and commit together at the end."""


class Database:
    """A database the services can open units of work on."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def reading(self, known_on: datetime | None = None) -> Iterator[Reading]:
        """A read unit of the projections as they stand, or (`known_on`) as they stood then."""
        if known_on is None:
            with read_transaction(self.engine) as connection:
                yield Reading(connection)
        else:
            with known_read_transaction(self.engine, known_on) as connection:
                yield Reading(connection, known_on=known_on)

    @contextmanager
    def writing(self) -> Iterator[Writing]:
        with write_transaction(self.engine) as connection:
            yield Writing(connection)

    def for_request(self) -> RequestDatabase:
        return RequestDatabase(self.engine)

    def dispose(self) -> None:
        dispose_known(self.engine)
        self.engine.dispose()


class RequestDatabase(Database):
    """Every reading of one request shares one unit of work (see the module's docstring)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._stack = ExitStack()
        self._shared: dict[datetime | None, Reading] = {}

    @contextmanager
    def reading(self, known_on: datetime | None = None) -> Iterator[Reading]:
        if known_on not in self._shared:
            self._shared[known_on] = self._stack.enter_context(super().reading(known_on))
        yield self._shared[known_on]

    @contextmanager
    def writing(self) -> Iterator[Writing]:
        self.close()
        with super().writing() as unit:
            yield unit

    def close(self) -> None:
        """End the shared reading, if one is open."""
        self._shared = {}
        self._stack.close()
        self._stack = ExitStack()
