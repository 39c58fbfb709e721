"""Event models (DESIGN §2): the catalog, field-named errors, and frozen values."""

from __future__ import annotations

import json
import re
from pathlib import Path
from uuid import uuid4

import pytest
from pydantic import ValidationError

from stackline.domain.catalog import REGISTRY
from stackline.domain.documents import client_document, parse_event
from stackline.domain.errors import InvalidEvent, MalformedDocument
from stackline.domain.events import EVENT_CLASSES, EVENT_TYPES
from stackline.domain.values import Money
from tests.unit.builders import MINIMAL_PAYLOADS, raw_event


def problems(raw: dict) -> dict[str, str]:
    with pytest.raises(InvalidEvent) as caught:
        parse_event(raw)
    assert caught.value.code == "invalid_event"
    return {p.field: p.message for p in caught.value.problems}


def test_every_registered_type_has_an_example_a_line_of_help_and_a_model():
    assert set(MINIMAL_PAYLOADS) == set(EVENT_TYPES) == set(EVENT_CLASSES)
    assert all(EVENT_CLASSES[t].__doc__ for t in EVENT_TYPES)


@pytest.mark.parametrize("type_", sorted(MINIMAL_PAYLOADS))
def test_every_catalog_type_parses_from_a_minimal_payload(type_):
    event = parse_event(raw_event(type_))
    assert event.type == type_
    assert isinstance(event, EVENT_CLASSES[type_])
    assert event.confidence == "confirmed"
    assert client_document(event)["payload"] == MINIMAL_PAYLOADS[type_]


def test_an_unknown_type_is_refused_with_the_list_of_known_types():
    with pytest.raises(InvalidEvent) as caught:
        parse_event(raw_event(type="gpu.sold"))
    assert caught.value.code == "unknown_type"
    assert "gpu.sold" in caught.value.message
    assert all(known in caught.value.message for known in EVENT_TYPES)
    assert [p.field for p in caught.value.problems] == ["type"]


@pytest.mark.parametrize("raw", [[], "event", None, 3])
def test_something_other_than_an_object_is_refused_as_malformed(raw):
    with pytest.raises(MalformedDocument):
        parse_event(raw)


def test_an_unknown_payload_field_is_named_as_unknown():
    payload = {**MINIMAL_PAYLOADS["chip.launched"], "colour": "green"}
    assert problems(raw_event("chip.launched", payload)) == {"payload.colour": "unknown field"}


def test_an_unknown_envelope_field_is_named_as_unknown():
    assert problems(raw_event(mood="happy")) == {"mood": "unknown field"}


def test_a_missing_payload_field_is_named():
    assert "payload.status" in problems(raw_event("chip.launched", {"company": "a", "chip": "X"}))


@pytest.mark.parametrize("sources", [[], None])
def test_an_event_needs_at_least_one_source(sources):
    assert "sources" in problems(raw_event(sources=sources))


def test_a_source_needs_a_title_or_a_url():
    found = problems(raw_event(sources=[{"publisher": "Reuters"}]))
    assert "title or a url" in found["sources.0"]
    assert (
        parse_event(raw_event(sources=[{"url": "https://example.com/a"}])).sources[0].title is None
    )


@pytest.mark.parametrize(
    "url", ["ftp://example.com", "example.com", "https://", "http://a b.com", "javascript:alert(1)"]
)
def test_a_source_url_must_be_http_or_https(url):
    assert "sources.0.url" in problems(raw_event(sources=[{"url": url}]))


def test_a_source_url_with_a_trailing_newline_is_refused():
    assert "sources.0.url" in problems(raw_event(sources=[{"url": "https://example.com\n"}]))


@pytest.mark.parametrize(
    "summary", ["two\nlines", "tab\there", "line\u2028separator", "", "   ", "x" * 201]
)
def test_a_summary_must_be_one_line_of_at_most_200_characters(summary):
    assert "summary" in problems(raw_event(summary=summary))


def test_a_summary_of_exactly_200_characters_is_accepted():
    assert len(parse_event(raw_event(summary="é" * 200)).summary) == 200


