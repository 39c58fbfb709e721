"""Recording events through the forms (DESIGN §4, `/events/new`): the type chooser, the form each
type's schema generates, validation beside each field, double submits, Correct and Retract."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from stackline.domain.events import EVENT_TYPES
from stackline.domain.filters import EventFilter
from stackline.services import stacks, timeline
from stackline.store.units_of_work import Database
from tests.web.helpers import Element, form_data, login, main_text, page

GROK_MODEL = "dcac5a1a-7c17-566c-9e3b-2a30b5e14aed"
JALAPENO_CHIP = "429742a2-1ed1-5576-a4ca-25bd3a11fa53"
COLOSSUS = "549a995f-e9c5-50e4-b09d-9abacd724713"
RENTS_COLOSSUS = "e6cf6a12-ac63-5c17-98bb-fe555049508a"  # the S-1 correction of 9bb159f5

NEW_MODEL = {
    "occurred_on": "2026-10-15",
    "summary": "Moonshot AI releases Kimi K3 with open weights",
    "payload.company": "moonshot-ai",
    "payload.model": "Kimi K3",
    "payload.access": "open_weights",
    "sources.0.title": "Moonshot AI announcement",
    "sources.0.url": "https://example.com/kimi-k3",
}


@pytest.fixture
def editor(client: FlaskClient) -> FlaskClient:
    response = login(client)
    assert response.status_code == 302
    return client


def all_events(database: Database) -> int:
    return timeline.list_events(database, EventFilter(include_voided=True), count=True).total or 0


def open_form(client: FlaskClient, event_type: str) -> TestResponse:
    response = client.get(f"/events/new?type={event_type}")
    assert response.status_code == 200
    return response


def submit(client: FlaskClient, form_page: TestResponse, **changes: Any) -> TestResponse:
    """Post the page's form as a browser would, with some fields filled in or changed."""
    data = form_data(form_page, "/events/new")
    data.update(changes)
    return client.post("/events/new", data=data)


def layer_entries(client: FlaskClient, slug: str, as_of: str, layer: str) -> list[str]:
    document = page(client.get(f"/companies/{slug}?as_of={as_of}"))
    band = document.one("section", aria_label=f"{layer} layer")
    return [entry.one("span", class_="asset").text() for entry in band.find_all("li")]


def model_entries(client: FlaskClient, slug: str, as_of: str) -> list[str]:
    return layer_entries(client, slug, as_of, "Model")


def compute_entries(client: FlaskClient, slug: str, as_of: str) -> list[str]:
    return layer_entries(client, slug, as_of, "Compute")


def field_of(document: Element, input_id: str) -> Element:
    """The `div.field` wrapping the control with this id."""
    control = next(e for e in document.iter() if e.get("id") == input_id)
    return next(a for a in control.ancestors() if "field" in a.classes)


def selected_values(select: Element) -> list[str]:
    return [str(o.get("value")) for o in select.find_all("option") if "selected" in o.attrs]


# --- who may record ----------------------------------------------------------------------------


def test_an_anonymous_visitor_asking_for_the_form_is_sent_to_sign_in_and_back(
    client: FlaskClient,
) -> None:
    response = client.get("/events/new?type=model.released")

    assert response.status_code == 302
    location = response.headers["Location"]
    assert urlsplit(location).path == "/login"
    [target] = parse_qs(urlsplit(location).query)["next"]
    assert target == "/events/new?type=model.released"

    signed_in = login(client, next=target)

    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == "/events/new?type=model.released"


def test_the_login_page_remembers_where_to_go_next(client: FlaskClient) -> None:
    document = page(client.get("/login?next=/events/new%3Ftype%3Dchip.launched"))

    assert document.one("input", name="next").get("value") == "/events/new?type=chip.launched"


# --- the chooser and the generated forms -------------------------------------------------------


def test_without_a_type_the_form_page_offers_every_type(editor: FlaskClient) -> None:
    response = editor.get("/events/new")

    assert response.status_code == 200
    document = page(response)
    choices = [
        radio.get("value") for radio in document.find_all("input", type="radio", name="type")
    ]
    assert choices == list(EVENT_TYPES)
    assert document.one("form", class_="chooser").get("method") == "get"


def test_an_unknown_type_shows_the_chooser_again(editor: FlaskClient) -> None:
    document = page(editor.get("/events/new?type=rumour.heard"))

    assert len(document.find_all("input", type="radio", name="type")) == len(EVENT_TYPES)


