"""The Stackline benchmark (DESIGN §7): each figure beside its floor, measured in the same run.

    python -m tests.benchmarks.run                 # sizes 10k, 100k, 1M (about 20 minutes)
    python -m tests.benchmarks.run --quick         # sizes 2k and 20k, for a smoke run

Prints a Markdown table and writes bench-results/benchmark.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from stackline.services import integrity, stacks
from stackline.services.recording import LabelledEvent, import_events, record_event
from stackline.services.runtime import load_seed, open_database
from stackline.store.units_of_work import Database
from tests.benchmarks.capacity_figures import capacity_figures
from tests.benchmarks.dataset_figures import dataset_figures
from tests.benchmarks.http_writes import http_write_figures
from tests.benchmarks.known_figures import known_figures
from tests.benchmarks.measure import (
    Figure,
    built_database,
    growth_figure,
    median,
    percentile,
    sqlite_connection,
    throughput_figure,
    timed,
    write_report,
)
from tests.benchmarks.presence_figures import presence_figures
from tests.benchmarks.synthetic import synthetic_events

QUERY_DAY = date(2024, 6, 30)


def events_ddl(path: Path) -> list[str]:
    """The CREATE statements of our events table and its indexes (no triggers), from a real DB."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND type IN ('table', 'index') AND sql IS NOT NULL"
        ).fetchall()
    return [row[0] for row in rows]


