"""Reading one CSV file into rows that know their file and the physical line they start on.

Cells are read with Python's `csv` module (quoted cells may span lines). A row's typed readers
turn a bad cell into a `MalformedFile` naming file, line and column; a row's key is its name
whitespace-collapsed and unquoted, with `#2`, `#3`, … for a name repeated in the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from stackline.domain.dates import PartialDate
from stackline.domain.values import fold_name

from .cells import (
    CellError,
    clean_name,
    name_list,
    parse_date,
    parse_flag,
    parse_number,
    tagged_name,
    urls_in,
)
from .reading import Confidence, MalformedFile
from .tables import Table, recognise

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a file: its cells by column name and the line where it starts."""

    file: Path
    line: int
    cells: dict[str, str]

    def text(self, column: str) -> str:
        """The cell's text, trimmed (blank for a column the file does not have)."""
        return self.cells.get(column, "").strip()

    def words(self, column: str) -> str:
        """The cell's text on one line, runs of white space collapsed (quotes kept: `35°32'18"E`)."""
        return " ".join(self.text(column).split())

    def name(self, column: str) -> str:
        return clean_name(self.text(column))

    def tagged(self, column: str) -> tuple[str, Confidence | None]:
        return tagged_name(self.text(column))

    def names(self, column: str) -> list[str]:
        return [name for name, _ in name_list(self.text(column))]

    def tagged_names(self, column: str) -> list[tuple[str, Confidence | None]]:
        return name_list(self.text(column))

    def date(self, column: str) -> PartialDate | None:
        return self._read(column, parse_date)

    def number(self, column: str) -> float | None:
        return self._read(column, parse_number)

    def flag(self, column: str) -> bool:
        return self._read(column, parse_flag)

    def urls(self, *columns: str) -> list[str]:
        found: list[str] = []
        for column in columns:
            found.extend(url for url in urls_in(self.cells.get(column, "")) if url not in found)
        return found

    def malformed(self, column: str, problem: str) -> MalformedFile:
        return MalformedFile(self.file, self.line, column, problem)

    def _read(self, column: str, parse: Callable[[str], T]) -> T:
        try:
            return parse(self.cells.get(column, ""))
        except CellError as error:
            raise self.malformed(column, str(error)) from None


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """A file read whole: its table, the sha256 of its bytes, its header and its rows."""

    path: Path
    table: Table
    sha256: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]

    def keyed(self) -> Iterator[tuple[str, Row]]:
        """Each row with its key (`Name`, `Name #2`, … in file order); rows without one left out."""
        seen: Counter[str] = Counter()
        for row in self.rows:
            name = row.name(self.table.key)
            if not name:
                continue
            seen[fold_name(name)] += 1
            count = seen[fold_name(name)]
            yield (name if count == 1 else f"{name} #{count}"), row


def load(path: Path) -> LoadedFile:
    """Read a file, recognise its table by its header and check every record's shape."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MalformedFile(path, None, None, f"not UTF-8 text ({error.reason})") from None
    records = _records(path, text)
    first = next(records, None)
    if first is None:
        raise MalformedFile(path, 1, None, "empty file: not an Epoch AI file we know")
    header = tuple(" ".join(name.split()) for name in first[1])
    _check_header(path, header)
    table = recognise(path, header)
    rows = tuple(_row(path, line, header, cells) for line, cells in records if any(cells))
    return LoadedFile(path, table, hashlib.sha256(data).hexdigest(), header, rows)


def _records(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise MalformedFile(path, start, None, f"not readable as CSV ({error})") from None
        yield start, cells
        start = reader.line_num + 1


def _check_header(path: Path, header: tuple[str, ...]) -> None:
    repeated = [name for name, count in Counter(header).items() if count > 1 and name]
    if repeated:
        raise MalformedFile(path, 1, repeated[0], "the header names this column twice")


def _row(path: Path, line: int, header: tuple[str, ...], cells: list[str]) -> Row:
    if len(cells) > len(header):
        raise MalformedFile(
            path, line, None, f"the record has {len(cells)} cells but the header {len(header)}"
        )
    padded = cells + [""] * (len(header) - len(cells))
    return Row(path, line, dict(zip(header, padded, strict=True)))
