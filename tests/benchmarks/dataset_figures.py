"""The open-data bars (issue 20 item 8, DESIGN §9.2 The default picture):

- importing the bundled Epoch AI snapshot into the seeded database costs ≤ 3 × importing the same
  events from a Stackline export of them (the floor: the events the import wrote, exported with
  their origin, imported by the one JSON import path into another seeded database — what the
  dataset import costs on top of appending its events is reading the CSV files, resolving names,
  matching and syncing);
- a dry run of that import costs ≤ 1 × the same floor (it does everything but commit);
- a newcomer's first `stackline serve` (an empty database: migrations, the seed, the bundled
  snapshot) answers `/healthz` in under 30 s; beside it, as its floor, the same server started
  again on the database it filled (nothing left to load).

Each import runs on a fresh seeded SQLite file, through the service the command calls
(`import_epoch` for `stackline datasets import epoch`, `import_events` for `stackline import`),
in `ROUNDS` interleaved rounds whose medians are compared, so a change in the machine's load
falls on all three alike. Seeding is not timed.

    python -m tests.benchmarks.dataset_figures [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from stackline.domain.filters import EventFilter
from stackline.services.datasets import ImportOptions, import_epoch
from stackline.services.files import event_files, read_events
from stackline.services.integrity import verify
from stackline.services.recording import import_events
from stackline.services.runtime import bundled_snapshot, load_seed
from stackline.services.timeline import export_chunks
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from tests.benchmarks.http_load import free_port, stop_server, wait_until_up
from tests.benchmarks.measure import Figure, growth_figure, median, timed

ROUNDS = 3
IMPORTED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # after the snapshot, like a real import
READY_WITHIN_S = 30.0


def seeded(path: Path) -> Database:
    """A fresh SQLite database at `path` holding the seed timeline (not timed)."""
    path.unlink(missing_ok=True)
    database = Database(make_engine(f"sqlite:///{path}"))
    upgrade(database.engine)
    load_seed(database)
    return database


def dataset_import_s(path: Path, dry_run: bool = False) -> tuple[float, int]:
    """Seconds to import the bundled snapshot into a fresh seeded database, and events written."""
    database = seeded(path)
    try:
        options = ImportOptions(dry_run=dry_run)
        seconds, report = timed(
            lambda: import_epoch(database, [bundled_snapshot()], options, "bench", IMPORTED)
        )
        if not dry_run:
            assert verify(database).ok, "the imported log does not verify"
        return seconds, report.written
    finally:
        database.dispose()


def export_derived(path: Path, into: Path) -> int:
    """The events with an origin in the database at `path`, written to `into` as a Stackline
    export document (what `stackline export --origin epoch-ai` writes); how many."""
    database = Database(make_engine(f"sqlite:///{path}"))
    try:
        chosen = EventFilter(origin="epoch-ai", include_voided=True)
        into.write_text("".join(export_chunks(database, chosen, now=IMPORTED)))
    finally:
        database.dispose()
    return len(json.loads(into.read_text())["events"])


def export_import_s(path: Path, export: Path) -> tuple[float, int]:
    """Seconds to import the export file into a fresh seeded database (the JSON import path,
    file read included), and events created."""
    database = seeded(path)
    try:
        seconds, report = timed(
            lambda: import_events(database, read_events(event_files([export])), "bench")
        )
        return seconds, report.created
    finally:
        database.dispose()


def import_figures(work: Path, rounds: int = ROUNDS) -> list[Figure]:
    work.mkdir(parents=True, exist_ok=True)
    export = work / "derived.json"
    ours: list[float] = []
    dry: list[float] = []
    floor: list[float] = []
    for round_ in range(rounds):
        seconds, written = dataset_import_s(work / "dataset.db")
        ours.append(seconds)
        if round_ == 0:
            exported = export_derived(work / "dataset.db", export)
            assert exported == written, f"{written} written, {exported} exported"
        seconds, created = export_import_s(work / "export.db", export)
        assert created == written, f"{written} written by the dataset import, {created} from JSON"
        floor.append(seconds)
        seconds, would = dataset_import_s(work / "dry.db", dry_run=True)
        assert would == written, f"the dry run would write {would}, the import wrote {written}"
        dry.append(seconds)
        print(f"  round {round_ + 1}: dataset import {ours[-1]:.2f} s, dry run {dry[-1]:.2f} s, "
              f"the same {written:,} events from their export {floor[-1]:.2f} s", flush=True)  # fmt: skip
    note = f"{written:,} events of the bundled snapshot, seeded SQLite, median of {rounds}"
    return [
        growth_figure("bundled Epoch AI import vs importing its events from an export",
                      median(ours), median(floor), 3.0, "s", note),
        growth_figure("bundled Epoch AI import, dry run vs importing its events from an export",
                      median(dry), median(floor), 1.0, "s", note),
    ]  # fmt: skip


def serve_ready_s(database: Path, limit: float = 120.0) -> float:
    """Seconds from starting `stackline serve` on the SQLite file `database` (created if
    absent) until `/healthz` answers 200 (polled every 0.2 s)."""
    port = free_port()
    environment = {**os.environ, "STACKLINE_DATABASE_URL": f"sqlite:///{database}",
                   "STACKLINE_SECRET_KEY": "bench"}  # fmt: skip
    start = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-m", "stackline", "serve", "--port", str(port), "--workers", "1"],
        env=environment, cwd=database.parent, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", start + limit)
        return time.monotonic() - start
    finally:
        stop_server(server)


def first_serve_figure(work: Path) -> Figure:
    work.mkdir(parents=True, exist_ok=True)
    database = work / "newcomer.db"
    database.unlink(missing_ok=True)
    first = serve_ready_s(database)
    again = serve_ready_s(database)
    print(f"  first serve ready in {first:.1f} s (seed and bundled snapshot loaded), again on "
          f"the same database in {again:.1f} s", flush=True)  # fmt: skip
    return Figure(
        "a newcomer's first `serve` ready vs the same server started again", first, again, "s",
        first / again if again else float("inf"), f"< {READY_WITHIN_S:.0f} s",
        first < READY_WITHIN_S, "empty SQLite database: migrations, seed, bundled snapshot",
    )  # fmt: skip


def dataset_figures(work: Path, rounds: int = ROUNDS) -> list[Figure]:
    return [*import_figures(work, rounds), first_serve_figure(work)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="stackline-dataset-bench-"))
    try:
        for figure in dataset_figures(work, args.rounds):
            print(figure.row())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
