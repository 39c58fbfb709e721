"""Hostile input to the parsers: property tests for partial dates and the import reader.

Whatever they are given, `PartialDate.parse` and `labelled_events` + `import_events` answer with
a result or with their own refusal (`PartialDateError`, `ImportFailed`) — never another
exception — and every refusal names what was wrong: the input and the accepted forms for a date;
the file, the event and each bad field for an import. A refused import writes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from stackline.domain.dates import (
    ACCEPTED_FORMS,
    PARTIAL_DATE_PATTERN,
    PartialDate,
    PartialDateError,
)
from stackline.services.files import labelled_events
from stackline.services.recording import ImportFailed, import_events
from stackline.services.runtime import load_seed
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from tests.integration.builders import invested, launched, partnered, registered, retracted
from tests.integration.test_import_export import export_document
from tests.integration.test_log import count
from tests.reliability.figures import SuiteFigures
from tests.reliability.hostile_values import (
    ANY_CHARACTER,
    ANY_TEXT,
    HOSTILE_TEXT,
    JSON_VALUES,
    weighted,
)

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAX_MESSAGE = 600  # the input is quoted (40 characters, escaped), never all of a huge one

NEAR_DATES = st.from_regex(r"\A[0-9٠-٩０-９]{1,5}(-[HQWhq]?[0-9٣]{1,3}){0,3}[ \n\t]?\Z")
NOT_STRINGS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.binary(max_size=12), st.dates(),
    st.datetimes(), st.lists(ANY_TEXT, max_size=3), st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=2),
)  # fmt: skip


@FUZZ
@given(value=st.one_of(HOSTILE_TEXT, NEAR_DATES, NOT_STRINGS))
def test_a_partial_date_is_parsed_or_refused_with_a_message_naming_the_input_and_the_forms(
    value: object, figures: SuiteFigures
) -> None:
    figures.add(inputs_tried=1)
    try:
        parsed = PartialDate.parse(value)
    except PartialDateError as refusal:
        message = str(refusal)
        assert ACCEPTED_FORMS in message and len(message) < MAX_MESSAGE
        if isinstance(value, str):
            assert repr(value[:40])[:-1] in message  # the input, quoted (and cut short)
        else:
            assert "expected a partial date string" in message
        return
    assert isinstance(value, str) and str(parsed) == value
    assert parsed.start.year >= 1900 and parsed.end.year <= 2100
    assert parsed.start <= parsed.end and parsed.effective == parsed.start


@FUZZ
@given(text=st.one_of(st.text(ANY_CHARACTER, max_size=14), NEAR_DATES))
def test_the_published_pattern_accepts_exactly_the_texts_the_parser_accepts(
    text: str, figures: SuiteFigures
) -> None:
    figures.add(inputs_tried=1)
    try:
        PartialDate.parse(text)
        parsed = True
    except PartialDateError:
        parsed = False
    assert bool(re.fullmatch(PARTIAL_DATE_PATTERN, text)) == parsed


# --- the import reader ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A seeded SQLite database the fuzzed imports go into (valid ones are kept)."""
    database = Database(
        make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'stackline.db'}")
    )
    upgrade(database.engine)
    load_seed(database)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def valid_events(store: Database) -> list[dict[str, Any]]:
    """Events that would import: new ones naming seeded companies, and exported ones."""
    exported = export_document(store)["events"]
    return [
        registered("fuzz-co", "2019"),
        launched("model", "openai", "Fuzz model", "2025-01"),
        launched("compute", "microsoft", "Fuzz region", "2025-02", capacity_mw=50),
        invested("google", "anthropic", "2025-03"),
        partnered(["openai", "microsoft"], "compute", "2025-04", provider="microsoft"),
        retracted(exported[30]["id"]),
        exported[0],
        exported[-1],
    ]


FIELD_PATHS = [
    "id", "type", "occurred_on", "summary", "details", "confidence", "supersedes", "sources",
    "sources.0", "sources.0.title", "sources.0.url", "sources.0.published_on", "payload",
    "payload.company", "payload.name", "payload.model", "payload.parties", "payload.parties.0",
    "payload.provider", "payload.investee", "payload.amount", "payload.amount.amount",
    "payload.capacity_mw", "payload.access", "payload.event", "seq", "hash", "prev_hash",
    "recorded_by", "schema_version", "unknown",
]  # fmt: skip
DELETE = object()
# Values a field could almost take: they get past the schema and reach the rules and the store.
PLAUSIBLE = st.sampled_from([
    "openai", "google", "nvidia", "xai", "nobody", "fuzz-co", "OpenAI", "1900", "2019",
    "2025-Q3", "2026-12-31", "2100", "1899", "2024-02-30", "confirmed", "speculative", "closed",
    "available", "announced", "active", "compute", "model", 0, -1, 50, 100, 101, 1e308, 10**30,
    "a4d4c1b0-0000-4000-8000-000000000000", "https://example.com/a", "", " ",
])  # fmt: skip
STORE_MOMENTS = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2100, 12, 30), timezones=st.timezones()
).map(datetime.isoformat)  # the calendar's very edges are the xfail test below
CHANGES = st.lists(
    weighted(
        (4, st.tuples(st.sampled_from(FIELD_PATHS), PLAUSIBLE)),
        (2, st.tuples(st.sampled_from(FIELD_PATHS), JSON_VALUES)),
        (1, st.tuples(st.sampled_from(FIELD_PATHS), st.just(DELETE))),
        (1, st.tuples(st.just("recorded_at"), STORE_MOMENTS)),
        (2, st.tuples(st.just("id"), st.uuids().map(str))),
    ),
    max_size=3,
)


