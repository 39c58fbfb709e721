"""Measuring helpers for the benchmark: timers, databases built from synthetic logs, floors."""

from __future__ import annotations

import json
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stackline.services.recording import LabelledEvent, import_events
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from tests.benchmarks.synthetic import synthetic_events


@dataclass
class Figure:
    """One line of the report: what we measured, the floor measured beside it, and the bar."""

    name: str
    value: float
    floor: float
    unit: str
    ratio: float
    bar: str
    passed: bool
    note: str = ""

    def row(self) -> str:
        mark = "PASS" if self.passed else "MISS"
        return f"| {self.name} | {self.value:,.3f} {self.unit} | {self.floor:,.3f} {self.unit} | {self.ratio:.3f} | {self.bar} | {mark} |"


def throughput_figure(
    name: str, ours: float, floor: float, bar: float, unit: str = "events/s", note: str = ""
) -> Figure:
    """Higher is better: ratio = ours / floor must be ≥ bar."""
    ratio = ours / floor if floor else 0.0
    return Figure(name, ours, floor, unit, ratio, f"≥ {bar}", ratio >= bar, note)


def growth_figure(
    name: str, large: float, small: float, bar: float, unit: str, note: str = ""
) -> Figure:
    """Lower is better: ratio = large / small must be ≤ bar."""
    ratio = large / small if small else float("inf")
    return Figure(name, large, small, unit, ratio, f"≤ {bar}", ratio <= bar, note)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def built_database(directory: Path, size: int, seed: int = 7) -> tuple[Database, float]:
    """A SQLite database holding the synthetic log of `size` events; returns (engine, import s)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"log-{size}.db"
    engine = Database(make_engine(f"sqlite:///{path}"))
    upgrade(engine.engine)
    documents = synthetic_events(size, seed)
    items = (LabelledEvent(str(i), d) for i, d in enumerate(documents))
    seconds, _ = timed(lambda: import_events(engine, items, "bench"))
    return engine, seconds


def sqlite_connection(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def write_report(figures: list[Figure], machine: dict[str, Any], path: Path) -> str:
    lines = [
        "| figure | measured | floor (same run) | ratio | bar | |",
        "|---|---|---|---|---|---|",
        *[f.row() for f in figures],
    ]
    table = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"machine": machine, "figures": [f.__dict__ for f in figures]}, indent=2)
    )
    return table