def test_the_model_released_form_has_a_labelled_field_for_each_part_of_the_event(
    editor: FlaskClient,
) -> None:
    form_page = open_form(editor, "model.released")
    document = page(form_page)

    labels = [label.text() for label in document.find_all("label")]
    for expected in (
        "Type",
        "Occurred on",
        "Summary",
        "Details",
        "Confidence",
        "Source title",
        "Source URL",
        "Company",
        "Model",
        "Access",
    ):
        assert expected in labels, expected
    assert form_data(form_page, "/events/new")["type"] == "model.released"
    assert document.one("fieldset", class_="payload").one("legend").text() == "model.released"


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_control_on_the_form_has_a_label_for_it(editor: FlaskClient, event_type: str) -> None:
    document = page(open_form(editor, event_type))
    form = document.one("form", class_="event-form")

    controls = [
        element
        for element in form.iter()
        if element.tag in ("input", "select", "textarea") and element.get("type") != "hidden"
    ]
    ids = [control.get("id") for control in controls]
    labelled = {label.get("for") for label in document.find_all("label")}
    assert all(ids), [c for c in controls if not c.get("id")]
    assert len(set(ids)) == len(ids), "ids repeat"
    assert set(ids) <= labelled, set(ids) - labelled


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_type_has_a_form(editor: FlaskClient, event_type: str) -> None:
    response = editor.get(f"/events/new?type={event_type}")

    assert response.status_code == 200
    document = page(response)
    assert document.one("fieldset", class_="payload").one("legend").text() == event_type
    assert document.one("form", class_="event-form").get("action") == "/events/new"
    assert document.find_all("input", name="sources.0.title")


@pytest.mark.parametrize(
    ("event_type", "picker"),
    [
        ("model.released", "payload.company"),
        ("model.released", "payload.base_model.company"),
        ("partnership.formed", "payload.parties"),
        ("acquisition.completed", "payload.target"),
    ],
)
def test_company_pickers_list_every_registered_company(
    editor: FlaskClient, database: Database, event_type: str, picker: str
) -> None:
    document = page(open_form(editor, event_type))

    several = document.find("select", name=picker)
    if several is not None:  # a list of companies: a multiple select
        options = [o for o in several.find_all("option") if o.get("value")]
    else:  # one company: a text input the browser's datalist filters as the editor types
        assert document.one("input", name=picker).get("list") == "company-choices"
        options = document.one("datalist", id="company-choices").find_all("option")
    listed = [o.get("value") for o in options]
    assert listed == [slug for slug, _ in timeline.company_choices(database)]
    assert "xAI (xai)" in [o.text() for o in options]


def test_company_fields_can_be_prefilled_from_the_query_string(editor: FlaskClient) -> None:
    document = page(editor.get("/events/new?type=model.released&payload.company=xai"))

    assert document.one("input", name="payload.company").get("value") == "xai"


def test_each_form_carries_a_fresh_event_id_against_double_submits(editor: FlaskClient) -> None:
    first = page(open_form(editor, "model.released"))
    second = page(open_form(editor, "model.released"))

    first_id = first.one("input", name="id").get("value")
    assert first.one("input", name="id").get("type") == "hidden"
    assert first_id
    assert first_id != second.one("input", name="id").get("value")
    assert "data-once" in first.one("form", class_="event-form").attrs


@pytest.mark.parametrize(
    ("event_type", "group"),
    [("model.released", "payload.base_model."), ("partnership.formed", "payload.amount.")],
)
def test_inputs_inside_an_optional_group_are_not_required_by_the_browser(
    editor: FlaskClient, event_type: str, group: str
) -> None:
    document = page(open_form(editor, event_type))

    members = [e for e in document.iter() if (e.get("name") or "").startswith(group)]
    assert members
    assert [e.get("name") for e in members if "required" in e.attrs] == []


PARTNERSHIP = {
    "occurred_on": "2026-10",
    "summary": "SpaceX rents more Colossus capacity to Anthropic",
    "payload.parties": ["spacex", "anthropic"],
    "payload.layer": "compute",
    "payload.provider": "spacex",
    "payload.asset": "Colossus 2",
    "payload.status": "active",
    "sources.0.title": "Press release",
}


