"""Malformed input raises an error naming the file, the line where the record starts and the column."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from stackline.adapters.epoch import EpochReadError, MalformedFile, read_epoch
from stackline.domain.dates import PartialDate
from tests.unit.adapters.variants import (
    CLUSTERS,
    DATA_CENTRES,
    HARDWARE,
    MODELS,
    REAL_SNAPSHOT,
    TIMELINES,
    CsvTable,
    copy_snapshot,
    read_csv,
    set_cell,
    write_csv,
)


def start_line(path: Path, column: str, key: str) -> int:
    """The physical line where the record with that key starts, found with `csv`."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header, start = next(reader), reader.line_num + 1
        for row in reader:
            if row[header.index(column)] == key:
                return start
            start = reader.line_num + 1
    raise KeyError(key)


def raised(paths: list[Path], **options: object) -> MalformedFile:
    with pytest.raises(MalformedFile) as caught:
        read_epoch(paths, **options)  # type: ignore[arg-type]
    return caught.value


def test_a_missing_required_column_names_the_file_and_the_column(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path)
    table = read_csv(folder / CLUSTERS)
    owner = table.column("Owner")
    write_csv(
        folder / CLUSTERS,
        CsvTable(
            [c for i, c in enumerate(table.header) if i != owner],
            [[c for i, c in enumerate(row) if i != owner] for row in table.rows],
        ),
    )
    error = raised([folder])
    assert (error.file.name, error.line, error.column) == (CLUSTERS, 1, "Owner")
    assert str(error).startswith(
        "gpu_clusters.csv, line 1, column 'Owner': missing required column"
    )


@pytest.mark.parametrize(
    ("name", "key_column", "key", "column", "value", "words"),
    [
        (
            HARDWARE,
            "Hardware name",
            "NVIDIA H100 SXM5 80GB",
            "Release date",
            "2022-13-45",
            "not a date",
        ),
        (MODELS, "Model", "Claude Opus 4.5", "Publication date", "soon", "not a date"),
        (CLUSTERS, "Name", "Oak Ridge NL Summit", "H100 equivalents", "lots", "not a number"),
        (CLUSTERS, "Name", "Oak Ridge NL Summit", "Power Capacity (MW)", "1,00", "not a number"),
        (CLUSTERS, "Name", "Oak Ridge NL Summit", "Chip quantity (primary)", "-5", "negative"),
        (CLUSTERS, "Name", "Oak Ridge NL Summit", "Status", "Retired", "Existing/Planned"),
        (MODELS, "Model", "GPT-4.5", "Frontier model", "maybe", "neither true nor false"),
        (
            TIMELINES,
            "Data center",
            "xAI Colossus 1 Memphis Tennessee",
            "Power (MW)",
            "n/a",
            "not a number",
        ),
    ],
)
def test_an_unreadable_cell_names_file_line_and_column(
    tmp_path: Path, name: str, key_column: str, key: str, column: str, value: str, words: str
) -> None:
    folder = copy_snapshot(tmp_path)
    set_cell(folder, name, key, column, value)
    error = raised([folder])
    assert (error.file.name, error.column) == (name, column)
    assert error.line == start_line(folder / name, key_column, key)
    assert words in error.problem and value in error.problem


def test_the_line_is_where_a_record_starts_after_cells_that_span_lines(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path, (CLUSTERS,))
    set_cell(folder, CLUSTERS, "Oak Ridge NL Summit", "First Operational Date", "June 2018")
    rows_before = [r for r in read_csv(folder / CLUSTERS).rows]
    index = next(i for i, r in enumerate(rows_before) if r[0] == "Oak Ridge NL Summit")
    assert any("\n" in cell for row in rows_before[:index] for cell in row)
    error = raised([folder / CLUSTERS], snapshot=PartialDate.parse("2026-03-06"))
    assert error.line == start_line(folder / CLUSTERS, "Name", "Oak Ridge NL Summit") > index + 2


def test_a_file_with_a_header_we_do_not_know_is_refused_by_name(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path, (HARDWARE,))
    (folder / "prices.csv").write_text("Company,Price\nNVIDIA,30000\n", encoding="utf-8")
    error = raised([folder])
    assert (error.file.name, error.line) == ("prices.csv", 1)
    assert "not an Epoch AI file we know" in str(error) and "prices.csv" in str(error)


def test_a_record_with_more_cells_than_the_header_is_refused(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path, (DATA_CENTRES, TIMELINES))
    with (folder / TIMELINES).open("a", encoding="utf-8") as handle:
        handle.write("2026-01-01,Somewhere,,1,2,3,4,5,6,7,8,9,10,11,12\n")
    error = raised([folder])
    assert (
        error.file.name == TIMELINES
        and error.line == len(read_csv(REAL_SNAPSHOT / TIMELINES).rows) + 2
    )


def test_timelines_need_their_data_centres_and_the_other_way_round(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path, (TIMELINES, HARDWARE))
    with pytest.raises(EpochReadError, match="data_centers"):
        read_epoch([folder])
    (folder / TIMELINES).unlink()
    shutil.copyfile(REAL_SNAPSHOT / DATA_CENTRES, folder / DATA_CENTRES)
    with pytest.raises(EpochReadError, match="data_center_timelines"):
        read_epoch([folder])


def test_two_files_of_the_same_table_are_refused(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path, (HARDWARE,))
    shutil.copyfile(folder / HARDWARE, folder / "hardware-again.csv")
    with pytest.raises(EpochReadError, match="both Epoch AI's ml_hardware file"):
        read_epoch([folder])


def test_the_snapshot_comes_from_the_folder_name_or_must_be_given(tmp_path: Path) -> None:
    folder = tmp_path / "latest"
    folder.mkdir()
    shutil.copyfile(REAL_SNAPSHOT / HARDWARE, folder / HARDWARE)
    with pytest.raises(EpochReadError, match="give the snapshot's date"):
        read_epoch([folder / HARDWARE])
    reading = read_epoch([folder / HARDWARE], snapshot=PartialDate.parse("2026-03-06"))
    assert str(reading.snapshot) == "2026-03-06"
    assert str(read_epoch([REAL_SNAPSHOT / HARDWARE]).snapshot) == REAL_SNAPSHOT.name


def test_a_missing_path_or_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EpochReadError, match="no such file"):
        read_epoch([tmp_path / "nowhere"])
    with pytest.raises(EpochReadError, match="without CSV files"):
        read_epoch([tmp_path])
