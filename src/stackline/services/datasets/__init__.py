"""Open data in: a dataset's snapshot imported into the log and kept in step with it (DESIGN §9.2).

`import_epoch` reads Epoch AI's files through the adapter (`stackline.adapters.epoch`: rows →
candidate events, nothing else), then, in one write transaction, makes each row's candidates
into events of the log's companies and assets (`rows.py`), sets them against what earlier
imports derived from the same row (`sync.py`), and appends each row's events together through
the one write path: a row whose events break a §2 rule is skipped and listed with the rule, the
rest of the import goes on. All of it is written, or (a malformed file, a dry run) none of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from stackline.adapters.epoch import EpochReadError, EpochReading, read_epoch
from stackline.domain.dates import PartialDate
from stackline.domain.documents import format_timestamp
from stackline.domain.errors import FieldProblem, MalformedDocument, StacklineError
from stackline.services.datasets.log_view import LogView
from stackline.services.datasets.reconcile import Reconciler
from stackline.services.datasets.report import DatasetReport, FileReport, RowNote
from stackline.store.reads import datasets as dataset_reads
from stackline.store.units_of_work import Database
from stackline.store.writer import LogWriter

EPOCH = "epoch-ai"
CREDIT = (
    "Epoch AI, 'Data on AI Models', 'Machine Learning Hardware', 'GPU Clusters' and 'Frontier "
    "Data Centers', published online at epoch.ai (https://epoch.ai/data), CC BY 4.0"
)


@dataclass(frozen=True)
class ImportOptions:
    snapshot: PartialDate | None = None
    dry_run: bool = False
    register_unknown: bool = False
    retract_missing: bool = False
    all_models: bool = False


@dataclass
class DatasetFailed(StacklineError):
    """Files that cannot be read as a snapshot (named: file, line, column); nothing written."""

    code: str = "bad_dataset"


class _DryRun(Exception):
    pass


def import_epoch(
    db: Database,
    paths: Sequence[Path],
    options: ImportOptions,
    recorded_by: str,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> DatasetReport:
    """Import an Epoch AI snapshot (the files in `paths`): the report of what it wrote, or, for
    a dry run, would write."""
    try:
        reading = read_epoch(paths, options.snapshot, options.all_models)
    except EpochReadError as error:
        raise DatasetFailed(str(error), [FieldProblem("files", str(error))]) from None
    report = DatasetReport(EPOCH, reading.snapshot.text, options.dry_run)
    report.files = [
        FileReport(f.path.name, f.dataset, f.sha256, f.rows, f.filtered_out) for f in reading.files
    ]
    _listed_by_the_adapter(reading, report)
    datasets = sorted({f.dataset for f in reading.files} | {Reconciler.ORGANIZATIONS})
    try:
        with db.writing() as uow:
            writer = LogWriter(uow, now)
            first = writer.head.seq + 1
            log = LogView.read(uow, datasets, reading.snapshot.end)
            total = len(reading.candidates)
            step = (lambda n: progress(n, total)) if progress is not None else None
            Reconciler(reading, log, writer, report, options, recorded_by).run(step)
            if options.dry_run:  # every event was judged: what is left is writing it
                raise _DryRun
            writer.finish()
            files = [{"name": f.file, "dataset": f.dataset, "sha256": f.sha256, "rows": f.rows}
                     for f in report.files]  # fmt: skip
            dataset_reads.record_run(uow, {
                "dataset": EPOCH, "snapshot": reading.snapshot.text,
                "recorded_at": format_timestamp(now), "recorded_by": recorded_by, "files": files,
                "report": report.as_dict(), "first_seq": first, "last_seq": writer.head.seq,
            })  # fmt: skip
    except _DryRun:
        pass
    except StacklineError as error:
        if isinstance(error, MalformedDocument | DatasetFailed):
            raise
        raise DatasetFailed(f"the import stopped: {error}", error.problems) from None
    return report


def _listed_by_the_adapter(reading: EpochReading, report: DatasetReport) -> None:
    """Rows the adapter gave no events (no owner, a possible duplicate, an existing cluster
    without a date, …) are skipped and listed with why, and what it noted of rows it kept (a
    plan dated before the snapshot, partners past 20, a further base model …) is listed too
    (DESIGN §9.2.1, §9.7): without this the report's rows did not add up and those rows were
    nowhere."""
    datasets = {f.path: f.dataset for f in reading.files}
    for row in reading.skipped:
        file = report.file_of(datasets[row.file], row.file.name)
        file.skipped.append(
            RowNote(row.file.name, row.line, row.key, f"{row.reason}: {row.detail}")
        )
    for note in reading.notes:
        file = report.file_of(datasets[note.file], note.file.name)
        file.notes.append(
            RowNote(note.file.name, note.line, note.key, f"{note.topic}: {note.text}")
        )


def runs(db: Database) -> list[dict[str, Any]]:
    """The dataset imports recorded, newest first."""
    with db.reading() as uow:
        return dataset_reads.runs(uow)


def overview(db: Database) -> dict[str, Any]:
    """What `/datasets` shows: the live events each dataset gave, and every import run with
    its files, counts, conflicts and the organizations it could not resolve."""
    with db.reading() as uow:
        counts = dataset_reads.derived_counts(uow)
        recorded = dataset_reads.runs(uow)
    return {
        "credit": CREDIT,
        "datasets": [{"dataset": name, "live_events": n} for name, n in sorted(counts.items())],
        "runs": [_run_summary(run) for run in recorded],
    }


def _run_summary(run: dict[str, Any]) -> dict[str, Any]:
    report = run["report"]
    files = [{"name": f["file"], "dataset": f["dataset"], "sha256": f["sha256"],
              **f["counts"], "conflicts": f["conflicts"], "skipped": f["skipped"]}
             for f in report["files"]]  # fmt: skip
    return {
        "id": run["id"], "dataset": run["dataset"], "snapshot": run["snapshot"],
        "recorded_at": run["recorded_at"], "recorded_by": run["recorded_by"],
        "first_seq": run["first_seq"], "last_seq": run["last_seq"], "files": files,
        "unresolved": {name: len(rows) for name, rows in report["unresolved"].items()},
        "unresolved_users": report["unresolved_users"], "registered": report["registered"],
    }  # fmt: skip


def any_derived(db: Database) -> bool:
    """Whether the log holds events derived from a dataset (pages then credit it)."""
    with db.reading() as uow:
        return dataset_reads.any_derived(uow)


__all__ = [
    "CREDIT", "DatasetFailed", "ImportOptions", "any_derived", "import_epoch", "overview", "runs",
]  # fmt: skip