def test_an_untouched_optional_amount_is_left_out_of_the_event(
    editor: FlaskClient, database: Database
) -> None:
    response = submit(editor, open_form(editor, "partnership.formed"), **PARTNERSHIP)

    assert response.status_code == 303, main_text(response)
    stored = timeline.get_event(database, response.headers["Location"].rsplit("/", 1)[-1])
    assert stored is not None
    assert "amount" not in stored["payload"]
    assert sorted(stored["payload"]["parties"]) == ["anthropic", "spacex"]


def test_a_filled_in_amount_is_recorded_with_its_defaults(
    editor: FlaskClient, database: Database
) -> None:
    form_page = open_form(editor, "partnership.formed")

    response = submit(editor, form_page, **PARTNERSHIP, **{"payload.amount.amount": "2.5B"})

    assert response.status_code == 303, main_text(response)
    stored = timeline.get_event(database, response.headers["Location"].rsplit("/", 1)[-1])
    assert stored is not None
    assert stored["payload"]["amount"]["amount"] == 2.5e9
    assert stored["payload"]["amount"]["currency"] == "USD"
    assert "$2.5B total" in main_text(editor.get(response.headers["Location"]))


@pytest.mark.parametrize(
    ("typed", "amount", "currency", "basis"),
    [
        ("1.25 B per month", 1.25e9, "USD", "per_month"),
        ("$40M a year", 4e7, "USD", "per_year"),
        ("500M EUR", 5e8, "EUR", "total"),
        ("2,000,000", 2e6, "USD", "total"),
    ],
)
def test_money_is_typed_with_units_and_the_text_wins_over_the_fields(
    editor: FlaskClient, database: Database, typed: str, amount: float, currency: str, basis: str
) -> None:
    form_page = open_form(editor, "partnership.formed")

    response = submit(editor, form_page, **PARTNERSHIP, **{"payload.amount.amount": typed})

    assert response.status_code == 303, main_text(response)
    stored = timeline.get_event(database, response.headers["Location"].rsplit("/", 1)[-1])
    assert stored is not None
    money = stored["payload"]["amount"]
    assert (money["amount"], money["currency"], money["basis"]) == (amount, currency, basis)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("5e10", "exponents are not accepted"),
        ("lots", "not an amount of money"),
        ("5B per week", "is not a basis"),
    ],
)
def test_money_that_cannot_be_read_is_refused_beside_the_field(
    editor: FlaskClient, database: Database, typed: str, words: str
) -> None:
    form_page = open_form(editor, "partnership.formed")
    before = all_events(database)

    response = submit(editor, form_page, **PARTNERSHIP, **{"payload.amount.amount": typed})

    assert response.status_code == 422
    assert words in field_of(page(response), "f-payload-amount-amount").text()
    assert all_events(database) == before


def test_the_company_registered_form_lets_the_editor_type_a_new_slug(
    editor: FlaskClient,
) -> None:
    document = page(open_form(editor, "company.registered"))

    control = document.one(name="payload.company")
    assert control.tag == "input"


def test_a_new_company_posted_with_a_new_slug_is_registered(
    editor: FlaskClient, database: Database
) -> None:
    form_page = open_form(editor, "company.registered")

    response = submit(
        editor,
        form_page,
        occurred_on="2024-06",
        summary="Safe Superintelligence is founded",
        **{
            "payload.company": "ssi",
            "payload.name": "Safe Superintelligence",
            "payload.kind": "lab",
            "payload.aliases": "SSI\nSafe Superintelligence, Inc.",
            "sources.0.title": "Founding announcement",
        },
    )

    assert response.status_code == 303
    stored = timeline.get_event(database, response.headers["Location"].rsplit("/", 1)[-1])
    assert stored is not None
    assert stored["payload"]["aliases"] == ["SSI", "Safe Superintelligence, Inc."]
    # The correction form offers them one per line, so a comma inside a name survives.
    page = editor.get(f"/events/{stored['id']}/correct").get_data(as_text=True)
    assert ">SSI\nSafe Superintelligence, Inc.</textarea>" in page
    assert editor.get("/companies/ssi?as_of=2024-12-31").status_code == 200


# --- recording ---------------------------------------------------------------------------------