def event_rows(path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as connection:
        cursor = connection.execute("SELECT * FROM events ORDER BY seq")
        columns = [c[0] for c in cursor.description]
        return columns, cursor.fetchall()


def raw_executemany_seconds(
    work: Path, ddl: list[str], columns: list[str], rows: list[tuple[Any, ...]]
) -> float:
    path = work / "raw-executemany.db"
    connection = sqlite_connection(path)
    for statement in ddl:
        connection.execute(statement)
    marks = ",".join("?" for _ in columns)
    start = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(f"INSERT INTO events ({','.join(columns)}) VALUES ({marks})", rows)
    connection.execute("COMMIT")
    seconds = time.perf_counter() - start
    connection.close()
    return seconds


def eventsourcing_seconds(work: Path, documents: list[dict[str, Any]]) -> float:
    """The eventsourcing library's SQLite recorder appending the same events in one batch."""
    from eventsourcing.persistence import StoredEvent
    from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteDatastore

    datastore = SQLiteDatastore(str(work / "eventsourcing.db"))
    recorder = SQLiteAggregateRecorder(datastore)
    recorder.create_table()
    start = time.perf_counter()
    stored = [
        StoredEvent(UUID(d["id"]), 1, d["type"], json.dumps(d, separators=(",", ":")).encode())
        for d in documents
    ]
    recorder.insert_events(stored)
    seconds = time.perf_counter() - start
    datastore.close()
    return seconds


def bulk_import_figures(work: Path, size: int) -> list[Figure]:
    documents = synthetic_events(size)
    engine = open_database(f"sqlite:///{work / 'bulk.db'}")
    items = (LabelledEvent(str(i), d) for i, d in enumerate(documents))
    ours, _ = timed(lambda: import_events(engine, items, "bench"))
    engine.dispose()
    columns, rows = event_rows(work / "bulk.db")
    raw = raw_executemany_seconds(work, events_ddl(work / "bulk.db"), columns, rows)
    library = eventsourcing_seconds(work, documents)
    note = f"{size:,} events, one transaction"
    return [
        throughput_figure(
            "bulk import vs raw sqlite3.executemany", size / ours, size / raw, 0.30, note=note
        ),
        throughput_figure(
            "bulk import vs eventsourcing batched SQLite append",
            size / ours,
            size / library,
            1.0,
            note=note,
        ),
    ]


def single_append_figure(work: Path, count: int = 300, rounds: int = 6) -> Figure:
    """Our one-event transactions against raw one-row transactions of the same rows, in
    alternating rounds: a disk whose fsync speed drifts during the run weighs on both alike."""
    engine = open_database(f"sqlite:///{work / 'single.db'}")
    load_seed(engine)
    companies = ["openai", "google", "nvidia", "meta", "anthropic"]
    documents = [
        {"type": "model.released", "occurred_on": "2026-01-01", "summary": f"Benchmark model {i}",
         "sources": [{"title": "bench"}], "payload": {"company": companies[i % 5], "model": f"Bench {i}", "access": "closed"}}
        for i in range(count)
    ]  # fmt: skip
    columns, _ = event_rows(work / "single.db")
    connection = sqlite_connection(work / "raw-single.db")
    for statement in events_ddl(work / "single.db"):
        connection.execute(statement)
    marks = ",".join("?" for _ in columns)
    sql = f"INSERT INTO events ({','.join(columns)}) VALUES ({marks})"
    per_round = count // rounds
    ours = raw = 0.0
    for index in range(rounds):
        batch = documents[index * per_round : (index + 1) * per_round]
        seconds, _ = timed(lambda b=batch: [record_event(engine, d, "bench") for d in b])
        ours += seconds
        _, stored = event_rows(work / "single.db")
        start = time.perf_counter()
        for row in stored[-len(batch) :]:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(sql, row)
            connection.execute("COMMIT")
        raw += time.perf_counter() - start
    connection.close()
    engine.dispose()
    done = per_round * rounds
    return throughput_figure("one event per transaction vs raw one-row transactions", done / ours, done / raw, 0.5,
                             note=f"{done} appends in {rounds} alternating rounds, synchronous=FULL")  # fmt: skip


def fresh_postgres(admin_url: str, name: str) -> str:
    """An empty PostgreSQL database `name` on the server of `admin_url` (dropped first)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def postgres_bulk_figure(work: Path, size: int, admin_url: str) -> Figure:
    """The same synthetic log imported into PostgreSQL and into SQLite, in the same run."""
    documents = synthetic_events(size)
    seconds = {}
    for name, url in (("sqlite", f"sqlite:///{work / 'bulk-compare.db'}"),
                      ("postgres", fresh_postgres(admin_url, "stackline_bench_bulk"))):  # fmt: skip
        database = open_database(url)
        items = (LabelledEvent(str(i), d) for i, d in enumerate(documents))
        seconds[name], _ = timed(lambda d=database, i=items: import_events(d, i, "bench"))
        database.dispose()
    return throughput_figure("PostgreSQL bulk import vs SQLite bulk import", size / seconds["postgres"],
                             size / seconds["sqlite"], 0.5, note=f"{size:,} events, one transaction each")  # fmt: skip


def comparable_companies(engine: Database, wanted: int = 100) -> list[str]:
    """Companies whose stack on QUERY_DAY has 8–30 entries: answers of the same size at every log size."""
    slugs = [row["slug"] for row in stacks.companies_on(engine, QUERY_DAY)]
    random.Random(3).shuffle(slugs)
    chosen = []
    for slug in slugs:
        stack = stacks.stack_of(engine, slug, QUERY_DAY)
        if 8 <= sum(len(e) for e in stack.entries.values()) <= 30:
            chosen.append(slug)
        if len(chosen) == wanted:
            break
    return chosen


def query_samples(
    engines: dict[int, Database], slugs: dict[int, list[str]], rounds: int = 5
) -> dict[int, list[float]]:
    """Stack query times per log size, the sizes interleaved round by round so that a change
    in the machine's load during the run falls on every size alike."""
    samples: dict[int, list[float]] = {size: [] for size in engines}
    for size, engine in engines.items():  # warm the page cache
        for slug in slugs[size]:
            stacks.stack_of(engine, slug, QUERY_DAY, use_cache=False)
    for _ in range(rounds):
        for size, engine in engines.items():
            for slug in slugs[size]:
                seconds, _ = timed(
                    lambda e=engine, s=slug: stacks.stack_of(e, s, QUERY_DAY, use_cache=False)
                )
                samples[size].append(seconds * 1000)
    return samples


def peak_export_kib(path: Path) -> int:
    output = subprocess.run([sys.executable, "-m", "tests.benchmarks.export_probe", str(path)],
                            check=True, capture_output=True, text=True).stdout.split()  # fmt: skip
    return int(output[0])


def rebuild_figure(path: Path, engine: Database, size: int) -> Figure:
    def raw_read_and_decode() -> int:
        with sqlite3.connect(path) as connection:
            decoded = 0
            for row in connection.execute("SELECT * FROM events ORDER BY seq"):
                json.loads(row[10]), json.loads(row[11])
                decoded += 1
            return decoded

    raw, _ = timed(raw_read_and_decode)
    ours, _ = timed(lambda: integrity.rebuild(engine))
    return throughput_figure("rebuild all projections vs raw read-and-decode", size / ours, size / raw, 0.25,
                             note=f"{size:,} events")  # fmt: skip


def http_figures(path: Path, slugs: list[str], seconds: int = 10) -> list[Figure]:
    from tests.benchmarks.http_load import measure_http

    return measure_http(path, slugs, QUERY_DAY, seconds)


def scaling_figures(work: Path, sizes: list[int]) -> tuple[list[Figure], dict[str, Any]]:
    figures: list[Figure] = []
    details: dict[str, Any] = {}
    engines: dict[int, Database] = {}
    slugs: dict[int, list[str]] = {}
    exports: dict[int, int] = {}
    for size in sizes:
        engine, import_seconds = built_database(work / "sizes", size)
        engines[size], slugs[size] = engine, comparable_companies(engine)
        matrix_seconds, rows = timed(lambda e=engine: stacks.matrix_of(e, QUERY_DAY).rows)
        details[str(size)] = {"import_events_per_s": size / import_seconds,
                              "matrix_ms": matrix_seconds * 1000, "matrix_companies": len(rows)}  # fmt: skip
        print(f"  {size:>9,} events: import {size / import_seconds:,.0f}/s, matrix of {len(rows)} "
              f"companies {matrix_seconds * 1000:.0f} ms", flush=True)  # fmt: skip
        if size >= 100_000:
            exports[size] = peak_export_kib(work / "sizes" / f"log-{size}.db")
    samples = query_samples(engines, slugs)
    for size in sizes:
        details[str(size)].update(stack_median_ms=median(samples[size]), stack_p99_ms=percentile(samples[size], 0.99),
                                  queries=len(samples[size]))  # fmt: skip
        print(f"  {size:>9,} events: stack median {median(samples[size]):.2f} ms, p99 "
              f"{percentile(samples[size], 0.99):.2f} ms over {len(samples[size])} queries", flush=True)  # fmt: skip
    middle = sizes[min(1, len(sizes) - 1)]
    figures.append(rebuild_figure(work / "sizes" / f"log-{middle}.db", engines[middle], middle))
    details["http_db"], details["http_slugs"] = (
        str(work / "sizes" / f"log-{middle}.db"),
        slugs[middle],
    )
    for engine in engines.values():
        engine.dispose()
    small, large = sizes[0], sizes[-1]
    figures.insert(0, growth_figure(f"as_of stack query median, {large:,} vs {small:,} events",
                                    median(samples[large]), median(samples[small]), 1.5, "ms"))  # fmt: skip
    if len(exports) >= 2:
        low, high = sorted(exports)[0], sorted(exports)[-1]
        figures.append(growth_figure(f"export peak RSS, {high:,} vs {low:,} events", exports[high] / 1024,
                                     exports[low] / 1024, 1.2, "MiB"))  # fmt: skip
    return figures, details


def machine() -> dict[str, Any]:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cores": os.cpu_count(), "memory_gib": round(memory, 1), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", default=None, help="comma list of log sizes")
    parser.add_argument("--output", default="bench-results/benchmark.json")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "STACKLINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
        help="a PostgreSQL server to create benchmark databases on ('' to leave PostgreSQL out)",
    )
    args = parser.parse_args()
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([5_000, 50_000] if args.quick else [10_000, 100_000, 1_000_000])
    )
    bulk_size = 20_000 if args.quick else 100_000
    work = Path(tempfile.mkdtemp(prefix="stackline-bench-"))
    try:
        print(f"machine: {machine()}", flush=True)
        figures = bulk_import_figures(work, bulk_size)
        if args.postgres:
            figures.append(postgres_bulk_figure(work, bulk_size, args.postgres))
        figures.append(single_append_figure(work))
        postgres = fresh_postgres(args.postgres, "stackline_bench_http") if args.postgres else None
        figures.extend(http_write_figures(work, postgres))
        scaling, details = scaling_figures(work, sizes)
        figures.extend(scaling)
        figures.extend(
            http_figures(Path(details["http_db"]), details["http_slugs"], 5 if args.quick else 10)
        )
        figures.extend(presence_figures(work / "industry", large=2_000 if args.quick else 10_000))
        figures.extend(capacity_figures(work / "capacity", large=2_000 if args.quick else 10_000))
        print("known_on reads (bitemporal projections)", flush=True)
        figures.extend(known_figures(work / "known", sizes[0], sizes[-1]))
        print("open data: the bundled Epoch AI snapshot, and a newcomer's first serve", flush=True)
        figures.extend(dataset_figures(work / "datasets", rounds=3 if args.quick else 5))
        table = write_report(figures, {**machine(), "details": details}, Path(args.output))
        print(table)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
