"""The §7 bars on the presence projection: the matrix's first page and `/api/v1/stack` at 100 and
at 10,000 companies, `/api/v1/stack` against a raw indexed read of the same rows plus JSON, and
the integration series' cost per change row against the matrix's cost per company row.

Requests go through the Flask app in process (no HTTP: the figures compare our code with itself
and with a raw read, not with a server). Each repeat asks for another day, so the API's answer
cache never answers for the code being measured.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
from flask import Flask

from stackline.services.recording import LabelledEvent, import_events
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from stackline.web import create_app
from tests.benchmarks.measure import Figure, growth_figure, median, throughput_figure
from tests.benchmarks.synthetic import industry_events

DAY = date(2026, 10, 1)
REPEATS = 15


def industry_app(work: Path, companies: int) -> tuple[Flask, Path]:
    path = work / f"industry-{companies}.db"
    database = Database(make_engine(f"sqlite:///{path}"))
    upgrade(database.engine)
    documents = industry_events(companies)
    import_events(database, (LabelledEvent(str(i), d) for i, d in enumerate(documents)), "bench")
    database.dispose()
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench", "PUBLIC_READ": True}
    )
    return app, path


def timed_gets(app: Flask, urls: list[str]) -> list[tuple[float, Any]]:
    client = app.test_client()
    client.get(urls[0])  # warm: templates compiled, connections opened
    found = []
    for url in urls:
        start = time.perf_counter()
        answer = client.get(url)
        seconds = time.perf_counter() - start
        assert answer.status_code == 200, (url, answer.status_code)
        found.append((seconds, answer))
    return found


def days(count: int) -> list[str]:
    return [(DAY - timedelta(days=7 * i)).isoformat() for i in range(count)]


def first_page_ms(app: Flask) -> float:
    urls = [f"/?as_of={day}&per_page=50" for day in days(REPEATS)]
    return median([s for s, _ in timed_gets(app, urls)]) * 1000


def stack_api_us_per_company(app: Flask) -> tuple[float, int]:
    urls = [f"/api/v1/stack?as_of={day}" for day in days(REPEATS)]
    runs = timed_gets(app, urls)
    per_row = [s / max(1, len(a.get_json()["companies"])) for s, a in runs]
    return median(per_row) * 1e6, len(runs[0][1].get_json()["companies"])


def raw_read_us_per_row(path: Path) -> float:
    """The floor: the same rows straight from the indexed presence table, encoded as JSON."""
    connection = sqlite3.connect(path)
    query = (
        "SELECT company, name, parent, hardware, compute, model, application FROM presence "
        "WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) AND parent IS NULL "
        "ORDER BY rank_key"
    )
    columns = ("slug", "name", "parent", "hardware", "compute", "model", "application")
    samples = []
    for day in days(REPEATS):
        start = time.perf_counter()
        rows = connection.execute(query, (day, day)).fetchall()
        orjson.dumps(
            {"as_of": day, "companies": [dict(zip(columns, r, strict=True)) for r in rows]}
        )
        samples.append((time.perf_counter() - start) / max(1, len(rows)))
    connection.close()
    return median(samples) * 1e6


def integration_us_per_change(app: Flask) -> tuple[float, int]:
    urls = [f"/api/v1/integration?from={int(day[:4]) - 30}{day[4:]}&to={day}" for day in days(5)]
    runs = timed_gets(app, urls)
    per_change = [
        s / max(1, sum(len(c["changes"]) for c in a.get_json()["companies"])) for s, a in runs
    ]
    changes = sum(len(c["changes"]) for c in runs[0][1].get_json()["companies"])
    return median(per_change) * 1e6, changes


def presence_figures(work: Path, small: int = 100, large: int = 10_000) -> list[Figure]:
    work.mkdir(parents=True, exist_ok=True)
    apps = {size: industry_app(work, size) for size in (small, large)}
    pages = {size: first_page_ms(app) for size, (app, _) in apps.items()}
    stack = {size: stack_api_us_per_company(app) for size, (app, _) in apps.items()}
    raw = raw_read_us_per_row(apps[large][1])
    integration, changes = integration_us_per_change(apps[large][0])
    for size in (small, large):
        print(f"  {size:>6,} companies: first matrix page {pages[size]:.1f} ms, /api/v1/stack "
              f"{stack[size][0]:.1f} µs per company ({stack[size][1]:,} rows)", flush=True)  # fmt: skip
    print(f"  raw read + JSON {raw:.1f} µs per row; integration {integration:.1f} µs per change "
          f"row ({changes:,} rows over 30 years)", flush=True)  # fmt: skip
    return [
        growth_figure(f"first matrix page (50 rows), {large:,} vs {small:,} companies",
                      pages[large], pages[small], 1.5, "ms"),
        growth_figure(f"/api/v1/stack per company, {large:,} vs {small:,} companies",
                      stack[large][0], stack[small][0], 1.5, "µs"),
        throughput_figure("/api/v1/stack rows vs a raw indexed read + JSON",
                          1e6 / stack[large][0], 1e6 / raw, 0.25, "rows/s"),
        growth_figure("integration per change row vs the matrix per company row",
                      integration, stack[large][0], 3.0, "µs"),
    ]  # fmt: skip
