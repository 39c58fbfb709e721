"""Reading an Epoch AI snapshot: files (or folders of them) in, an `EpochReading` out.

Files are recognised by their header, in any order; a folder stands for every `.csv` in it. The
snapshot date defaults to the name of the folder given (or of the first file's folder) when that
is a date. Any problem with the files raises before anything is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from stackline.domain.dates import PartialDate, PartialDateError

from .clusters import cluster_candidates
from .data_centres import data_centre_candidates
from .events import Outcomes, Snapshot
from .hardware import hardware_candidates
from .models import model_candidates, organization_kinds
from .reading import Candidate, EpochReadError, EpochReading, FileRead
from .rows import LoadedFile, load
from .tables import (
    CLUSTERS_TABLE,
    DATA_CENTRES_TABLE,
    HARDWARE_TABLE,
    MODELS_TABLE,
    TIMELINES_TABLE,
    Table,
)


def read_epoch(
    paths: Sequence[Path], snapshot: PartialDate | None = None, all_models: bool = False
) -> EpochReading:
    """Candidate events of every row of the Epoch AI files given (see the package docstring)."""
    files = _csv_files(paths)
    taken = Snapshot(snapshot or _snapshot_from_folder(paths))
    loaded = [load(path) for path in files]
    by_table = _one_file_per_table(loaded)
    outcomes = Outcomes()
    candidates: list[Candidate] = []
    reads: list[FileRead] = []
    for file in loaded:
        found, filtered_out = _candidates(file, by_table, taken, outcomes, all_models)
        candidates.extend(found)
        reads.append(_file_read(file, filtered_out))
    models = by_table.get(MODELS_TABLE)
    return EpochReading(
        snapshot=taken.date,
        files=tuple(reads),
        candidates=tuple(candidates),
        skipped=tuple(outcomes.skipped),
        notes=tuple(outcomes.notes),
        organization_kinds=organization_kinds(models) if models is not None else {},
    )


def _csv_files(paths: Sequence[Path]) -> list[Path]:
    if not paths:
        raise EpochReadError("no Epoch AI files given")
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
            if not found:
                raise EpochReadError(f"{path}: a folder without CSV files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise EpochReadError(f"{path}: no such file or folder")
    return list(dict.fromkeys(files))


def _snapshot_from_folder(paths: Sequence[Path]) -> PartialDate:
    first = Path(paths[0])
    folder = first if first.is_dir() else first.parent
    try:
        return PartialDate.parse(folder.name)
    except PartialDateError:
        raise EpochReadError(
            f"give the snapshot's date (--snapshot YYYY-MM-DD): the folder name {folder.name!r} "
            "is not a date"
        ) from None


def _one_file_per_table(loaded: list[LoadedFile]) -> dict[Table, LoadedFile]:
    by_table: dict[Table, LoadedFile] = {}
    for file in loaded:
        if file.table in by_table:
            other = by_table[file.table]
            raise EpochReadError(
                f"{other.path.name} and {file.path.name} are both Epoch AI's "
                f"{file.table.name} file: give one"
            )
        by_table[file.table] = file
    for needs, companion in (
        (TIMELINES_TABLE, DATA_CENTRES_TABLE),
        (DATA_CENTRES_TABLE, TIMELINES_TABLE),
    ):
        if needs in by_table and companion not in by_table:
            raise EpochReadError(
                f"{by_table[needs].path.name} is Epoch AI's {needs.name} file, which is read with "
                f"its {companion.name} file ({companion.name}.csv): give both"
            )
    return by_table


def _candidates(
    file: LoadedFile,
    by_table: dict[Table, LoadedFile],
    snapshot: Snapshot,
    outcomes: Outcomes,
    all_models: bool,
) -> tuple[list[Candidate], int]:
    if file.table is HARDWARE_TABLE:
        return hardware_candidates(file, snapshot, outcomes), 0
    if file.table is MODELS_TABLE:
        return model_candidates(file, snapshot, outcomes, all_models)
    if file.table is CLUSTERS_TABLE:
        return cluster_candidates(file, snapshot, outcomes), 0
    if file.table is DATA_CENTRES_TABLE:
        timelines = by_table[TIMELINES_TABLE]
        return data_centre_candidates(file, timelines, snapshot, outcomes), 0
    return [], 0  # timeline rows belong to their data centre's candidate


def _file_read(file: LoadedFile, filtered_out: int) -> FileRead:
    return FileRead(
        path=file.path,
        dataset=file.table.dataset.name,
        table=file.table.name,
        sha256=file.sha256,
        rows=len(file.rows),
        filtered_out=filtered_out,
    )