def test_a_valid_model_release_is_recorded_and_shows_in_the_stack_from_its_day(
    editor: FlaskClient, database: Database
) -> None:
    form_page = open_form(editor, "model.released")
    event_id = page(form_page).one("input", name="id").get("value")
    before = all_events(database)

    response = submit(editor, form_page, **NEW_MODEL)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/events/{event_id}"
    assert all_events(database) == before + 1
    shown = editor.get(response.headers["Location"])
    assert shown.status_code == 200
    text = main_text(shown)
    assert "Event recorded." in text
    assert "Moonshot AI releases Kimi K3 with open weights" in text
    assert "by editor" in text
    assert "Kimi K3" in model_entries(editor, "moonshot-ai", "2026-10-15")
    assert "Kimi K3" not in model_entries(editor, "moonshot-ai", "2026-10-14")


def test_the_recorded_event_holds_exactly_what_the_form_said(
    editor: FlaskClient, database: Database
) -> None:
    form_page = open_form(editor, "model.released")

    response = submit(editor, form_page, **NEW_MODEL, details="Second generation.")

    event_id = response.headers["Location"].rsplit("/", 1)[-1]
    stored = timeline.get_event(database, event_id)
    assert stored is not None
    assert stored["type"] == "model.released"
    assert stored["occurred_on"] == "2026-10-15"
    assert stored["details"] == "Second generation."
    assert stored["confidence"] == "confirmed"
    assert stored["payload"] == {
        "company": "moonshot-ai",
        "model": "Kimi K3",
        "access": "open_weights",
    }
    assert stored["sources"] == [
        {
            "title": "Moonshot AI announcement",
            "url": "https://example.com/kimi-k3",
            "publisher": None,
            "published_on": None,
        }
    ]
    assert stored["recorded_by"] == "editor"


def test_submitting_the_same_form_twice_records_the_event_once(
    editor: FlaskClient, database: Database
) -> None:
    form_page = open_form(editor, "model.released")
    before = all_events(database)

    first = submit(editor, form_page, **NEW_MODEL)
    second = submit(editor, form_page, **NEW_MODEL)

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert all_events(database) == before + 1
    assert "This event was already recorded." in main_text(editor.get(second.headers["Location"]))


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"occurred_on": "2026-13"}, "f-occurred_on", "month must be 01–12"),
        ({"occurred_on": "next spring"}, "f-occurred_on", "YYYY-MM-DD"),
        ({"occurred_on": "2099-01"}, "f-occurred_on", "starts after today"),
        ({"payload.company": ""}, "f-payload-company", "required"),
        (
            {"payload.company": "nobody"},
            "f-payload-company",
            "'nobody' is not a registered company",
        ),
        ({"occurred_on": "2020-01"}, "f-payload-company", "was founded on 2023-03"),
        ({"summary": ""}, "f-summary", "must not be empty"),
        ({"sources.0.url": "javascript:alert(1)"}, "f-sources-0-url", "http(s)://"),
    ],
)
def test_an_invalid_field_comes_back_422_with_the_message_beside_it_and_nothing_written(
    editor: FlaskClient,
    database: Database,
    changes: dict[str, str],
    field_id: str,
    message: str,
) -> None:
    form_page = open_form(editor, "model.released")
    before = all_events(database)
    event = {**NEW_MODEL, "payload.company": "xai", **changes}

    response = submit(editor, form_page, **event)

    assert response.status_code == 422
    assert all_events(database) == before
    document = page(response)
    assert "Nothing was saved" in document.one("p", class_="error-summary").text()
    error = field_of(document, field_id).one("p", class_="error")
    assert message in error.text()
    control = next(e for e in document.iter() if e.get("id") == field_id)
    assert control.get("aria-invalid") == "true"
    # What was typed stays in the form.
    assert document.one("input", name="summary").get("value") == event["summary"]
    assert document.one("input", name="payload.model").get("value") == "Kimi K3"
    assert document.one("input", name="occurred_on").get("value") == event["occurred_on"]


def test_an_invalid_date_is_described_by_both_its_help_and_its_error(
    editor: FlaskClient,
) -> None:
    form_page = open_form(editor, "model.released")

    response = submit(editor, form_page, **{**NEW_MODEL, "occurred_on": "2026-13"})

    control = page(response).one("input", name="occurred_on")
    described = [value for name, value in control.attr_list if name == "aria-describedby"]
    assert len(described) == 1
    assert set(str(described[0]).split()) == {"occurred-help", "err-occurred_on"}


def test_a_form_without_any_source_is_refused(editor: FlaskClient, database: Database) -> None:
    form_page = open_form(editor, "model.released")
    before = all_events(database)

    response = submit(
        editor, form_page, **{**NEW_MODEL, "sources.0.title": "", "sources.0.url": ""}
    )

    assert response.status_code == 422
    assert all_events(database) == before
    assert "add at least one source" in page(response).one("fieldset", class_="sources").text()


