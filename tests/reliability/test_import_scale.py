"""Imports whose cost follows their size (reliability, third pass: issue 25 item 5).

- Events effective on one day cost each presence row what its own company reaches that day: the
  causes of a row are looked up by company, not found by testing every event of the day against
  every row. Counted in calls of `is_cause`, which a machine's speed cannot change: before, 1,000
  registrations dated "2015" took 1,000² of them (30,000 took 62 s to import and 62 s to
  rebuild at c16c95b; 8.6 s and 4.7 s now).
- A file is read one event at a time: reading a 20,000-event file holds a few events, not the
  file and every object in it (an import of a 103 MiB export peaked at 824 MiB, now 469 MiB).
- A fault past the last event still refuses the whole file, before any of it is read as events
  (each file is surveyed first), and nothing of it is written.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stackline.services import integrity
from stackline.services.files import event_files, read_events
from stackline.services.recording import ImportFailed, import_events
from stackline.store import presence_causes
from stackline.store.units_of_work import Database
from tests.integration.builders import event, launched, registered
from tests.integration.test_log import count
from tests.reliability.figures import SuiteFigures


class Calls:
    """How many times `is_cause` was asked, while counting."""

    def __init__(self) -> None:
        self.made = 0


@pytest.fixture
def is_cause_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    calls = Calls()
    real = presence_causes.is_cause

    def counted(*args: Any) -> bool:
        calls.made += 1
        return real(*args)

    monkeypatch.setattr(presence_causes, "is_cause", counted)
    yield calls


def imported(database: Database, documents: list[dict[str, Any]], path: Path) -> int:
    path.write_text(json.dumps(documents), encoding="utf-8")
    return import_events(database, read_events(event_files([path])), "importer").created


def test_same_day_registrations_cost_each_row_its_own_causes_on_import_and_rebuild(
    database: Database, is_cause_calls: Calls, tmp_path: Path, figures: SuiteFigures
) -> None:
    companies = 1_000
    documents = [registered(f"firm-{n:05d}", "2015") for n in range(companies)]

    assert imported(database, documents, tmp_path / "same-day.json") == companies
    on_import, is_cause_calls.made = is_cause_calls.made, 0
    assert integrity.rebuild(database) == companies
    on_rebuild = is_cause_calls.made

    # One row per company starts on 2015-01-01, caused by its own registration only.
    assert 0 < on_import <= 2 * companies, on_import
    assert 0 < on_rebuild <= 2 * companies, on_rebuild
    figures.add(events_written=companies, inputs_tried=1)


def test_a_parent_acquiring_hundreds_on_one_day_costs_what_it_reaches(
    database: Database, is_cause_calls: Calls, tmp_path: Path, figures: SuiteFigures
) -> None:
    """The parent's row that day reaches every target; each target's row reaches itself: the
    calls grow with the rows and what they reach, not with rows × the day's events."""
    targets = 400
    documents = [registered("holding", "2000")]
    for n in range(targets):
        slug = f"target-{n:04d}"
        documents += [
            registered(slug, "2010"),
            event("acquisition.completed", "2020-03-02", {"acquirer": "holding", "target": slug}),
            launched("model", slug, f"Model {n}", "2020-03-02"),
        ]
    written = imported(database, documents, tmp_path / "one-day.json")
    assert written == len(documents)
    on_import, is_cause_calls.made = is_cause_calls.made, 0
    integrity.rebuild(database)
    on_rebuild = is_cause_calls.made

    # Rows starting that day: the parent's (2 events per target) and each target's (its own 2).
    assert 0 < on_import <= 6 * targets, on_import
    assert 0 < on_rebuild <= 6 * targets, on_rebuild
    figures.add(events_written=written, inputs_tried=1)


def test_an_import_file_is_read_one_event_at_a_time(tmp_path: Path, figures: SuiteFigures) -> None:
    path = tmp_path / "many.json"
    listed = 20_000
    path.write_text(
        json.dumps({"format": "stackline-timeline", "events": [
            launched("chip", f"maker-{n % 50}", f"Chip {n}", "2020-05") for n in range(listed)
        ]}),
        encoding="utf-8",
    )  # fmt: skip
    size = path.stat().st_size

    tracemalloc.start()
    try:
        read = sum(1 for _ in read_events([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert read == listed
    # Held at once: the parser's buffers and an event (0.75 MB, whatever the file's size), not
    # the file and its objects (reading it whole with `json.loads` held five times its size).
    assert peak < 2 * 1024 * 1024 < size, f"{peak:,} bytes held reading a {size:,}-byte file"
    figures.add(inputs_tried=listed)


def test_a_fault_after_the_last_event_refuses_the_whole_file_and_writes_nothing(
    database: Database, tmp_path: Path, figures: SuiteFigures
) -> None:
    documents = [registered("acme", "2001")] + [
        launched("chip", "acme", f"A{n}", "2020") for n in range(200)
    ]
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(documents) + " trailing", encoding="utf-8")

    with pytest.raises(ImportFailed) as refusal:
        read_events([path])  # surveyed when named: before an import takes the write lock

    assert str(refusal.value).startswith(str(path))
    assert "malformed JSON" in str(refusal.value) and "trailing garbage" in str(refusal.value)
    assert count(database) == 0
    figures.add(inputs_tried=1)


def test_a_file_nested_past_the_limit_is_refused_before_it_is_parsed_on(
    database: Database, tmp_path: Path, figures: SuiteFigures
) -> None:
    """A million brackets: refused at the 65th, in words, without building anything."""
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 1_000_000 + b"]" * 1_000_000)

    with pytest.raises(ImportFailed) as refusal:
        import_events(database, read_events([path]), "importer")

    assert "nest more than 64 levels deep" in str(refusal.value)
    assert count(database) == 0
    figures.add(inputs_tried=1)


def test_a_file_saved_with_a_byte_order_mark_imports_as_json_reads_it(
    database: Database, tmp_path: Path, figures: SuiteFigures
) -> None:
    """Editors on Windows save UTF-8 with a BOM; `json` read such bytes, and so does the stream."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([registered("acme", "2001")]).encode())

    assert import_events(database, read_events([path]), "importer").created == 1
    figures.add(events_written=1, inputs_tried=1)


def test_a_document_listing_its_events_twice_is_refused_in_words(
    tmp_path: Path, figures: SuiteFigures
) -> None:
    """`json` kept the last of two `events` keys, silently; the stream refuses to guess."""
    path = tmp_path / "twice.json"
    first, second = json.dumps([registered("acme")]), json.dumps([registered("zeta")])
    path.write_text(f'{{"events": {first}, "events": {second}}}', encoding="utf-8")

    with pytest.raises(ImportFailed) as refusal:
        read_events([path])

    assert "lists its events twice" in str(refusal.value)
    figures.add(inputs_tried=1)
