"""One form renderer for every event type, generated from the type's pydantic JSON Schema.

Input names are the dotted paths the validation errors use (`payload.company`, `sources.0.url`),
so each error lands beside its field; reading a form back builds the same document the API takes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from stackline.domain.dates import ACCEPTED_FORMS, PARTIAL_DATE_PATTERN
from stackline.domain.events import EVENT_CLASSES
from stackline.domain.money import editable_amount
from stackline.domain.values import SLUG_PATTERN

MONEY_HELP = (
    "With units if you like: 50B, 1.25 B per month, 500M EUR (the text wins over the fields below)."
)
SOURCE_ROWS = 3  # rows a new event's form shows; a correction shows one more than it has
MAX_SOURCE_ROWS = 50  # the domain's bound on an event's sources
# A list field's items are its lines; other separators `str.splitlines` knows (\x1c, \u2028…)
# stay in the text, where the domain refuses them in words.
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
SOURCE_KEYS = ("title", "url", "publisher", "published_on")


@dataclass
class FormField:
    name: str
    label: str
    widget: str  # text, textarea, select, company, companies, list, number, checkbox, date, group
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    help: str = ""
    depth: int = 0
    default: str = ""
    slug_from: str = ""  # the input id of the name a new slug is proposed from (by app.js)

    @property
    def input_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


# Slug fields that name a company being created, not one to pick from the registered ones.
NEW_COMPANY_FIELDS = {("company.registered", "payload.company")}


def payload_fields(event_type: str) -> list[FormField]:
    """The payload's inputs, in schema order, nested objects flattened under a group heading."""
    schema = EVENT_CLASSES[event_type].model_json_schema()
    defs = schema.get("$defs", {})
    payload = _resolve(schema["properties"]["payload"], defs)
    fields = list(_fields("payload", payload, defs, 0, True))
    for item in fields:
        if (event_type, item.name) in NEW_COMPANY_FIELDS:
            item.widget = "text"
            item.help = "A new slug: lower case letters, digits and hyphens (e.g. acme-ai)."
            item.slug_from = "f-payload-name"  # proposed from the name as it is typed
    return fields


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        return dict(defs[prop["$ref"].rsplit("/", 1)[-1]])
    return prop