def test_a_missing_source_is_reported_once_in_the_sources_fieldset(
    editor: FlaskClient,
) -> None:
    form_page = open_form(editor, "model.released")

    response = submit(
        editor, form_page, **{**NEW_MODEL, "sources.0.title": "", "sources.0.url": ""}
    )

    errors = [p for p in page(response).find_all("p", class_="error") if "one source" in p.text()]
    assert len(errors) == 1
    assert any("sources" in a.classes for a in errors[0].ancestors())


def test_a_bad_source_date_is_not_reported_as_a_missing_source(editor: FlaskClient) -> None:
    form_page = open_form(editor, "model.released")

    response = submit(editor, form_page, **NEW_MODEL, **{"sources.0.published_on": "someday"})

    assert response.status_code == 422
    document = page(response)
    assert "not a partial date" in field_of(document, "f-sources-0-published_on").text()
    assert "add at least one source" not in document.one("main").text()


def test_a_bad_confidence_is_reported_beside_the_confidence_field(editor: FlaskClient) -> None:
    form_page = open_form(editor, "model.released")

    response = submit(editor, form_page, **NEW_MODEL, confidence="bogus")

    assert response.status_code == 422
    assert field_of(page(response), "f-confidence").find("p", class_="error") is not None


def test_a_refused_form_keeps_its_event_id_so_the_fixed_form_records_once(
    editor: FlaskClient, database: Database
) -> None:
    form_page = open_form(editor, "model.released")
    event_id = page(form_page).one("input", name="id").get("value")
    before = all_events(database)

    refused = submit(editor, form_page, **{**NEW_MODEL, "occurred_on": "2026-13"})
    assert page(refused).one("input", name="id").get("value") == event_id
    fixed = submit(editor, refused, **{"occurred_on": "2026-10-15"})

    assert fixed.status_code == 303
    assert fixed.headers["Location"] == f"/events/{event_id}"
    assert all_events(database) == before + 1


def test_posting_an_unknown_type_is_a_400(editor: FlaskClient, database: Database) -> None:
    form_page = open_form(editor, "model.released")
    before = all_events(database)

    response = submit(editor, form_page, **NEW_MODEL, type="rumour.heard")

    assert response.status_code == 400
    assert all_events(database) == before


# --- correcting --------------------------------------------------------------------------------


def test_correct_fills_the_form_with_the_event_and_points_it_at_the_original(
    editor: FlaskClient,
) -> None:
    response = editor.get(f"/events/{GROK_MODEL}/correct")

    assert response.status_code == 200
    document = page(response)
    assert document.one("h1").text().startswith("Correct “xAI announces Grok")
    assert document.one("input", name="supersedes").get("value") == GROK_MODEL
    new_id = document.one("input", name="id").get("value")
    assert new_id and new_id != GROK_MODEL
    assert document.one("input", name="occurred_on").get("value") == "2023-11"
    assert document.one("input", name="payload.model").get("value") == "Grok"
    assert document.one("input", name="payload.company").get("value") == "xai"
    assert selected_values(document.one("select", name="payload.access")) == ["closed"]
    assert document.one("input", name="sources.0.title").get("value")


def test_a_correction_voids_the_original(editor: FlaskClient, database: Database) -> None:
    form_page = editor.get(f"/events/{GROK_MODEL}/correct")
    before = all_events(database)

    response = submit(editor, form_page, occurred_on="2023-11-04")

    assert response.status_code == 303
    correction = response.headers["Location"].rsplit("/", 1)[-1]
    assert all_events(database) == before + 1
    original = page(editor.get(f"/events/{GROK_MODEL}"))
    assert original.one("p", class_="notice").one("a").get("href") == f"/events/{correction}"
    assert original.find("p", class_="actions") is None  # a voided event is not corrected twice
    corrected = page(editor.get(f"/events/{correction}"))
    assert corrected.find("a", href=f"/events/{GROK_MODEL}") is not None
    stored = timeline.get_event(database, correction)
    assert stored is not None
    assert stored["supersedes"] == GROK_MODEL
    assert stored["occurred_on"] == "2023-11-04"


