"""The §9.4 bars: reads "as known on" a past moment cost what the same reads of the present cost.

Each log is written in `WRITES` imports (so its projections hold that many moments, with rows
closed and opened between them), and the reads ask for the projections as they stood at the
last write's moment: the same answer as the read without `known_on`, found through every
version instead of the standing rows alone, so the two cost the same work to answer and only
the way of reading differs. (A moment halfway answers from half the log; its stack median is
printed beside.) Measured through the services, the sizes and the two kinds of read interleaved
round by round so that a change in the machine's load falls on both alike:
- one company's stack, `known_on` against the same read without it, at the large size;
- the matrix's first page (50 rows), `known_on` against without;
- the integration series of every top-level company (what /trends draws), `known_on` against
  without;
- the `known_on` stack median at the large size against the small size.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from stackline.services import integration, stacks
from stackline.services.recording import LabelledEvent, import_events
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from tests.benchmarks.measure import Figure, growth_figure, median
from tests.benchmarks.synthetic import synthetic_events

WRITES = 20
DAY = date(2024, 6, 30)
ROUNDS = 5


def written_in_moments(work: Path, size: int) -> tuple[Database, datetime, datetime]:
    """A database whose synthetic log of `size` events was written in `WRITES` imports, and the
    moments of its last write and of the middle one."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"known-{size}.db"
    path.unlink(missing_ok=True)
    database = Database(make_engine(f"sqlite:///{path}"))
    upgrade(database.engine)
    documents = synthetic_events(size, 11)
    step = -(-len(documents) // WRITES)
    middle: datetime | None = None
    for write, start in enumerate(range(0, len(documents), step)):
        chunk = documents[start : start + step]
        items = (LabelledEvent(str(start + i), d) for i, d in enumerate(chunk))
        import_events(database, items, "bench")
        if write == WRITES // 2 - 1:
            middle = _last_moment(database)
    assert middle is not None
    return database, _last_moment(database), middle


def _last_moment(database: Database) -> datetime:
    with database.reading() as uow:
        last = uow.connection.exec_driver_sql("SELECT max(recorded_at) FROM events").scalar()
    return datetime.fromisoformat(str(last).replace("Z", "+00:00"))


def _ms(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def _companies(database: Database, wanted: int = 40) -> list[str]:
    slugs = [row["slug"] for row in stacks.companies_on(database, DAY)]
    random.Random(5).shuffle(slugs)
    return slugs[:wanted]


def known_figures(work: Path, small: int, large: int) -> list[Figure]:
    databases = {size: written_in_moments(work, size) for size in (small, large)}
    slugs = {size: _companies(database) for size, (database, _, _) in databases.items()}
    stack: dict[tuple[int, bool], list[float]] = {}
    page: dict[bool, list[float]] = {True: [], False: []}
    trends: dict[bool, list[float]] = {True: [], False: []}
    for round_ in range(ROUNDS + 1):  # the first round warms the caches and is not counted
        for size, (database, moment, _) in databases.items():
            for known in (False, True):
                known_on = moment if known else None
                times = [
                    _ms(partial(stacks.stack_of, database, slug, DAY, known_on, use_cache=False))
                    for slug in slugs[size]
                ]
                if round_:
                    stack.setdefault((size, known), []).extend(times)
                if size == large:
                    first = _ms(partial(stacks.matrix_of, database, DAY, known_on, per_page=50))
                    series = _ms(partial(integration.integration, database, None, DAY, known_on))
                    if round_:
                        page[known].append(first)
                        trends[known].append(series)
    database, _, middle = databases[large]
    halfway = median(
        [_ms(partial(stacks.stack_of, database, slug, DAY, middle, use_cache=False))
         for slug in slugs[large]]
    )  # fmt: skip
    for database, _, _ in databases.values():
        database.dispose()
    medians = {key: median(samples) for key, samples in stack.items()}
    pages = {known: median(samples) for known, samples in page.items()}
    series = {known: median(samples) for known, samples in trends.items()}
    print(f"  known_on stack median {medians[(large, True)]:.2f} ms vs as_of "
          f"{medians[(large, False)]:.2f} ms at {large:,} events ({medians[(small, True)]:.2f} ms "
          f"known_on at {small:,}); matrix first page {pages[True]:.1f} vs {pages[False]:.1f} ms; "
          f"trends {series[True]:.0f} vs {series[False]:.0f} ms; known_on halfway through the "
          f"writes: stack median {halfway:.2f} ms", flush=True)  # fmt: skip
    return [
        growth_figure(f"known_on stack vs as_of stack, {large:,} events",
                      medians[(large, True)], medians[(large, False)], 1.5, "ms"),
        growth_figure(f"known_on matrix first page vs as_of, {large:,} events",
                      pages[True], pages[False], 1.5, "ms"),
        growth_figure(f"known_on trends (every company) vs without, {large:,} events",
                      series[True], series[False], 1.5, "ms"),
        growth_figure(f"known_on stack median, {large:,} vs {small:,} events",
                      medians[(large, True)], medians[(small, True)], 1.5, "ms"),
    ]  # fmt: skip