def _unwrap_optional(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    choices = prop.get("anyOf")
    if choices:
        real = [c for c in choices if c.get("type") != "null"]
        if len(real) == 1:
            return _resolve(real[0], defs)
    return _resolve(prop, defs)


def _fields(
    prefix: str, schema: dict[str, Any], defs: dict[str, Any], depth: int, parent_required: bool
) -> Iterator[FormField]:
    """Inputs for an object's properties; inside an optional group none is marked required,
    since leaving the whole group empty is allowed (the models still check a filled-in group)."""
    required = set(schema.get("required", []))
    for name, raw in schema.get("properties", {}).items():
        prop = _unwrap_optional(raw, defs)
        path, label = f"{prefix}.{name}", field_title(name)
        needed = name in required and parent_required
        if "properties" in prop:
            yield FormField(path, label, "group", needed, depth=depth)
            for inner in _fields(path, prop, defs, depth + 1, needed):
                if prop.get("title") == "Money" and inner.name == f"{path}.amount":
                    inner.widget, inner.help = "money", MONEY_HELP
                yield inner
        else:
            item = _leaf(path, label, prop, defs, needed, depth)
            if prop.get("default") not in (None, False):
                item.default = str(prop["default"])
            yield item


def _leaf(
    path: str, label: str, prop: dict[str, Any], defs: dict[str, Any], required: bool, depth: int
) -> FormField:
    if "enum" in prop:
        options = [(str(v), str(v).replace("_", " ")) for v in prop["enum"]]
        return FormField(path, label, "select", required, options, depth=depth)
    kind = prop.get("type")
    if kind == "array":
        items = _resolve(prop.get("items", {}), defs)
        if items.get("pattern") == SLUG_PATTERN:
            return FormField(
                path, label, "companies", required, help="Hold Ctrl/⌘ to pick several.", depth=depth
            )
        return FormField(path, label, "list", required, help="One per line.", depth=depth)
    if prop.get("pattern") == SLUG_PATTERN:
        return FormField(path, label, "company", required, depth=depth)
    if prop.get("pattern") == PARTIAL_DATE_PATTERN:
        return FormField(
            path, label, "date", required, help=f"One of {ACCEPTED_FORMS}.", depth=depth
        )
    if kind in ("number", "integer"):
        return FormField(path, label, "number", required, depth=depth)
    if kind == "boolean":
        return FormField(path, label, "checkbox", required, depth=depth)
    if prop.get("format") == "uuid":
        return FormField(
            path, label, "text", required, help="The id of the event it refers to.", depth=depth
        )
    widget = "textarea" if prop.get("maxLength", 0) > 200 else "text"
    return FormField(path, label, widget, required, depth=depth)


def field_title(name: str) -> str:
    """`capacity_mw` → `Capacity (MW)`, `base_model` → `Base model`: labels in words."""
    special = {"capacity_mw": "Capacity (MW)", "stake_pct": "Stake (%)", "url": "URL"}
    return special.get(name) or name.replace("_", " ").capitalize()


def read_event_form(
    event_type: str, form: Any, slugs_by_name: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The event document a submitted form describes (validated later by the domain models).
    A company typed by its name (any case) instead of picked from the list becomes its slug."""
    document: dict[str, Any] = {
        "id": form.get("id") or None,
        "type": event_type,
        "occurred_on": form.get("occurred_on", ""),
        "summary": form.get("summary", ""),
        "details": form.get("details") or None,
        "confidence": form.get("confidence") or "confirmed",
        "sources": _read_sources(form),
        "payload": _read_payload(payload_fields(event_type), form, slugs_by_name or {}),
        "supersedes": form.get("supersedes") or None,
    }
    if form.get("origin"):  # not a field of the form: refused by the one write path, by name
        document["origin"] = form.get("origin")
    return document


def _read_sources(form: Any) -> list[dict[str, Any]]:
    sources = []
    for index in range(MAX_SOURCE_ROWS):
        row = {
            key: (form.get(f"sources.{index}.{key}") or "").strip() or None for key in SOURCE_KEYS
        }
        if any(row.values()):
            sources.append(row)
    return sources


def source_rows(values: dict[str, Any]) -> int:
    """How many source rows the form shows: every filled one, one empty, at least `SOURCE_ROWS`."""
    filled = {int(key.split(".")[1]) for key in values if key.startswith("sources.")}
    return min(MAX_SOURCE_ROWS, max(SOURCE_ROWS, max(filled, default=-1) + 2))


def _read_payload(
    fields: list[FormField], form: Any, slugs_by_name: Mapping[str, str]
) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    groups = {f.name for f in fields if f.widget == "group"}
    for item in fields:
        if item.widget == "group":
            continue
        value = _read_value(item, form)
        if item.widget == "company" and isinstance(value, str):
            value = slugs_by_name.get(value.casefold(), value)
        if value is None:
            continue
        _place(payload, item.name.split(".")[1:], value)
    for group in groups:  # an optional group left entirely at its defaults is left out
        _prune_untouched_group(payload, group.split(".")[1:], fields, group)
    return payload


def _read_value(item: FormField, form: Any) -> Any:
    if item.widget == "companies":
        values = [v for v in form.getlist(item.name) if v]
        return values or None
    raw = (form.get(item.name) or "").strip()
    if item.widget == "checkbox":
        return raw in ("on", "true", "1", "yes")
    if not raw:
        return None
    if item.widget == "list":  # one per line: a name may hold a comma ("Twitter, Inc.")
        return [part.strip() for part in _LINE_BREAK.split(raw) if part.strip()]
    if item.widget == "money":
        return raw  # the domain reads money text (50B, 1.25 B per month) and says what is wrong
    if item.widget == "number":
        try:
            return float(raw) if any(c in raw for c in ".eE") else int(raw)
        except ValueError:
            return raw  # the model reports it, naming the field
    return raw


def _place(target: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _prune_untouched_group(
    payload: dict[str, Any], path: list[str], fields: list[FormField], group: str
) -> None:
    node: Any = payload
    for key in path[:-1]:
        node = node.get(key, {})
    value = node.get(path[-1])
    if not isinstance(value, dict):
        return
    members = [f for f in fields if f.name.startswith(group + ".") and f.widget != "group"]
    touched = any(
        value.get(f.name.rsplit(".", 1)[-1]) not in (None, False, f.default or None)
        for f in members
    )
    if not touched:
        del node[path[-1]]


def form_values(document: Mapping[str, Any]) -> dict[str, Any]:
    """A stored or submitted event flattened to input name → value, to fill a form."""
    values: dict[str, Any] = {}
    for key in ("id", "occurred_on", "summary", "details", "confidence", "supersedes"):
        if document.get(key) is not None:
            values[key] = document[key]
    for index, source in enumerate(document.get("sources") or []):
        if isinstance(source, dict):
            for key in SOURCE_KEYS:
                if source.get(key) is not None:
                    values[f"sources.{index}.{key}"] = source[key]
    _flatten(values, "payload", document.get("payload") or {})
    return values


def _flatten(values: dict[str, Any], prefix: str, node: Any) -> None:
    if prefix.endswith(".amount") and isinstance(node, dict) and _is_number(node.get("amount")):
        node = {**node, "amount": editable_amount(node["amount"])}  # money, as typed: 1.25B
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(values, f"{prefix}.{key}", value)
    elif isinstance(node, list):
        values[prefix] = [str(v) for v in node]
    elif node is not None:
        values[prefix] = node


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
