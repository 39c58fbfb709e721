"""How single cells read: every date form the files use, numbers, flags, URLs, tags and keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackline.adapters.epoch import read_epoch
from stackline.adapters.epoch.cells import (
    CellError,
    clean_name,
    date_in_words,
    name_list,
    parse_date,
    parse_flag,
    parse_number,
    tagged_name,
    urls_in,
)
from stackline.domain.dates import PartialDate
from tests.unit.adapters.variants import HARDWARE, REAL_SNAPSHOT, read_csv, write_csv


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-09-02", "2024-09-02"),
        ("9/2/2024", "2024-09-02"),
        ("09/02/2024", "2024-09-02"),
        ("2024", "2024"),
        ("2021-07", "2021-07"),
        ("7/2021", "2021-07"),
        ("Q4 2023", "2023-Q4"),
        ("2025-12-05 21:21:23+00:00", "2025-12-05"),
        ("2025-12-05T21:21:23Z", "2025-12-05"),
        (" 2024-09-02 ", "2024-09-02"),
    ],
)
def test_every_date_form_of_the_files_reads_as_one_partial_date(text: str, expected: str) -> None:
    assert parse_date(text) == PartialDate.parse(expected)


@pytest.mark.parametrize("text", ["2/30/2024", "2024-13", "soon", "13/1/2024", "2024-9-2"])
def test_a_date_that_is_not_one_is_refused_naming_the_forms(text: str) -> None:
    with pytest.raises(CellError, match="M/D/YYYY"):
        parse_date(text)


def test_a_blank_date_or_number_is_unknown_never_zero() -> None:
    assert parse_date("  ") is None
    assert parse_number("") is None


@pytest.mark.parametrize("text", ["1000", "1000.0", "1.0e3", "1e+03", "1,000", "1,000.0", " 1000 "])
def test_a_number_reads_the_same_however_it_is_spelled(text: str) -> None:
    assert parse_number(text) == 1000.0


@pytest.mark.parametrize("text", ["1,00", "12,34,567", "ten", "inf", "nan", "1_000", "1e999", "-3"])
def test_a_number_spelled_oddly_is_refused(text: str) -> None:
    with pytest.raises(CellError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("True", True), ("true", True), ("Yes", True), ("", False), ("False", False)],
)
def test_flags_read_in_any_common_spelling(text: str, expected: bool) -> None:
    assert parse_flag(text) is expected


def test_a_notes_date_is_read_when_it_is_one() -> None:
    assert date_in_words("Planned H2 2026") == PartialDate.parse("2026-H2")
    assert date_in_words("Planned 2029-02") == PartialDate.parse("2029-02")
    assert date_in_words("Planned for end of 2023") is None
    assert date_in_words("Planned") is None


def test_every_url_of_a_cell_is_found_without_the_text_around_it() -> None:
    cell = (
        "https://a.example/x; https://b.example/y\n\nsee [this](https://c.example/wiki/A_(b)).\n"
        "as for release date (https://d.example/doc.pdf) and https://e.example/#:~:text=a,b"
    )
    assert urls_in(cell) == [
        "https://a.example/x",
        "https://b.example/y",
        "https://c.example/wiki/A_(b)",
        "https://d.example/doc.pdf",
        "https://e.example/#:~:text=a,b",
    ]


def test_names_lose_quotes_non_breaking_spaces_and_confidence_tags() -> None:
    assert clean_name('"OpenAI/Microsoft Mt Pleasant, Wisconsin Phase 2"') == (
        "OpenAI/Microsoft Mt Pleasant, Wisconsin Phase 2"
    )
    assert clean_name("ALLaM\u00a0adapted 70B ") == "ALLaM adapted 70B"
    assert tagged_name("Amazon #confident") == ("Amazon", "confirmed")
    assert tagged_name("Project Rainier #speculative") == ("Project Rainier", "speculative")
    assert name_list("OpenAI #likely, Microsoft #likely, openai") == [
        ("OpenAI", "likely"),
        ("Microsoft", "likely"),
    ]


def test_a_name_repeated_in_a_file_is_keyed_with_its_place(tmp_path: Path) -> None:
    folder = tmp_path / "2026-03-06"
    folder.mkdir()
    table = read_csv(REAL_SNAPSHOT / HARDWARE)
    h100 = next(row for row in table.rows if row[0] == "NVIDIA H100 SXM5 80GB")
    table.rows += [list(h100), [f' "{h100[0]}" ', *h100[1:]]]
    write_csv(folder / HARDWARE, table)
    keys = [c.key for c in read_epoch([folder]).candidates if "H100 SXM5" in c.key]
    assert keys == ["NVIDIA H100 SXM5 80GB", "NVIDIA H100 SXM5 80GB #2", "NVIDIA H100 SXM5 80GB #3"]
