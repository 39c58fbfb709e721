"""Partial dates (DESIGN §1): the five forms, their periods, what is refused, and the pydantic field."""

from __future__ import annotations

import re
from datetime import date

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from stackline.domain.dates import (
    PARTIAL_DATE_PATTERN,
    PartialDate,
    PartialDateError,
)

FORM_NAMES = ("YYYY", "YYYY-Hn", "YYYY-Qn", "YYYY-MM", "YYYY-MM-DD")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2024-09", date(2024, 9, 1), date(2024, 9, 30)),
        ("2024-09-15", date(2024, 9, 15), date(2024, 9, 15)),
    ],
)
def test_each_form_denotes_its_period_and_takes_effect_on_its_first_day(text, start, end):
    parsed = PartialDate.parse(text)
    assert (parsed.start, parsed.end, parsed.effective) == (start, end, start)
    assert str(parsed) == text


def test_a_quarter_covers_three_months():
    quarter = PartialDate.parse("2023-Q2")
    assert quarter.start == date(2023, 4, 1)
    assert quarter.end == date(2023, 6, 30)


@pytest.mark.parametrize(
    ("text", "last_day"),
    [("2024-02", 29), ("2023-02", 28), ("2000-02", 29), ("1900-02", 28), ("2100-02", 28)],
)
def test_february_ends_on_the_last_day_of_that_years_february(text, last_day):
    assert PartialDate.parse(text).end.day == last_day


def test_the_29th_of_february_exists_only_in_leap_years():
    assert PartialDate.parse("2024-02-29").start == date(2024, 2, 29)
    with pytest.raises(PartialDateError):
        PartialDate.parse("2023-02-29")


def test_years_1900_and_2100_are_the_accepted_bounds():
    assert PartialDate.parse("1900").start == date(1900, 1, 1)
    assert PartialDate.parse("2100").end == date(2100, 12, 31)


BAD_TEXTS = [
    "2024-13",
    "2024-00",
    "2024-Q5",
    "2024-Q0",
    "2024-H3",
    "1899",
    "2101",
    "2024-02-30",
    "2024-04-31",
    "2024-09-00",
    "24-01",
    "",
    " 2024",
    "2024-9",
    "2024-q1",
    "2024/09",
    "2024-09-15T00:00",
    "2024-W12",
]


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_a_text_in_no_accepted_form_is_refused(text):
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)


@pytest.mark.parametrize("value", [None, 2024, 2024.0, b"2024", ["2024"], date(2024, 1, 1)])
def test_a_value_that_is_not_a_string_is_refused(value):
    with pytest.raises(PartialDateError) as caught:
        PartialDate.parse(value)
    assert all(form in str(caught.value) for form in FORM_NAMES)


@pytest.mark.parametrize(
    "text",
    [text for text in BAD_TEXTS],
)
def test_the_refusal_message_names_every_accepted_form(text):
    with pytest.raises(PartialDateError) as caught:
        PartialDate.parse(text)
    assert all(form in str(caught.value) for form in FORM_NAMES), str(caught.value)


@pytest.mark.parametrize("text", ["2024\n", "2024-Q3\n", "2024-09-15\n"])
def test_a_trailing_newline_is_refused(text):
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)


@pytest.mark.parametrize("text", ["٢٠٢٤", "２０２４-Q1", "२०२४-09"])
def test_digits_other_than_ascii_are_refused(text):
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)


def _forms_of(day: date) -> list[str]:
    half, quarter = 1 if day.month <= 6 else 2, (day.month - 1) // 3 + 1
    return [
        f"{day.year}",
        f"{day.year}-H{half}",
        f"{day.year}-Q{quarter}",
        f"{day.year}-{day.month:02d}",
        day.isoformat(),
    ]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_every_form_of_a_day_denotes_a_period_containing_that_day(day):
    for text in _forms_of(day):
        parsed = PartialDate.parse(text)
        assert parsed.start <= day <= parsed.end, text
        assert parsed.effective == parsed.start


NEAR_MISSES = st.from_regex(r"\A[0-9]{2,5}(-([HQ]?[0-9]{1,2})(-[0-9]{1,3})?)?\Z")


@given(st.one_of(st.text(max_size=20), NEAR_MISSES))
def test_any_text_either_parses_into_a_period_or_raises_partial_date_error(text):
    try:
        parsed = PartialDate.parse(text)
    except PartialDateError:
        return
    assert parsed.start <= parsed.end
    assert 1900 <= parsed.start.year == parsed.end.year <= 2100
    assert str(parsed) == text


@given(NEAR_MISSES)
def test_ascii_text_parses_exactly_when_it_names_a_real_period(text):
    try:
        PartialDate.parse(text)
    except PartialDateError:
        assert not _is_real_period(text)
    else:
        assert _is_real_period(text)
        assert re.match(PARTIAL_DATE_PATTERN, text)


def _is_real_period(text: str) -> bool:
    """An independent oracle: does `text` name a real period in 1900..2100?"""
    match = re.fullmatch(r"(\d{4})(?:-(H[12]|Q[1-4]|\d{2})(?:-(\d{2}))?)?", text)
    if match is None or not 1900 <= int(match[1]) <= 2100:
        return False
    part, day_part = match[2], match[3]
    if part is None or part[0] in "HQ":
        return day_part is None
    try:
        date(int(match[1]), int(part), int(day_part or 1))
    except ValueError:
        return False
    return True


def test_partial_dates_are_equal_when_their_texts_are():
    assert PartialDate.parse("2024-Q3") == PartialDate.parse("2024-Q3")
    assert PartialDate.parse("2024-Q3") != PartialDate.parse("2024-07")
    assert len({PartialDate.parse("2024"), PartialDate.parse("2024")}) == 1
    already = PartialDate.parse("2024-H2")
    assert PartialDate.parse(already) is already


class Dated(BaseModel):
    when: PartialDate


def test_a_partial_date_field_validates_and_serializes_back_to_its_text():
    model = Dated(when="2024-Q3")
    assert model.when.start == date(2024, 7, 1)
    assert model.model_dump(mode="json") == {"when": "2024-Q3"}
    assert model.model_dump_json() == '{"when":"2024-Q3"}'
    assert Dated.model_validate_json('{"when":"2024-09-15"}').when.end == date(2024, 9, 15)


def test_a_partial_date_field_refuses_bad_text_with_the_accepted_forms():
    with pytest.raises(ValidationError) as caught:
        Dated(when="2024-Q5")
    assert all(form in str(caught.value) for form in FORM_NAMES)


def test_the_json_schema_of_a_partial_date_field_carries_the_pattern():
    schema = Dated.model_json_schema()
    field = schema["properties"]["when"]
    assert field["type"] == "string"
    assert field["pattern"] == PARTIAL_DATE_PATTERN
    for text in ("2024", "2024-H2", "2024-Q3", "2024-09", "2024-09-15"):
        jsonschema.validate({"when": text}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"when": "2024-Q5"}, schema)
