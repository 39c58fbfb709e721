"""Helpers for the dataset-import tests: small hand-cut copies of the real Epoch AI files, fixture
logs that name the companies those rows need, and the import run with an explicit clock.

`cut_snapshot(tmp_path, "2026-03-06", {HARDWARE: [...], ...})` writes, into a folder named by the
snapshot's date, each file with the real header and only the rows whose key is listed (for the
data centres, their timeline rows come along). Values are the real files' own, so what a test
expects can be read from the same rows with `csv`.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stackline.domain.dates import PartialDate
from stackline.domain.filters import EventFilter
from stackline.services import integrity
from stackline.services.datasets import ImportOptions, import_epoch
from stackline.services.datasets.report import DatasetReport, FileReport
from stackline.services.recording import LabelledEvent, import_events
from stackline.services.timeline import export_chunks
from stackline.store.units_of_work import Database
from tests.integration.builders import event, registered
from tests.unit.adapters.variants import (
    DATA_CENTRES,
    KEY_COLUMNS,
    REAL_SNAPSHOT,
    TIMELINES,
    CsvTable,
    read_csv,
    write_csv,
)

IMPORTER = "dataset-test"
FIRST_SNAPSHOT = REAL_SNAPSHOT.name  # 2026-03-06, the bundled snapshot's date
FIXTURE_RECORDED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # the fixture log's companies
FIRST_IMPORT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
SECOND_IMPORT = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
THIRD_IMPORT = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)

# Dataset names, as `origin.dataset` carries them.
HARDWARE_SET = "epoch-ai/ml-hardware"
MODELS_SET = "epoch-ai/notable-ai-models"
CLUSTERS_SET = "epoch-ai/gpu-clusters"
CENTRES_SET = "epoch-ai/data-centers"


def folded(text: str) -> str:
    return " ".join(text.replace('"', " ").split())


def cut_snapshot(
    into: Path, snapshot: str, keys: Mapping[str, Iterable[str]], source: Path = REAL_SNAPSHOT
) -> Path:
    """`into/<snapshot>/` holding each file named in `keys` cut down to the rows with those keys
    (in the real file's order); the data centres' timelines are cut to the centres kept."""
    folder = into / snapshot
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {name: {folded(k) for k in rows} for name, rows in keys.items()}
    if DATA_CENTRES in wanted:
        wanted[TIMELINES] = wanted[DATA_CENTRES]
    for name, rows in wanted.items():
        table = read_csv(source / name)
        column = table.column(KEY_COLUMNS[name])
        kept = [row for row in table.rows if folded(row[column]) in rows]
        found = {folded(row[column]) for row in kept}
        missing = rows - found
        assert not missing, f"{name} has no rows {sorted(missing)}"
        write_csv(folder / name, CsvTable(table.header, kept))
    return folder


def later_snapshot(first: Path, snapshot: str) -> Path:
    """A copy of a snapshot folder under another date, for a variant to rewrite."""
    folder = first.parent / snapshot
    shutil.copytree(first, folder)
    return folder


def run(
    database: Database,
    folder: Path | list[Path],
    now: datetime,
    **options: Any,
) -> DatasetReport:
    paths = folder if isinstance(folder, list) else [folder]
    snapshot = options.pop("snapshot", None)
    chosen = ImportOptions(snapshot=PartialDate.parse(snapshot) if snapshot else None, **options)
    return import_epoch(database, paths, chosen, IMPORTER, now)


def of(report: DatasetReport, dataset: str, file: str | None = None) -> FileReport:
    return report.file_of(dataset, file)


def record(
    database: Database, *documents: dict[str, Any], now: datetime = FIXTURE_RECORDED
) -> None:
    """Append hand-recorded events (no origin) through the one write path, recorded at `now`
    (never the machine's clock: `recorded_at` never goes back, so a later clock time would
    shift every import recorded after it)."""
    labelled = [LabelledEvent(f"fixture {i}", d) for i, d in enumerate(documents)]
    import_events(database, labelled, "analyst", now=now)


def company_aliased(slug: str, *aliases: str, on: str = "2000") -> dict[str, Any]:
    return event("company.aliased", on, {"company": slug, "aliases": list(aliases)})


def register(database: Database, companies: Mapping[str, str], **aliases: list[str]) -> None:
    """Register companies (slug → name, founded 2000) and give some of them aliases."""
    documents = [registered(slug, "2000", name) for slug, name in companies.items()]
    documents += [company_aliased(slug, *names) for slug, names in aliases.items()]
    record(database, *documents)


def exported(database: Database, **filters: Any) -> list[dict[str, Any]]:
    """Every event of the log as the export writes it (voided ones included)."""
    chosen = EventFilter(include_voided=True, **filters)
    return list(json.loads("".join(export_chunks(database, chosen, now=FIRST_IMPORT)))["events"])


def derived(database: Database, dataset: str | None = None) -> list[dict[str, Any]]:
    """The exported events that carry an origin (of `dataset`, when given)."""
    return [
        e
        for e in exported(database)
        if e["origin"] is not None and (dataset is None or e["origin"]["dataset"] == dataset)
    ]


def head(database: Database) -> tuple[int, str | None]:
    events = exported(database)
    return (events[-1]["seq"], events[-1]["hash"]) if events else (0, None)


def voided_ids(database: Database) -> set[str]:
    """Ids of events superseded or retracted by a later event."""
    events = exported(database)
    found = {e["supersedes"] for e in events if e["supersedes"]}
    found |= {e["payload"]["event"] for e in events if e["type"] == "event.retracted"}
    return found


def live_derived(database: Database, dataset: str | None = None) -> list[dict[str, Any]]:
    gone = voided_ids(database)
    return [
        e
        for e in derived(database, dataset)
        if e["id"] not in gone and e["type"] != "event.retracted"
    ]


def by_key(events: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        found.setdefault(e["origin"]["key"], []).append(e)
    return found


def verified(database: Database) -> bool:
    report = integrity.verify(database)
    assert report.ok, report
    return True


def start_lines(path: Path, key_column: str) -> dict[str, int]:
    """The physical line each record of a CSV file starts on, by its key (as an analyst finds
    it in a text editor; records may span lines)."""
    found: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        column = header.index(key_column)
        start = reader.line_num + 1
        for row in reader:
            found.setdefault(folded(row[column]), start)
            start = reader.line_num + 1
    return found
