"""Reading stacks: one company's, the matrix of all, and the diff between two days.

Plain as-of queries read the projection tables; queries with `known_on` ("what did we know
then") fold the events known at that moment, the reference semantics of DESIGN §3.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, select

from stackline.domain.dates import MAX_YEAR, MIN_YEAR, PartialDate
from stackline.domain.diff import StackDiff, diff_stacks
from stackline.domain.documents import FieldProblem, InvalidEvent
from stackline.domain.fold import fold_footprint
from stackline.domain.footprint import Footprint, FootprintSource
from stackline.domain.stack import MatrixRow, Stack, compose_matrix, compose_stack
from stackline.services.caching import BoundedCache
from stackline.store.database import read_transaction, single_statement
from stackline.store.footprints import StoredFootprint, company_slugs, events_known_on, snapshot
from stackline.store.tables import companies, events


class UnknownCompany(LookupError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"no company {slug!r} is registered")
        self.slug = slug


def today() -> date:
    return datetime.now(UTC).date()


def parse_as_of(text: str | None, name: str = "as_of", default: date | None = None) -> date:
    """A query's day: `YYYY-MM-DD` (a partial date means its last day); default `default`,
    else today (UTC)."""
    if text:
        return _period(text, name).end
    return default if default is not None else today()


def parse_from_day(text: str, name: str = "from") -> date:
    """The start of a range: a partial date means its first day."""
    return _period(text, name).start


def _period(text: str, name: str) -> PartialDate:
    try:
        return PartialDate.parse(text)
    except ValueError as error:
        problem = FieldProblem(name, str(error))
        raise InvalidEvent(f"bad {name}", [problem], status=400, code="bad_parameter") from None


def parse_known_on(text: str | None) -> datetime | None:
    """A timestamp, or a day meaning the end of that day (UTC); None means now."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is not None and ("T" in text or " " in text):
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            problem = FieldProblem("known_on", f"must fall in the years {MIN_YEAR}–{MAX_YEAR}")
            raise InvalidEvent("bad known_on", [problem], status=400, code="bad_parameter")
        return moment
    day = parse_as_of(text, "known_on")
    return datetime.combine(day, time(23, 59, 59, 999999), tzinfo=UTC)


def _known_footprint(connection: Connection, as_of: date, known_on: datetime) -> Footprint:
    return fold_footprint(events_known_on(connection, known_on), as_of, known_on)


def _source(connection: Connection, as_of: date, known_on: datetime | None) -> FootprintSource:
    if known_on is None:
        return StoredFootprint(connection, as_of)
    return _known_footprint(connection, as_of, known_on)


def log_head(engine: Engine) -> int | None:
    """The log's last `seq` (None when empty), read with one statement and no transaction."""
    with single_statement(engine) as connection:
        return _head_seq(connection)


def _head_seq(connection: Connection) -> int | None:
    """The log's last `seq`: any append changes it, so it keys what is cached."""
    head: int | None = connection.scalar(
        select(events.c.seq).order_by(events.c.seq.desc()).limit(1)
    )
    return head


def _require_company(connection: Connection, slug: str) -> None:
    if connection.scalar(select(companies.c.slug).where(companies.c.slug == slug)) is None:
        raise UnknownCompany(slug)


# Recently composed stacks, per database. A stack is a pure function of the log, so an entry
# stays valid until the log grows; its key holds the log's head `seq`.
_caches: WeakKeyDictionary[Engine, BoundedCache[Stack]] = WeakKeyDictionary()
_caches_lock = threading.Lock()


def _cache_of(engine: Engine) -> BoundedCache[Stack]:
    """Each database (engine) has its own cache, which goes with it."""
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = BoundedCache()
        return cache


def stack_of(
    engine: Engine,
    slug: str,
    as_of: date,
    known_on: datetime | None = None,
    use_cache: bool = True,
) -> Stack:
    cache = _cache_of(engine)
    if use_cache:
        with single_statement(engine) as connection:
            cached = cache.get((slug, as_of, known_on, _head_seq(connection)))
        if cached is not None:
            return cached
    with read_transaction(engine) as connection:
        key = (slug, as_of, known_on, _head_seq(connection))
        _require_company(connection, slug)
        stack = compose_stack(_source(connection, as_of, known_on), slug, known_on)
    if use_cache:
        cache.put(key, stack)
    return stack


def diff_of(
    engine: Engine, slug: str, before: date, after: date, known_on: datetime | None = None
) -> StackDiff:
    with read_transaction(engine) as connection:
        _require_company(connection, slug)
        old = compose_stack(_source(connection, before, known_on), slug, known_on)
        new = compose_stack(_source(connection, after, known_on), slug, known_on)
    return diff_stacks(old, new)


def matrix_of(
    engine: Engine,
    as_of: date,
    known_on: datetime | None = None,
    include_subsidiaries: bool = False,
) -> list[MatrixRow]:
    with read_transaction(engine) as connection:
        if known_on is None:
            footprint = snapshot(connection, as_of)
        else:
            footprint = _known_footprint(connection, as_of, known_on)
        slugs = sorted(footprint.companies)
    return compose_matrix(footprint, slugs, include_subsidiaries)


def companies_on(engine: Engine, as_of: date) -> list[dict[str, Any]]:
    """Companies that exist on `as_of`: slug, name, kind, founding date and parent."""
    with read_transaction(engine) as connection:
        source = StoredFootprint(connection, as_of)
        found = [source.company(slug) for slug in company_slugs(connection, as_of)]
    return [
        {
            "slug": c.slug,
            "name": c.name,
            "kind": c.kind,
            "founded": str(c.founded),
            "parent": c.parent,
        }
        for c in found
        if c is not None
    ]
