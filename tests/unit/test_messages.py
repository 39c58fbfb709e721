"""Every field's validation problem reads as words a person understands, never pydantic's text.

Table-driven over the whole catalog: for each event type, each envelope and payload field (nested
groups included) is left out and then given values of the wrong kind; every problem must name
the field and be free of the library's phrasing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stackline.domain.documents import parse_event
from stackline.domain.errors import StacklineError
from stackline.domain.events import EVENT_CLASSES
from tests.unit.builders import raw_event

LIBRARY_PHRASES = (
    "Input should", "String should", "Tuple should", "List should", "Value should",
    "Field required", "after validation", "valid dictionary", "instance of", "UUID input",
    "unable to parse", "Extra inputs", "Value error",
)  # fmt: skip
WRONG_VALUES: tuple[Any, ...] = (
    "", "Not A Slug!", "x" * 3000, -5, 10**15, "abc", [], ["Not A Slug!"], {}, True, None, 1.5,
)  # fmt: skip
ENVELOPE = ("occurred_on", "summary", "details", "confidence", "sources", "id", "supersedes")


def valid_base(event_type: str) -> dict[str, Any]:
    return {
        "type": event_type,
        "occurred_on": "2024-01",
        "summary": "Something happened",
        "sources": [{"title": "A source"}],
        "payload": {},
    }


def payload_paths(event_type: str) -> Iterator[tuple[str, ...]]:
    schema = EVENT_CLASSES[event_type].model_json_schema()
    defs = schema.get("$defs", {})

    def walk(node: dict[str, Any], prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        node = defs[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node
        for name, prop in node.get("properties", {}).items():
            yield (*prefix, name)
            options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
            for option in options:
                if "$ref" in option:
                    yield from walk(option, (*prefix, name))

    yield from walk(schema["properties"]["payload"], ())


def problems(document: dict[str, Any]) -> list[tuple[str, str]]:
    try:
        parse_event(document)
    except StacklineError as error:
        return [(p.field, p.message) for p in error.problems]
    return []


def place(document: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    node = document["payload"]
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return document


CASES = [(t, path) for t in EVENT_CLASSES for path in payload_paths(t)]


@pytest.mark.parametrize(
    ("event_type", "path"), CASES, ids=[f"{t}:{'.'.join(p)}" for t, p in CASES]
)
def test_every_payload_field_explains_a_wrong_value_in_words(
    event_type: str, path: tuple[str, ...]
) -> None:
    seen = 0
    for value in WRONG_VALUES:
        for field, message in problems(place(valid_base(event_type), path, value)):
            seen += 1
            assert field == "payload" or field.startswith("payload."), field
            assert message and not any(phrase in message for phrase in LIBRARY_PHRASES), (
                field,
                value,
                message,
            )
    assert seen  # an empty payload at least is refused


@pytest.mark.parametrize("event_type", list(EVENT_CLASSES))
@pytest.mark.parametrize("field", ENVELOPE)
def test_every_envelope_field_explains_a_wrong_value_in_words(event_type: str, field: str) -> None:
    for value in WRONG_VALUES:
        document = {**valid_base(event_type), field: value}
        for named, message in problems(document):
            assert not any(phrase in message for phrase in LIBRARY_PHRASES), (named, value, message)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"sources": []}, "sources", "add at least one source"),
        ({"id": "nope"}, "id", "not a valid event id"),
        ({"supersedes": "n0t-an-id"}, "supersedes", "not a valid event id"),
        ({"confidence": "sure"}, "confidence", "must be one of: confirmed, likely or speculative"),
    ],
)
def test_the_common_mistakes_have_the_words_the_issue_asks_for(
    change: dict[str, Any], field: str, words: str
) -> None:
    document = {**valid_base("company.registered"), **change}
    document["payload"] = {"company": "acme", "name": "Acme", "kind": "lab"}
    assert (field, words) in [(f, m[: len(words)]) for f, m in problems(document)]


def test_a_partnership_of_fewer_than_two_parties_says_so() -> None:
    document = valid_base("partnership.formed")
    document["payload"] = {"parties": ["acme"], "layer": "compute", "status": "active"}
    assert ("payload.parties", "a partnership needs at least two different parties") in problems(
        document
    )


def test_money_text_is_bounded_and_read_without_backtracking() -> None:
    import time
    from contextlib import suppress

    from stackline.domain.money import MoneyTextError, parse_money

    start = time.perf_counter()
    for text in ("5" + " " * 60 + "x", "5" + " " * 3000 + "x\ny", "1" * 5000):
        with suppress(MoneyTextError):
            parse_money(text)
    assert time.perf_counter() - start < 1.0  # refused at once, however it is padded
    assert parse_money("  1.25   B   per   month ") == {"amount": 1250000000, "basis": "per_month"}


def test_a_malformed_hash_is_called_a_malformed_hash_not_a_company_slug() -> None:
    raw = {**raw_event("company.registered"), "hash": "not-hex"}
    assert ("hash", "not a hash: 64 lower-case hexadecimal digits") in problems(raw)


def test_a_malformed_currency_says_how_to_write_one() -> None:
    payload = {"investor": "microsoft", "investee": "openai",
               "amount": {"amount": 1, "currency": "usd"}}  # fmt: skip
    found = dict(problems(raw_event("investment.made", payload)))
    assert found["payload.amount.currency"].startswith("a three-letter currency code")