def test_partnership_parties_must_be_distinct():
    payload = {"parties": ["openai", "openai"], "layer": "compute", "status": "active"}
    assert "distinct" in problems(raw_event("partnership.formed", payload))["payload"]


def test_a_partnership_needs_two_parties():
    payload = {"parties": ["openai"], "layer": "compute", "status": "active"}
    assert "payload.parties" in problems(raw_event("partnership.formed", payload))


def test_a_partnership_provider_must_be_one_of_the_parties():
    payload = {**MINIMAL_PAYLOADS["partnership.formed"], "provider": "oracle"}
    assert "provider" in problems(raw_event("partnership.formed", payload))["payload"]
    payload["provider"] = "microsoft"
    assert parse_event(raw_event("partnership.formed", payload)).payload.provider == "microsoft"


@pytest.mark.parametrize("type_", ["acquisition.announced", "acquisition.completed"])
def test_a_company_cannot_acquire_itself(type_):
    found = problems(raw_event(type_, {"acquirer": "xai", "target": "xai"}))
    assert "different" in found["payload"]


@pytest.mark.parametrize("stake", [0, 49.5, 100])
def test_a_stake_between_0_and_100_percent_is_accepted(stake):
    payload = {**MINIMAL_PAYLOADS["investment.made"], "stake_pct": stake}
    assert parse_event(raw_event("investment.made", payload)).payload.stake_pct == stake


@pytest.mark.parametrize("stake", [-0.1, 100.01, 1000])
def test_a_stake_outside_0_to_100_percent_is_refused(stake):
    payload = {**MINIMAL_PAYLOADS["investment.made"], "stake_pct": stake}
    assert "payload.stake_pct" in problems(raw_event("investment.made", payload))


@pytest.mark.parametrize("amount", [-1, "NaN", "Infinity"])
def test_a_money_amount_must_be_a_finite_number_of_at_least_zero(amount):
    payload = {**MINIMAL_PAYLOADS["investment.made"], "amount": {"amount": amount}}
    assert "payload.amount.amount" in problems(raw_event("investment.made", payload))


def test_a_money_currency_must_be_an_iso_code():
    payload = {**MINIMAL_PAYLOADS["investment.made"], "amount": {"amount": 1, "currency": "usd"}}
    assert "payload.amount.currency" in problems(raw_event("investment.made", payload))


def test_an_integral_amount_serializes_as_an_integer_so_5_and_5_0_are_the_same_event():
    assert Money(amount=5.0).model_dump(mode="json")["amount"] == 5
    assert isinstance(Money(amount=5.0).model_dump(mode="json")["amount"], int)
    assert Money(amount=5.5).model_dump(mode="json")["amount"] == 5.5
    fixed_id = str(uuid4())
    documents = [
        client_document(
            parse_event(
                raw_event(
                    "investment.made",
                    {"investor": "microsoft", "investee": "openai", "amount": {"amount": amount}},
                    id=fixed_id,
                )
            )
        )
        for amount in (5, 5.0)
    ]
    assert documents[0] == documents[1]
    assert json.dumps(documents[0], sort_keys=True) == json.dumps(documents[1], sort_keys=True)


def test_events_payloads_and_values_are_frozen():
    event = parse_event(
        raw_event("investment.made", {"investor": "a", "investee": "b", "amount": {"amount": 1}})
    )
    with pytest.raises(ValidationError):
        event.summary = "changed"
    with pytest.raises(ValidationError):
        event.payload.investor = "c"
    with pytest.raises(ValidationError):
        event.payload.amount.amount = 2
    with pytest.raises(ValidationError):
        event.sources[0].title = "other"


def test_a_recorded_at_without_a_time_zone_is_refused():
    assert "recorded_at" in problems(raw_event(recorded_at="2024-05-02T10:11:12"))


def test_the_architecture_pages_catalog_lists_exactly_the_registered_types_and_layers() -> None:
    page = (Path(__file__).parents[2] / "docs" / "architecture.md").read_text()
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| ([^|]+) \|", page, flags=re.MULTILINE)
    assert [name for name, _ in rows] == list(EVENT_TYPES)
    for name, layer in rows:
        fixed = REGISTRY[name].fixed_layer
        assert layer.strip() == (fixed.value if fixed else layer.strip()), name
