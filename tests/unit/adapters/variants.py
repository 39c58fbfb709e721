"""Variants of the real Epoch AI snapshot, written to a folder, for adapter and sync tests.

`copy_snapshot(tmp_path)` copies the five files into `tmp_path/<snapshot date>/` (so the folder
still names the snapshot) and returns that folder; the other functions rewrite files in such a
folder in place. Spelling-only variants (`respell_dates`, `reformat_numbers`, `reorder_columns`,
`add_column`) change how the files are written, not what they say; `set_cell`, `remove_row` and
`add_row` change what one row says.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REAL_SNAPSHOT = Path(
    os.environ.get(
        "STACKLINE_EPOCH_SNAPSHOT",
        str(Path(__file__).parents[3] / "events" / "datasets" / "epoch-ai" / "2026-03-06"),
    )
)
HARDWARE = "ml_hardware.csv"
MODELS = "notable_ai_models.csv"
CLUSTERS = "gpu_clusters.csv"
DATA_CENTRES = "data_centers.csv"
TIMELINES = "data_center_timelines.csv"
KEY_COLUMNS = {
    HARDWARE: "Hardware name",
    MODELS: "Model",
    CLUSTERS: "Name",
    DATA_CENTRES: "Handle",
    TIMELINES: "Data center",
}
DATE_COLUMNS = {
    HARDWARE: ("Release date",),
    MODELS: ("Publication date",),
    CLUSTERS: ("First Operational Date", "Decommissioned Date (if applicable)"),
    DATA_CENTRES: (),
    TIMELINES: ("Date",),
}
NUMBER_COLUMNS = {
    HARDWARE: (),
    MODELS: ("Parameters", "Training compute (FLOP)"),
    CLUSTERS: ("H100 equivalents", "Chip quantity (primary)", "Power Capacity (MW)"),
    DATA_CENTRES: (),
    TIMELINES: ("Power (MW)", "H100 equivalents"),
}
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class CsvTable:
    """A CSV file's header and records, as plain lists of strings."""

    header: list[str]
    rows: list[list[str]]

    def column(self, name: str) -> int:
        return self.header.index(name)

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row, strict=True)) for row in self.rows]


def read_csv(path: Path) -> CsvTable:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header, *rows = list(csv.reader(handle))
    return CsvTable(header, rows)


def write_csv(path: Path, table: CsvTable) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.header)
        writer.writerows(table.rows)


def copy_snapshot(into: Path, files: tuple[str, ...] = tuple(KEY_COLUMNS)) -> Path:
    folder = into / REAL_SNAPSHOT.name
    folder.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copyfile(REAL_SNAPSHOT / name, folder / name)
    return folder


def _rewrite(folder: Path, name: str, change: Callable[[CsvTable], None]) -> None:
    table = read_csv(folder / name)
    change(table)
    write_csv(folder / name, table)


def _row_index(table: CsvTable, name: str, key: str, nth: int = 1) -> int:
    """The index of the nth row whose key cell, unquoted and whitespace-collapsed, is `key`."""
    column = table.column(KEY_COLUMNS[name])
    wanted = " ".join(key.split())
    found = [
        index
        for index, row in enumerate(table.rows)
        if " ".join(row[column].replace('"', " ").split()) == wanted
    ]
    if len(found) < nth:
        raise KeyError(f"{name} has no row {key!r} (#{nth})")
    return found[nth - 1]


def set_cell(folder: Path, name: str, key: str, column: str, value: str, nth: int = 1) -> None:
    """Change one cell of the row with that key (for timelines: the data centre's nth row)."""

    def change(table: CsvTable) -> None:
        table.rows[_row_index(table, name, key, nth)][table.column(column)] = value

    _rewrite(folder, name, change)


def remove_row(folder: Path, name: str, key: str) -> None:
    def change(table: CsvTable) -> None:
        del table.rows[_row_index(table, name, key)]

    _rewrite(folder, name, change)


def add_row(folder: Path, name: str, cells: dict[str, str]) -> None:
    def change(table: CsvTable) -> None:
        table.rows.append([cells.get(column, "") for column in table.header])

    _rewrite(folder, name, change)


def respell_dates(folder: Path) -> None:
    """Every full-day date written month first, `M/D/YYYY`, as older Epoch files do."""
    for name, columns in DATE_COLUMNS.items():

        def change(table: CsvTable, columns: tuple[str, ...] = columns) -> None:
            for row in table.rows:
                for index in map(table.column, columns):
                    if match := _ISO_DAY.fullmatch(row[index]):
                        year, month, day = match.groups()
                        row[index] = f"{int(month)}/{int(day)}/{year}"

        _rewrite(folder, name, change)


def reformat_numbers(folder: Path) -> None:
    """Whole numbers with thousands separators (`100,000`), others in `1.5e+02` notation."""
    for name, columns in NUMBER_COLUMNS.items():

        def change(table: CsvTable, columns: tuple[str, ...] = columns) -> None:
            for row in table.rows:
                for index in map(table.column, columns):
                    if row[index].strip():
                        row[index] = _respelled(float(row[index]))

        _rewrite(folder, name, change)


def _respelled(number: float) -> str:
    if number.is_integer() and number >= 1000:
        return f"{int(number):,}"
    return f"{number:.17e}"


def reorder_columns(folder: Path) -> None:
    """Every file's columns in reverse order."""
    for name in KEY_COLUMNS:

        def change(table: CsvTable) -> None:
            table.header.reverse()
            for row in table.rows:
                row.reverse()

        _rewrite(folder, name, change)


def add_column(folder: Path, column: str = "Added by a later release") -> None:
    """A column Epoch might add in a later release, in the middle of every file."""
    for name in KEY_COLUMNS:

        def change(table: CsvTable) -> None:
            middle = len(table.header) // 2
            table.header.insert(middle, column)
            for number, row in enumerate(table.rows):
                row.insert(middle, f"value {number}")

        _rewrite(folder, name, change)
