"""The OpenAPI document at /api/v1/openapi.json: operations, parameters, bodies, responses, auth."""

from __future__ import annotations

import calendar
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from stackline.domain.dates import PartialDate, PartialDateError
from stackline.domain.events import EVENT_ADAPTER, EVENT_TYPES, STORE_FIELDS
from stackline.services import parameters
from stackline.services.parameters import (
    COMPANY_LIST,
    DAY,
    MOMENT,
    ORIGIN,
    SLUG,
    TYPE_LIST,
    WORDS,
    TextForm,
)
from stackline.services.parameters import known_on as parse_known_on
from tests.web.api_support import API

OPERATIONS = {
    ("get", "/api/v1/companies"): {"as_of"},
    ("get", "/api/v1/companies/{slug}/stack"): {"slug", "as_of", "known_on"},
    ("get", "/api/v1/companies/{slug}/diff"): {"slug", "from", "to", "known_on"},
    ("get", "/api/v1/stack"): {"as_of", "known_on", "include_subsidiaries", "format", "bom"},
    ("get", "/api/v1/diff"): {"from", "to", "known_on", "format", "bom"},
    ("get", "/api/v1/events"): {
        "company", "layer", "type", "from", "to", "q", "origin", "include_voided", "after_seq",
        "limit", "sort", "cursor", "include_subsidiaries", "format", "bom",
    },
    ("get", "/api/v1/events/{id}"): {"id"},
    ("post", "/api/v1/events"): set(),
    ("get", "/api/v1/event-types"): set(),
    ("get", "/api/v1/export"): {
        "company", "layer", "type", "from", "to", "q", "origin", "include_voided", "format",
        "include_subsidiaries", "bom",
    },
    ("get", "/api/v1/schemas/export.json"): set(),
    ("get", "/api/v1/graph"): {"as_of", "known_on", "company"},
    ("get", "/api/v1/plans"): {"as_of", "known_on"},
    ("get", "/api/v1/checkpoint"): set(),
    ("get", "/api/v1/datasets"): set(),
    ("get", "/api/v1/integration"): {
        "from", "to", "known_on", "company", "include_subsidiaries", "format", "bom",
    },
    ("get", "/api/v1/companies/{slug}/capacity"): {
        "slug", "from", "to", "known_on", "format", "bom",
    },
    ("get", "/api/v1/capacity"): {"as_of", "known_on", "format", "bom"},
}  # fmt: skip


def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.get_json()
    return spec


def operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }


def test_the_document_declares_every_operation_with_its_parameters(client: FlaskClient) -> None:
    spec = document(client)
    assert spec["openapi"].startswith("3.")
    found = operations(spec)
    assert set(found) == set(OPERATIONS)
    for key, names in OPERATIONS.items():
        assert {p["name"] for p in found[key].get("parameters", [])} == names, key
        assert found[key]["operationId"] and found[key]["summary"]


def test_every_operation_declares_its_answers_and_json_errors(client: FlaskClient) -> None:
    spec = document(client)
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for key, operation in operations(spec).items():
        responses = operation["responses"]
        ok = "201" if key[0] == "post" else "200"
        assert ok in responses and {"400", "401"} <= set(responses), key
        for status, response in responses.items():
            if status.startswith("4"):
                assert response["content"]["application/json"]["schema"] == error, key
    recording = found_operation(spec, "post", "/api/v1/events")["responses"]
    assert {"200", "201", "400", "401", "409", "413", "422"} <= set(recording)
    assert "Location" in recording["201"]["headers"]
    for path in ("/api/v1/companies/{slug}/stack", "/api/v1/events/{id}"):
        assert "404" in found_operation(spec, "get", path)["responses"]


def test_recording_needs_the_bearer_token_and_reads_may_use_it(client: FlaskClient) -> None:
    spec = document(client)
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    for (method, path), operation in operations(spec).items():
        expected = [{"bearer": []}] if method == "post" else [{}, {"bearer": []}]
        assert operation["security"] == expected, (method, path)


