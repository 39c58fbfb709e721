"""Validation problems in words a person reads: the one place pydantic's texts are translated.

The form shows each message beside its field, the API returns it as `details[].message`, the CLI
prints it after the field's name. So a message says what is wrong with *this* field and how to
write it ("add at least one source", "not a valid event id"), never the library's wording
("Tuple should have at least 1 item after validation, not 0").
"""

from __future__ import annotations

from typing import Any

from stackline.domain.values import SLUG_PATTERN

# Messages for a field whatever went wrong with it: lists whose only rule is their length.
FIELD_MESSAGES = {
    "sources": "add at least one source (a title or a web address)",
    "payload.parties": "a partnership needs at least two different parties",
}
# Patterns the domain uses, by what they stand for.
SLUG_WORDS = "not a company slug: use lower-case letters, digits and hyphens (e.g. acme-ai)"
CURRENCY_WORDS = "a three-letter currency code such as USD or EUR"
HASH_WORDS = "not a hash: 64 lower-case hexadecimal digits"
# What each pattern the domain uses stands for, by the pattern.
PATTERN_WORDS = {
    SLUG_PATTERN: SLUG_WORDS,
    r"^[A-Z]{3}$": CURRENCY_WORDS,
    r"^[0-9a-f]{64}$": HASH_WORDS,
}
EVENT_ID_WORDS = "not a valid event id: paste the id shown on the event's page"
EVENT_ID_FIELDS = ("id", "supersedes")


def human_message(field: str, kind: str, raw: str, context: dict[str, Any] | None) -> str:
    """The message for one problem of `kind` (a pydantic error type) at `field`."""
    context = context or {}
    leaf = field.rsplit(".", 1)[-1]
    if field in FIELD_MESSAGES and kind in ("too_short", "missing", "tuple_type", "list_type"):
        return FIELD_MESSAGES[field]
    if kind == "missing":
        return "required"
    if kind in ("uuid_parsing", "uuid_type"):
        return EVENT_ID_WORDS if leaf in EVENT_ID_FIELDS else "not a valid event id"
    if kind == "string_pattern_mismatch":
        return PATTERN_WORDS.get(context.get("pattern", ""), "not in the expected form")
    if kind in ("literal_error", "enum"):
        return "must be one of: " + _choices(context.get("expected", ""))
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return "not a number: write digits, such as 250 or 1.5"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {_number(context.get('ge', context.get('gt')))}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {_number(context.get('le', context.get('lt')))}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"too long: at most {context.get('max_length')} characters"
    if kind == "too_short":
        return f"add at least {context.get('min_length')}"
    if kind == "too_long":
        return f"too many: at most {context.get('max_length')}"
    if kind in ("string_type", "str_type"):
        return "must be text"
    if kind in ("tuple_type", "list_type"):
        return "must be a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be a group of fields (an object)"
    if kind in ("bool_parsing", "bool_type"):
        return "must be yes or no (true or false)"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "url_parsing" or kind == "url_scheme":
        return "not a web address: it should start with https:// or http://"
    return raw.removeprefix("Value error, ")  # our own validators already speak in words


def _choices(expected: str) -> str:
    """pydantic's `'a', 'b' or 'c'` as `a, b or c` (the values as a client sends them)."""
    return expected.replace("'", "") if expected else "the listed values"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