def test_a_correction_keeps_partners_and_target_dates_it_did_not_change(
    editor: FlaskClient, database: Database
) -> None:
    original = timeline.get_event(database, JALAPENO_CHIP)
    assert original is not None
    form_page = editor.get(f"/events/{JALAPENO_CHIP}/correct")
    document = page(form_page)
    assert selected_values(document.one("select", name="payload.partners")) == ["broadcom"]

    response = submit(editor, form_page, summary="OpenAI unveils its Jalapeño inference chip")

    assert response.status_code == 303
    stored = timeline.get_event(database, response.headers["Location"].rsplit("/", 1)[-1])
    assert stored is not None
    assert stored["payload"] == original["payload"]
    assert stored["sources"] == original["sources"]


def test_a_correction_of_a_deal_fills_in_and_keeps_its_amount(
    editor: FlaskClient, database: Database
) -> None:
    original = timeline.get_event(database, RENTS_COLOSSUS)
    assert original is not None
    form_page = editor.get(f"/events/{RENTS_COLOSSUS}/correct")
    document = page(form_page)
    assert document.one("input", name="payload.amount.amount").get("value") == "1.25B"
    assert selected_values(document.one("select", name="payload.amount.basis")) == ["per_month"]
    assert "checked" not in document.one("input", name="payload.amount.estimated").attrs

    response = submit(editor, form_page)

    assert response.status_code == 303, main_text(response)
    stored = timeline.get_event(database, response.headers["Location"].rsplit("/", 1)[-1])
    assert stored is not None
    assert stored["payload"]["amount"] == original["payload"]["amount"]
    assert unordered(stored["payload"]) == unordered(original["payload"])


def test_submitting_a_correction_twice_records_it_once(
    editor: FlaskClient, database: Database
) -> None:
    form_page = editor.get(f"/events/{GROK_MODEL}/correct")
    before = all_events(database)

    first = submit(editor, form_page, occurred_on="2023-11-04")
    second = submit(editor, form_page, occurred_on="2023-11-04")

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert all_events(database) == before + 1


def test_correcting_any_seed_event_without_changes_records_what_it_said(
    editor: FlaskClient, database: Database
) -> None:
    events = timeline.list_events(database, EventFilter(), limit=1000).events

    # Latest first: an event is corrected before any it refers to (a partnership.activated names
    # its partnership.formed, and correcting that first would void what the activation names).
    # A retraction cannot be corrected (it is undone by correcting what it retracts).
    for original in [e for e in reversed(events) if e["type"] != "event.retracted"]:
        form_page = editor.get(f"/events/{original['id']}/correct")
        response = submit(editor, form_page)

        assert response.status_code == 303, (original["id"], main_text(response))
        stored = timeline.get_event(database, response.headers["Location"].rsplit("/", 1)[-1])
        assert stored is not None
        assert stored["supersedes"] == original["id"]
        for key in ("type", "occurred_on", "summary", "details", "confidence", "sources"):
            assert stored[key] == original[key], (original["id"], key)
        assert unordered(stored["payload"]) == unordered(original["payload"]), original["id"]


