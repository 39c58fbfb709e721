"""Reading stacks: one company's, the matrix of all, the diff between two days, the companies.

Every query reads the projection tables: as they stand, or (`known_on`, "what did we know
then") as they stood at that moment, through a reading opened with it (`store/known.py`,
DESIGN §9.4) — the same queries, by the same indexes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary

from stackline.domain.dates import shown_day
from stackline.domain.diff import StackDiff, company_changes, diff_footprints, diff_stacks
from stackline.domain.documents import format_timestamp
from stackline.domain.errors import UnknownCompany
from stackline.domain.footprint import StackEntry
from stackline.domain.presence import PresenceRow
from stackline.domain.stack import MatrixRow, Stack, compose_stack
from stackline.domain.values import LAYERS
from stackline.services.caching import BoundedCache
from stackline.store.footprints import StoredFootprint, event_facts, snapshot
from stackline.store.reads import companies as company_reads
from stackline.store.reads import events as event_reads
from stackline.store.reads import presence as presence_reads
from stackline.store.units_of_work import Database, Reading


def require_company(uow: Reading, slug: str) -> None:
    if not company_reads.is_registered(uow, slug):
        raise UnknownCompany.of(slug)


def require_known_company(uow: Reading, slug: str) -> None:
    """`UnknownCompany` unless a registration of `slug` was known to the reading's moment (a
    series over time is of a company known then)."""
    if not company_reads.was_registered(uow, slug):
        raise UnknownCompany.of(slug)


# Recently composed stacks, per database. A stack is a pure function of the log, so an entry
# stays valid until the log grows; its key holds the log's head `seq`.
_caches: WeakKeyDictionary[Any, BoundedCache[Stack]] = WeakKeyDictionary()  # by engine
_caches_lock = threading.Lock()


def _cache_of(db: Database) -> BoundedCache[Stack]:
    with _caches_lock:
        cache = _caches.get(db.engine)
        if cache is None:
            cache = _caches[db.engine] = BoundedCache()
        return cache


def stack_of(
    db: Database,
    slug: str,
    as_of: date,
    known_on: datetime | None = None,
    use_cache: bool = True,
) -> Stack:
    """One company's stack on `as_of` (as known on `known_on`); `UnknownCompany` if none."""
    cache = _cache_of(db)
    with db.reading(known_on) as uow:
        key = (slug, as_of, known_on, event_reads.log_head(uow))
        cached = cache.get(key) if use_cache else None
        if cached is not None:
            return cached
        require_company(uow, slug)
        stack = compose_stack(StoredFootprint(uow, as_of), slug, known_on)
    if use_cache:
        cache.put(key, stack)
    return stack


def diff_of(
    db: Database, slug: str, before: date, after: date, known_on: datetime | None = None
) -> tuple[StackDiff, list[dict[str, Any]]]:
    """What changed in the company's stack from `before` to `after` (either may be the later),
    and the events between them that
    name it or any company whose entries it holds on either day (subsidiaries at any depth)."""
    first, last = min(before, after), max(before, after)
    with db.reading(known_on) as uow:
        require_company(uow, slug)
        old = compose_stack(StoredFootprint(uow, before), slug, known_on)
        new = compose_stack(StoredFootprint(uow, after), slug, known_on)
        diff = diff_stacks(old, new)
        related = {slug} | holding_companies(old) | holding_companies(new)
        between = event_reads.events_between(uow, related, first, last)
    return diff, between


MAX_DIFF_EVENTS = 1000


@dataclass(frozen=True)
class IndustryDiff:
    """Every company whose entries differ between two days, and the events effective between."""

    before: date
    after: date
    known_on: datetime | None
    diffs: list[StackDiff]
    events: list[dict[str, Any]]  # the first MAX_DIFF_EVENTS, by effective date then seq
    events_total: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.before.isoformat(),
            "to": self.after.isoformat(),
            "known_on": format_timestamp(self.known_on) if self.known_on else None,
            "companies": [company_changes(diff) for diff in self.diffs],
            "events": self.events,
            "events_total": self.events_total,
        }


def industry_diff(
    db: Database,
    before: date,
    after: date,
    known_on: datetime | None = None,
    companies: list[str] | None = None,
) -> IndustryDiff:
    """What changed in every company's entries (or those of `companies`) from `before` to
    `after` (either may be the later), and every live event effective in between: two days'
    footprints read whole, stacks composed from them in memory, and the events behind the
    entries of the companies that changed looked up once."""
    with db.reading(known_on) as uow:
        for slug in companies or []:
            require_company(uow, slug)
        return _industry_diff(uow, before, after, companies)


def _industry_diff(
    uow: Reading, before: date, after: date, companies: list[str] | None
) -> IndustryDiff:
    """The industry diff as `uow` reads the projections (as known on its moment, if any)."""
    known_on = uow.known_on
    first, last = min(before, after), max(before, after)
    old, new = (snapshot(uow, day) for day in (before, after))
    changed = diff_footprints(old, new, companies)
    ids = {
        i for d in changed for s in (d.before, d.after) for e in _entries(s) for i in e.event_ids
    }
    old.facts = new.facts = event_facts(uow.connection, ids)
    diffs = diff_footprints(old, new, [d.after.slug for d in changed])
    cutoff = format_timestamp(known_on) if known_on else None
    events, total = event_reads.events_effective_between(
        uow, first, last, None, MAX_DIFF_EVENTS, cutoff
    )
    return IndustryDiff(before, after, known_on, diffs, events, total)


