"""The company page as one service call: stack, diff, history and events in one unit of work.

Everything is read from one `FootprintHistory` of the company's closure (a fixed number of
queries) plus the event facts, the events naming the company and the names shown: the page
costs the same few statements whether the log holds a hundred events or a million.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from stackline.domain.dates import PartialDate
from stackline.domain.diff import StackDiff, diff_stacks
from stackline.domain.documents import format_timestamp
from stackline.domain.fact_set import FactSet
from stackline.domain.filters import EventFilter
from stackline.domain.footprint import DependencyEdge, Footprint
from stackline.domain.stack import Stack, compose_stack
from stackline.services.history import HistoryPoint, layer_history
from stackline.services.stacks import holding_companies, require_company
from stackline.store.footprints import StoredFootprint
from stackline.store.reads import companies as company_reads
from stackline.store.reads import events as event_reads
from stackline.store.reads.history import company_closure, event_facts, history_facts
from stackline.store.units_of_work import Database, Reading

EVENTS_SHOWN = 200
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CompanyPage:
    slug: str
    as_of: date
    stack: Stack
    diff: StackDiff | None
    diff_events: list[dict[str, Any]]
    history: list[HistoryPoint]
    events: list[dict[str, Any]]
    more_events: bool
    names: dict[str, str]
    dependencies: list[DependencyEdge]  # what its (and its subsidiaries') assets depend on
    change_days: list[date]  # the days its stack may change (the slider's span)
    previous_change: date | None  # the last day before `as_of` on which its stack changed
    next_change: date | None  # the first day after `as_of` on which it changes
    # With `known_on` before the log's first event was recorded: when that was (else None).
    recorded_from: str | None = None


def company_page(
    db: Database,
    slug: str,
    as_of: date,
    today: date,
    known_on: datetime | None = None,
    compare: date | None = None,
) -> CompanyPage:
    """Everything `/companies/<slug>` shows; `UnknownCompany` when no registration names it."""
    with db.reading() as uow, ExitStack() as readings:
        known = uow if known_on is None else readings.enter_context(db.reading(known_on))
        require_company(uow, slug)
        history = history_facts(uow, company_closure(uow, slug))
        stack = _stack(known, history, slug, as_of)
        diff, diff_events = None, []
        if compare is not None:
            before, after = sorted((compare, as_of))
            old = _stack(known, history, slug, before)
            new = stack if after == as_of else _stack(known, history, slug, after)
            diff = diff_stacks(old, new)
            related = {slug} | holding_companies(old) | holding_companies(new)
            diff_events = event_reads.events_between(uow, related, before, after)
        chart = layer_history(known, slug, max(as_of, today))
        change_days = history.change_days()
        previous_change, next_change = _steps(history, slug, as_of, change_days)
        holders = {slug} | holding_companies(stack)
        depends = [d for d in history.on(as_of).dependencies if d.dependent.company in holders]
        events, next_after = event_reads.events_page(
            uow, EventFilter(company=slug, include_voided=True), 0, EVENTS_SHOWN
        )
        names = company_reads.current_names(uow)
        first = event_reads.first_recorded_at(uow) if known_on is not None else None
        recorded_from = first if known_on and first and format_timestamp(known_on) < first else None
    by_date = sorted(events, key=lambda e: (PartialDate.parse(e["occurred_on"]).start, e["seq"]))
    return CompanyPage(
        slug, as_of, stack, diff, diff_events, chart, by_date, next_after is not None, names,
        sorted(depends, key=lambda d: (d.dependent.key, d.kind, d.on.key)), change_days,
        previous_change, next_change, recorded_from,
    )  # fmt: skip


MOST_DAYS_TRIED = 400  # candidate days looked at each way before settling for the nearest
# …and at most this many facts composed each way: a day's two compositions cost in proportion to
# the closure's facts (a parent of thousands took 0.4 s a composition at 40,000 events, and
# 400 days each way made its page take minutes; now about 2 s at most).
STEP_FACTS_BUDGET = 50_000


def _steps(
    history: FactSet, slug: str, as_of: date, candidates: list[date]
) -> tuple[date | None, date | None]:
    """The company's change days either side of `as_of`: among the days a fact of its closure
    starts or stops, those on which its stack document differs from the day before (a stake's
    investee changing what the stake does not show is no step). Past `MOST_DAYS_TRIED` in one
    direction (fewer for a closure so large that `STEP_FACTS_BUDGET` runs out first) the
    nearest candidate not looked at stands."""
    most = max(2, min(MOST_DAYS_TRIED, STEP_FACTS_BUDGET // max(1, 2 * history.size())))

    def changes(day: date) -> bool:
        before = compose_stack(history.on(day - ONE_DAY), slug).signature()
        return compose_stack(history.on(day), slug).signature() != before

    earlier = [d for d in candidates if d < as_of][::-1]
    later = [d for d in candidates if d > as_of]
    found: list[date | None] = []
    for days in (earlier, later):
        tried = days[:most]
        found.append(
            next((d for d in tried if changes(d)), days[most] if len(days) > most else None)
        )
    return found[0], found[1]


def _stack(uow: Reading, history: FactSet, slug: str, day: date) -> Stack:
    """The stack of `day`: from the company's history facts as they stand, or (a reading as
    known on a moment) from the projections as they stood then."""
    if uow.known_on is not None:
        return compose_stack(StoredFootprint(uow, day), slug, uow.known_on)
    footprint: Footprint = history.on(day)
    ids = {i for entries in footprint.entries.values() for e in entries for i in e.event_ids}
    ids |= {link.event_id for links in footprint.children.values() for link in links}
    ids |= {i for held in footprint.investments.values() for h in held for i in h.event_ids}
    footprint.facts = event_facts(uow, ids)
    return compose_stack(footprint, slug)