def unordered(value: Any) -> Any:
    """Lists as sorted lists: a multiple select sends its choices in the order it lists them."""
    if isinstance(value, dict):
        return {key: unordered(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted(str(item) for item in value)
    return value


def test_a_retraction_cannot_be_corrected(editor: FlaskClient, database: Database) -> None:
    retracted = retract_through_the_form(editor, COLOSSUS)
    retraction = retracted.headers["Location"].rsplit("/", 1)[-1]

    assert editor.get(f"/events/{retraction}/correct").status_code == 400


def test_correcting_an_unknown_event_is_a_404(editor: FlaskClient) -> None:
    assert editor.get("/events/no-such-event/correct").status_code == 404
    assert editor.get("/events/no-such-event/retract").status_code == 404


# --- retracting --------------------------------------------------------------------------------


def retract_through_the_form(
    client: FlaskClient, event_id: str, reason: str = "Dated from a misread source"
) -> TestResponse:
    form_page = client.get(f"/events/{event_id}/retract")
    data = form_data(form_page, f"/events/{event_id}/retract")
    data["payload.reason"] = reason
    return client.post(f"/events/{event_id}/retract", data=data)


def test_retract_asks_for_a_reason(editor: FlaskClient) -> None:
    response = editor.get(f"/events/{COLOSSUS}/retract")

    assert response.status_code == 200
    document = page(response)
    assert document.one("h1").text().startswith("Retract “xAI brings its Colossus")
    reason = document.one("textarea", name="payload.reason")
    assert "required" in reason.attrs
    assert document.one("label", for_=str(reason.get("id"))).text() == "Reason"
    assert document.find("form", method="post", action=f"/events/{COLOSSUS}/retract")


def test_a_retraction_voids_the_event_and_takes_it_out_of_the_stack(
    editor: FlaskClient, database: Database
) -> None:
    before = all_events(database)
    assert compute_entries(editor, "xai", "2026-07-01") == ["Colossus", "Colossus 2"]

    response = retract_through_the_form(editor, COLOSSUS)

    assert response.status_code in (302, 303)
    retraction = response.headers["Location"].rsplit("/", 1)[-1]
    assert all_events(database) == before + 1
    retraction_page = main_text(editor.get(f"/events/{retraction}"))
    assert "Event retracted." in retraction_page
    assert "Dated from a misread source" in retraction_page
    original = page(editor.get(f"/events/{COLOSSUS}"))
    assert original.one("p", class_="notice").one("a").get("href") == f"/events/{retraction}"
    # Colossus 2 comes from events of its own, which the retraction leaves alone.
    assert compute_entries(editor, "xai", "2026-07-01") == ["Colossus 2"]


def test_a_retraction_without_a_reason_is_refused_and_nothing_is_written(
    editor: FlaskClient, database: Database
) -> None:
    before = all_events(database)

    response = retract_through_the_form(editor, COLOSSUS, reason="")

    assert response.status_code == 422
    assert all_events(database) == before
    assert "Nothing was saved" in main_text(response)
    assert page(response).one("p", class_="error").text()


def test_retracting_twice_with_the_same_form_records_one_retraction(
    editor: FlaskClient, database: Database
) -> None:
    form_page = editor.get(f"/events/{COLOSSUS}/retract")
    data = {**form_data(form_page, f"/events/{COLOSSUS}/retract"), "payload.reason": "Wrong"}
    before = all_events(database)

    first = editor.post(f"/events/{COLOSSUS}/retract", data=data)
    second = editor.post(f"/events/{COLOSSUS}/retract", data=data)

    assert first.headers["Location"] == second.headers["Location"]
    assert all_events(database) == before + 1


def test_an_event_already_voided_cannot_be_retracted_again(
    editor: FlaskClient, database: Database
) -> None:
    retract_through_the_form(editor, COLOSSUS)
    before = all_events(database)

    response = retract_through_the_form(editor, COLOSSUS, reason="Again")

    assert response.status_code == 422
    assert all_events(database) == before


def test_after_retracting_an_event_it_leaves_the_stack_as_of_every_day(
    editor: FlaskClient, database: Database
) -> None:
    retract_through_the_form(editor, COLOSSUS)

    stack = stacks.stack_of(database, "spacex", date(2026, 7, 1))
    owned = [
        e.asset for entries in stack.entries.values() for e in entries if e.relation == "owned"
    ]
    # What SpaceX owns through xAI loses Colossus. (Colossus stays listed as a partnership,
    # recorded by the SpaceX-Anysphere event that the retraction leaves alone.)
    assert "Colossus" not in owned
    assert "Colossus 2" in owned


def test_the_same_content_posted_again_with_a_new_id_is_a_warning_not_a_silent_duplicate(
    editor: FlaskClient, database: Database
) -> None:
    first = submit(editor, open_form(editor, "model.released"), **NEW_MODEL)
    assert first.status_code == 303
    recorded = all_events(database)

    again = submit(editor, open_form(editor, "model.released"), **NEW_MODEL)  # a fresh id

    assert again.status_code == 409
    assert all_events(database) == recorded
    warning = page(again).one("p", id="duplicate-warning")
    assert warning.one("a").get("href") == first.headers["Location"]
    assert "Kimi K3" in warning.text()
    confirmed = submit(editor, again, **NEW_MODEL, duplicate_ok="1")
    assert confirmed.status_code == 303
    assert all_events(database) == recorded + 1


def test_a_failed_correction_is_still_a_correction(editor: FlaskClient) -> None:
    form_page = editor.get(f"/events/{GROK_MODEL}/correct")

    response = editor.post(
        "/events/new", data={**form_data(form_page, "/events/new"), "occurred_on": "someday"}
    )

    assert response.status_code == 422
    document = page(response)
    assert document.one("h1").text().startswith("Correct “xAI announces Grok")
    assert document.one("input", name="supersedes").get("value") == GROK_MODEL