def _entries(stack: Stack) -> list[StackEntry]:
    return [entry for layer in LAYERS for entry in stack.entries[layer]]


def holding_companies(stack: Stack) -> set[str]:
    """The company's subsidiaries on the day, direct or through others (they hold its assets)."""
    found = set(stack.subsidiaries)
    for entries in stack.entries.values():
        for entry in entries:
            if entry.relation == "owned":
                found.update(entry.via)
    return found


@dataclass(frozen=True)
class Comparison:
    """The matrix page against an earlier (or later) day: each company's row then, the cells
    that differ, and the events that changed the page's companies in between."""

    on: date
    rows: dict[str, MatrixRow]
    changed: frozenset[tuple[str, str]]  # (slug, layer)
    events: list[dict[str, Any]]
    diff: IndustryDiff | None = None  # the page's companies, entry by entry

    def changed_in(self, slug: str) -> list[str]:
        return [layer.value for layer in LAYERS if (slug, layer.value) in self.changed]


@dataclass(frozen=True)
class MatrixPage:
    """One page of the matrix of a day: the most integrated companies first."""

    as_of: date
    rows: list[MatrixRow]
    page: int
    per_page: int | None  # None: every row
    has_next: bool = False
    comparison: Comparison | None = None
    # Since when each row's company has owned as many layers as it does, at its precision.
    owned_since: dict[str, str] = field(default_factory=dict)

    @property
    def first_position(self) -> int:
        return (self.page - 1) * (self.per_page or 0) + 1

    @property
    def last_position(self) -> int:
        return self.first_position + len(self.rows) - 1


def matrix_of(
    db: Database,
    as_of: date,
    known_on: datetime | None = None,
    include_subsidiaries: bool = False,
    page: int = 1,
    per_page: int | None = None,
    compare: date | None = None,
    order: str = "rank",
    with_owned_since: bool = False,
) -> MatrixPage:
    """The matrix of `as_of` from the presence projection (as it stood on `known_on`): all of it,
    or page `page` of `per_page` rows (read with one more, to know whether another page
    follows, never counted: the first page costs the same however many companies there are);
    against `compare`, what changed since (or until) then; `with_owned_since`, since when each
    has owned as many layers (`order="since"` ranks by it among equals)."""
    with db.reading(known_on) as uow:
        offset = (page - 1) * per_page if per_page else 0
        limit = per_page + 1 if per_page else None
        found = presence_reads.matrix_rows(
            uow, as_of, include_subsidiaries, offset, limit, by_owned_since=order == "since"
        )
        rows = [_matrix_row(row) for row in found[:per_page]]
        comparison = _comparison(uow, rows, as_of, compare) if compare is not None else None
        since = _owned_since(uow, as_of, rows) if with_owned_since else {}
    has_next = per_page is not None and len(found) > per_page
    return MatrixPage(as_of, rows, page, per_page, has_next, comparison, since)


def _owned_since(uow: Reading, as_of: date, rows: list[MatrixRow]) -> dict[str, str]:
    found = presence_reads.owned_since(uow, as_of, [row.slug for row in rows])
    occurred = event_reads.occurred_on_of(uow, (i for _, ids in found.values() for i in ids))
    return {
        slug: shown_day(day, [occurred[i] for i in ids if i in occurred])
        for slug, (day, ids) in found.items()
    }


def _comparison(uow: Reading, rows: list[MatrixRow], as_of: date, other: date) -> Comparison:
    slugs = [row.slug for row in rows]
    then = {s: _matrix_row(r) for s, r in presence_reads.rows_on(uow, other, slugs).items()}
    changed = frozenset(
        (row.slug, layer.value)
        for row in rows
        for layer in LAYERS
        if (then[row.slug].presence[layer] if row.slug in then else "none") != row.presence[layer]
    )
    diff = _industry_diff(uow, other, as_of, slugs)
    return Comparison(other, then, changed, diff.events, diff)


def _matrix_row(row: PresenceRow) -> MatrixRow:
    return MatrixRow(row.company, row.name, row.parent, row.presence)


def company_names(db: Database) -> dict[str, str]:
    """Every registered company's latest name, by slug (pages name companies, never slugs)."""
    with db.reading() as uow:
        return dict(company_reads.current_names(uow))


def companies_on(db: Database, as_of: date) -> list[dict[str, Any]]:
    """Companies that exist on `as_of`: slug, name, kind, founding date and parent."""
    with db.reading() as uow:
        found = company_reads.companies_on(uow, as_of)
    return [
        {
            "slug": c.slug,
            "name": c.name,
            "kind": c.kind,
            "founded": str(c.founded),
            "parent": c.parent,
        }
        for c in found
    ]


def log_head(db: Database) -> int:
    with db.reading() as uow:
        return event_reads.log_head(uow)
