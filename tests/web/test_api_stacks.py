"""GET /companies, /companies/{slug}/stack, /companies/{slug}/diff and /stack over the seed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from stackline.domain.dates import PartialDate
from stackline.domain.fold import fold_footprint
from stackline.domain.stack import compose_matrix, compose_stack
from stackline.services.parameters import known_on as parse_known_on
from tests.web.api_support import API, all_events, bearer, model_released, post_event
from tests.web.conftest import make_app

DAYS = ["2012-06-30", "2016-12-31", "2020-01-01", "2023-06-30", "2024-12-31", "2026-03-01"]
COMPANIES = ["openai", "microsoft", "google", "spacex", "xai", "anthropic", "meta", "nvidia"]


def test_the_companies_on_a_day_are_those_founded_by_then(client: FlaskClient) -> None:
    early = client.get(f"{API}/companies?as_of=2000").get_json()["companies"]
    late = client.get(f"{API}/companies?as_of=2026-01-01").get_json()["companies"]
    assert {c["slug"] for c in early} >= {"microsoft", "amazon", "google"}
    assert "openai" not in {c["slug"] for c in early}
    assert {c["slug"] for c in late} > {c["slug"] for c in early}
    openai = next(c for c in late if c["slug"] == "openai")
    assert set(openai) == {"slug", "name", "kind", "founded", "parent"}
    assert openai["name"] == "OpenAI"


@pytest.mark.parametrize("as_of", DAYS)
def test_a_company_stack_equals_the_reference_fold_of_the_exported_events(
    client: FlaskClient, as_of: str
) -> None:
    events = all_events(client)
    footprint = fold_footprint(events, date.fromisoformat(as_of))
    for slug in COMPANIES:
        answer = client.get(f"{API}/companies/{slug}/stack?as_of={as_of}")
        assert answer.status_code == 200
        assert answer.get_json() == compose_stack(footprint, slug).as_dict(), slug


def test_a_period_as_of_means_its_last_day(client: FlaskClient) -> None:
    by_year = client.get(f"{API}/companies/openai/stack?as_of=2024").get_json()
    by_day = client.get(f"{API}/companies/openai/stack?as_of=2024-12-31").get_json()
    assert by_year == by_day
    assert by_year["as_of"] == "2024-12-31"


def test_a_stack_answer_has_every_layer_and_the_integration_summary(client: FlaskClient) -> None:
    stack = client.get(f"{API}/companies/google/stack?as_of=2025-06-30").get_json()
    assert list(stack["layers"]) == ["hardware", "compute", "model", "application"]
    assert stack["integration"]["owned_layers"] == ["hardware", "compute", "model", "application"]
    assert stack["known_on"] is None
    tpu = next(e for e in stack["layers"]["hardware"]["entries"] if e["asset"] == "TPU")
    assert tpu["relation"] == "owned" and tpu["event_ids"]


def test_a_stack_known_on_an_earlier_moment_leaves_out_what_was_recorded_later(
    client: FlaskClient, token: str
) -> None:
    before_recording = client.get(f"{API}/events?limit=1000").get_json()["events"][-1][
        "recorded_at"
    ]
    created = post_event(client, token, model_released("anthropic", "Claude Next", "2025-02"))
    assert created.status_code == 201
    now = client.get(f"{API}/companies/anthropic/stack?as_of=2025-12-31").get_json()
    then = client.get(
        f"{API}/companies/anthropic/stack?as_of=2025-12-31&known_on={before_recording}"
    ).get_json()
    assert "Claude Next" in _assets(now, "model")
    assert "Claude Next" not in _assets(then, "model")
    assert then["known_on"] == before_recording
    known_on = parse_known_on(before_recording)
    reference = fold_footprint(all_events(client), date(2025, 12, 31), known_on)
    assert then == compose_stack(reference, "anthropic", known_on).as_dict()


def test_a_known_on_day_means_the_end_of_that_day_utc(client: FlaskClient) -> None:
    stack = client.get(f"{API}/companies/openai/stack?as_of=2024&known_on=2001-05-06").get_json()
    assert stack["known_on"] == "2001-05-06T23:59:59.999999Z"
    assert stack["company"]["name"] is None  # nothing had been recorded yet
    assert all(layer["presence"] == "none" for layer in stack["layers"].values())


def test_read_your_writes_a_recorded_model_shows_in_the_stack_at_once(
    client: FlaskClient, token: str
) -> None:
    assert "Nova" not in _assets(client.get(f"{API}/companies/xai/stack").get_json(), "model")
    assert post_event(client, token, model_released("xai", "Nova", "2025-03-01")).status_code == 201
    stack = client.get(f"{API}/companies/xai/stack").get_json()
    assert "Nova" in _assets(stack, "model")
    parent = client.get(f"{API}/companies/spacex/stack").get_json()
    nova = next(e for e in parent["layers"]["model"]["entries"] if e["asset"] == "Nova")
    assert nova["via"] == ["xai"]


def test_the_diff_lists_entries_added_and_the_events_between_the_days(client: FlaskClient) -> None:
    diff = client.get(f"{API}/companies/spacex/diff?from=2024-06-30&to=2026-03-01").get_json()
    assert (diff["from"], diff["to"]) == ("2024-06-30", "2026-03-01")
    before = client.get(f"{API}/companies/spacex/stack?as_of=2024-06-30").get_json()
    after = client.get(f"{API}/companies/spacex/stack?as_of=2026-03-01").get_json()
    assert {_key(e) for e in diff["added"]} == _keys(after) - _keys(before)
    assert {_key(e) for e in diff["removed"]} == _keys(before) - _keys(after)
    assert any(e["via"][:1] == ["xai"] for e in diff["added"])
    effective = [PartialDate.parse(e["occurred_on"]).start for e in diff["events"]]
    assert effective == sorted(effective)
    assert effective and all(date(2024, 6, 30) < day <= date(2026, 3, 1) for day in effective)
    assert "acquisition.completed" in {e["type"] for e in diff["events"]}
    assert all("voided_by" in e for e in diff["events"])


def test_a_diff_with_the_days_swapped_mirrors_the_forward_diff(client: FlaskClient) -> None:
    forward = client.get(f"{API}/companies/spacex/diff?from=2024-06-30&to=2026-03-01").get_json()
    backward = client.get(f"{API}/companies/spacex/diff?from=2026-03-01&to=2024-06-30").get_json()
    assert {_key(e) for e in backward["removed"]} == {_key(e) for e in forward["added"]}
    assert [e["id"] for e in backward["events"]] == [e["id"] for e in forward["events"]]


def test_the_matrix_equals_the_reference_fold_ranked_by_integration(client: FlaskClient) -> None:
    events = all_events(client)
    for as_of in ("2019-01-01", "2025-06-30"):
        footprint = fold_footprint(events, date.fromisoformat(as_of))
        rows = compose_matrix(footprint, sorted(footprint.companies))
        answer = client.get(f"{API}/stack?as_of={as_of}").get_json()
        assert answer == {"as_of": as_of, "companies": [row.as_dict() for row in rows]}


def test_the_matrix_lists_subsidiaries_only_when_asked(client: FlaskClient) -> None:
    top = client.get(f"{API}/stack?as_of=2025-06-30").get_json()["companies"]
    every = client.get(f"{API}/stack?as_of=2025-06-30&include_subsidiaries=true").get_json()
    assert all(row["parent"] is None for row in top)
    assert any(row["parent"] is not None for row in every["companies"])


def test_a_matrix_known_on_a_moment_uses_what_was_known_then(client: FlaskClient) -> None:
    moment = "2001-01-01T00:00:00Z"
    answer = client.get(f"{API}/stack?as_of=2025-06-30&known_on={moment}").get_json()
    assert answer["companies"] == []


@pytest.mark.parametrize("path", ["stack", "diff?from=2024"])
def test_an_unknown_company_is_a_json_404(client: FlaskClient, path: str) -> None:
    separator = "&" if "?" in path else "?"
    for slug in ("nobody", "NOT-A-SLUG", "-x"):
        response = client.get(f"{API}/companies/{slug}/{path}{separator}as_of=2024")
        assert response.status_code == 404
        assert response.get_json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/companies?as_of=2024-13", "as_of"),
        ("/companies?as_of=1899", "as_of"),
        ("/companies/openai/stack?as_of=2023-02-29", "as_of"),
        ("/companies/openai/stack?known_on=yesterday", "known_on"),
        ("/companies/openai/stack?known_on=2024-01-01T25:00", "known_on"),
        ("/companies/openai/diff?to=2024", "from"),
        ("/companies/openai/diff?from=2024&to=2024-Q5", "to"),
        ("/stack?include_subsidiaries=maybe", "include_subsidiaries"),
        ("/stack?as_of=", "as_of"),
    ],
)
def test_a_malformed_parameter_is_a_400_naming_it(
    client: FlaskClient, url: str, parameter: str
) -> None:
    response = client.get(API + url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_parameter"
    assert parameter in body["message"]
    assert [d["field"] for d in body["details"]] == [parameter]


def test_reads_need_a_token_when_the_server_is_not_public(tmp_path: Path) -> None:
    from stackline.services import accounts

    app = make_app(tmp_path, PUBLIC_READ=False)
    client = app.test_client()
    token = accounts.create_token(app.extensions["stackline.database"], "reader")
    for url in ("/companies", "/stack", "/events", "/event-types", "/export"):
        anonymous = client.get(API + url)
        assert anonymous.status_code == 401, url
        assert anonymous.get_json()["error"] == "unauthorized"
        assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
        assert client.get(API + url, headers=bearer("stk_wrong")).status_code == 401
        assert client.get(API + url, headers=bearer(token)).status_code == 200, url
    app.extensions["stackline.database"].dispose()


def _assets(stack: dict[str, object], layer: str) -> set[str]:
    layers: dict[str, dict[str, list[dict[str, str]]]] = stack["layers"]  # type: ignore[assignment]
    return {entry["asset"] for entry in layers[layer]["entries"]}


def _key(entry: dict[str, object]) -> tuple[object, ...]:
    return (entry["layer"], str(entry["asset"]).casefold(), entry["relation"], tuple(entry["via"]))  # type: ignore[arg-type]


def _keys(stack: dict[str, object]) -> set[tuple[object, ...]]:
    layers: dict[str, dict[str, list[dict[str, object]]]] = stack["layers"]  # type: ignore[assignment]
    return {_key({**e, "layer": name}) for name, layer in layers.items() for e in layer["entries"]}