def test_the_request_body_is_the_domain_event_union_without_store_fields(
    client: FlaskClient,
) -> None:
    spec = document(client)
    body = found_operation(spec, "post", "/api/v1/events")["requestBody"]
    assert body["required"] is True
    ref = body["content"]["application/json"]["schema"]["$ref"]
    new_event = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert new_event["discriminator"]["propertyName"] == "type"
    assert set(new_event["discriminator"]["mapping"]) == set(EVENT_TYPES)
    domain = EVENT_ADAPTER.json_schema()["$defs"]
    for variant in new_event["oneOf"]:
        name = variant["$ref"].rsplit("/", 1)[1]
        declared = spec["components"]["schemas"][name]
        expected = set(domain[name]["properties"]) - set(STORE_FIELDS)
        assert set(declared["properties"]) == expected, name
        assert declared["additionalProperties"] is False
        payload = declared["properties"]["payload"]["$ref"].rsplit("/", 1)[1]
        payload_fields = set(spec["components"]["schemas"][payload]["properties"])
        assert payload_fields == set(domain[payload]["properties"]), payload


def test_query_parameters_carry_their_exact_patterns(client: FlaskClient) -> None:
    spec = document(client)
    stack = found_operation(spec, "get", "/api/v1/companies/{slug}/stack")
    schemas = {p["name"]: p["schema"] for p in stack["parameters"]}
    assert schemas["as_of"]["pattern"] == DAY.pattern
    assert schemas["known_on"]["pattern"] == MOMENT.pattern
    listing = found_operation(spec, "get", "/api/v1/events")
    schemas = {p["name"]: p["schema"] for p in listing["parameters"]}
    assert (schemas["limit"]["minimum"], schemas["limit"]["maximum"]) == (1, 1000)
    assert schemas["type"]["pattern"] == TYPE_LIST.pattern
    assert all("default" not in s or s["default"] is not None for s in schemas.values())


def test_the_day_pattern_matches_exactly_the_partial_dates_the_services_accept() -> None:
    candidates = [f"{year:04d}" for year in range(1890, 2111)]
    for year in (1899, 1900, 1996, 2000, 2023, 2024, 2100, 2101):
        candidates += [f"{year}-H{n}" for n in range(4)] + [f"{year}-Q{n}" for n in range(6)]
        candidates += [f"{year}-{month:02d}" for month in range(14)]
        candidates += [f"{year}-{month:02d}-{day:02d}" for month in range(14) for day in range(33)]
    for text in candidates:
        assert bool(re.fullmatch(DAY.pattern, text)) == _is_partial_date(text), text


def test_the_day_pattern_knows_every_leap_day_from_1900_to_2100() -> None:
    for year in range(1900, 2101):
        assert bool(re.fullmatch(DAY.pattern, f"{year}-02-29")) == calendar.isleap(year), year


@given(st.from_regex(MOMENT.pattern, fullmatch=True))
def test_every_moment_the_pattern_admits_is_one_the_services_read(text: str) -> None:
    assert parse_known_on(text) is not None


# Each text form and the parser that reads it (a BadParameter is a refusal).
PARSERS: list[tuple[TextForm, Any]] = [
    (DAY, parameters.day_from),
    (MOMENT, parameters.known_on),
    (TYPE_LIST, parameters.event_types),
    (SLUG, parameters.company_slug),
    (COMPANY_LIST, parameters.company_list),
    (WORDS, parameters.search_text),
    (ORIGIN, parameters.origin),
]


def _reads(parser: Any, text: str) -> bool:
    try:
        return parser(text) is not None or text == ""
    except parameters.BadParameter:
        return False


@pytest.mark.parametrize("form,parser", PARSERS, ids=lambda item: getattr(item, "__name__", ""))
def test_each_pattern_and_its_parser_agree_on_every_example(form: TextForm, parser: Any) -> None:
    for text in form.reads:
        assert re.fullmatch(form.pattern, text) and _reads(parser, text), text
    for text in form.refuses:
        assert not re.fullmatch(form.pattern, text), text
        assert not text or not _reads(parser, text), text


def test_every_documented_query_pattern_is_the_form_of_a_parser(client: FlaskClient) -> None:
    spec = document(client)
    known = {form.pattern for form, _ in PARSERS} | {parameters.CURSOR_PATTERN.pattern}
    documented = {
        parameter["schema"]["pattern"]
        for methods in spec["paths"].values()
        for operation in methods.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and "pattern" in parameter.get("schema", {})
    }
    assert documented and documented <= known, documented - known


def test_a_search_with_a_nul_is_refused_by_the_document_and_by_the_api(client: FlaskClient) -> None:
    assert not re.fullmatch(WORDS.pattern, "a\x00b")
    answer = client.get("/api/v1/events?q=a%00b")
    assert answer.status_code == 400


def found_operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"][path][method]
    return operation


def _is_partial_date(text: str) -> bool:
    try:
        PartialDate.parse(text)
    except PartialDateError:
        return False
    return True