def changed(event: dict[str, Any], changes: list[tuple[str, Any]]) -> Any:
    """The event with each (dotted path, value) change made where the path exists."""
    copy = json.loads(json.dumps(event))
    for path, value in changes:
        *parents, last = path.split(".")
        node: Any = copy
        for key in parents:
            node = node[int(key)] if isinstance(node, list) and key.isdigit() else node.get(key)
            if not isinstance(node, (dict, list)):
                break
        else:
            if isinstance(node, list):
                if last.isdigit() and int(last) < len(node):
                    node[int(last)] = None if value is DELETE else value
            elif value is DELETE:
                node.pop(last, None)
            else:
                node[last] = value
    return copy


def documents(valid: list[dict[str, Any]]) -> st.SearchStrategy[Any]:
    mutated = st.builds(changed, st.sampled_from(valid), CHANGES)
    events = st.lists(weighted((9, mutated), (1, JSON_VALUES)), min_size=1, max_size=4)
    formats = st.sampled_from(["stackline-timeline"] * 6 + ["other", None, 1])
    exported = st.builds(
        lambda e, f: {"format": f, "format_version": 1, "events": e}, events, formats
    )
    return weighted((6, events), (3, exported), (1, JSON_VALUES))


def encodings(valid: list[dict[str, Any]]) -> st.SearchStrategy[bytes]:
    """The documents as files: JSON (lone surrogates escaped, or as bad UTF-8), cut short, or
    any bytes."""
    as_json = documents(valid).flatmap(
        lambda d: st.sampled_from([
            json.dumps(d).encode(),
            json.dumps(d, ensure_ascii=False).encode("utf-8", "surrogatepass"),
        ])
    )  # fmt: skip
    cut = st.tuples(as_json, st.floats(0, 1)).map(lambda t: t[0][: int(len(t[0]) * t[1])])
    return weighted((8, as_json), (1, cut), (1, st.binary(max_size=200)))


def test_any_import_file_is_imported_or_refused_naming_file_event_and_field(
    store: Database, valid_events: list[dict[str, Any]], figures: SuiteFigures
) -> None:
    @FUZZ
    @given(encodings(valid_events))
    def import_once(content: bytes) -> None:
        figures.add(inputs_tried=1)
        before = count(store)
        try:
            report = import_events(store, labelled_events("fuzz.json", content), "fuzzer")
        except ImportFailed as refusal:
            event(f"refused: {refusal.error.message[:24]}")
            assert str(refusal).startswith("fuzz.json")
            assert refusal.error.message
            assert refusal.error.problems, str(refusal)
            assert all(problem.message for problem in refusal.error.problems), str(refusal)
            assert count(store) == before
            return
        event(f"imported: {report.created} new, {report.unchanged} unchanged")
        assert count(store) == before + report.created
        figures.add(events_written=report.created)

    import_once()


def test_a_valid_file_imports_so_the_fuzzer_reaches_the_store(
    store: Database, valid_events: list[dict[str, Any]], figures: SuiteFigures
) -> None:
    content = json.dumps([launched("chip", "nvidia", "Fuzz control chip", "2025-05")]).encode()

    report = import_events(store, labelled_events("control.json", content), "fuzzer")

    assert report.created == 1
    figures.add(events_written=1, inputs_tried=1)


def refusal_or_error(content: bytes, store: Database) -> Exception | None:
    try:
        import_events(store, labelled_events("hostile.json", content), "fuzzer")
    except Exception as error:
        return error
    return None


def test_a_deeply_nested_import_file_is_refused_naming_the_file(
    store: Database, figures: SuiteFigures
) -> None:
    figures.add(inputs_tried=1)
    depth = 100_000

    error = refusal_or_error(b"[" * depth + b"]" * depth, store)

    assert isinstance(error, ImportFailed) and str(error).startswith("hostile.json"), repr(error)


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"])
def test_an_exported_event_stamped_beyond_the_calendar_is_refused_naming_recorded_at(
    store: Database, valid_events: list[dict[str, Any]], moment: str, figures: SuiteFigures
) -> None:
    figures.add(inputs_tried=1)
    event = {**valid_events[-1], "recorded_at": moment}

    error = refusal_or_error(json.dumps([event]).encode(), store)

    assert isinstance(error, ImportFailed) and "recorded_at" in str(error), repr(error)
