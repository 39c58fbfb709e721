"""The event catalog's one definition per type: an `EventType` entry holds everything about it.

An entry holds the type's payload model, what it records (in a line), its layer, the unit it
belongs to, its one effect on that unit's state, the rules it must pass beyond the common ones,
what it acts on (for follow-ups) and an example payload. Everything else — the union of types,
the layer map, the company fields, the projection catalog, the API and export schemas, the form,
the examples tests use — is derived from the entries (`events.py`, `store/projector.py`, …).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from uuid import UUID

from stackline.domain.errors import FieldProblem
from stackline.domain.records import EventRecord
from stackline.domain.units import Effect, asset_key
from stackline.domain.values import Frozen, Layer

Rule = Callable[[Any, Any], Iterable[FieldProblem]]  # (event, RuleContext) -> problems
LayerRule = Callable[[Mapping[str, Any]], str | None]

SOME_ID = "6f1c2a52-8f3e-4c1e-9c7b-0a3d5e2f4b61"  # an event id for example payloads
SINGLE_COMPANY_FIELDS = ("company", "acquirer", "target", "investor", "investee", "provider")
COMPANY_LIST_FIELDS = ("parties", "partners")


UnitOfEvent = Callable[[str], str | None]  # an earlier event's id → its unit, if it has one


def _no_units(event_id: str) -> str | None:
    return None


@dataclass(frozen=True)
class UnitRule:
    """Which unit an event belongs to: one of a `kind` (asset, partnership, …), keyed by `key`.
    A key may depend on the unit of an earlier event (`unit_of`): a correction of a partnership
    and whatever acts on either belong to the partnership at the root of the chain."""

    kind: str
    key: Callable[[EventRecord, UnitOfEvent], str]

    def __call__(self, record: EventRecord, unit_of: UnitOfEvent = _no_units) -> str:
        return f"{self.kind}:{self.key(record, unit_of)}"

    def root(self, event_id: str, unit_of: UnitOfEvent) -> str:
        """The key of the unit of this kind that `event_id` belongs to, else the id itself."""
        earlier = unit_of(event_id)
        prefix = self.kind + ":"
        return earlier[len(prefix) :] if earlier and earlier.startswith(prefix) else event_id


@dataclass(frozen=True)
class AssetPath:
    """Where a payload names an asset by its owner, layer and name (each a path into the
    payload; a fixed layer as text): a name given there may be one of the asset's aliases."""

    company: tuple[str, ...]
    layer: str | tuple[str, ...]
    name: tuple[str, ...]


@dataclass(frozen=True)
class FollowUp:
    """What an event acting on an earlier one aims at: a live event of `target_type`, not yet
    `finished_by` one of those types."""

    target_type: str
    noun: str  # what the target is, in words
    finished_by: tuple[str, ...]
    check: Callable[[Any, Any, Any], Iterable[FieldProblem]] | None = None  # (event, target,
    # context): what else the target must allow, once it is found live and not finished


@dataclass(frozen=True)
class EventType:
    name: str
    payload: type[Frozen]
    doc: str  # what an event of the type records, in a line (the form shows it)
    example: Mapping[str, Any]  # a minimal valid payload
    layer: LayerRule = field(default=lambda payload: None)  # see `fixed`, `from_payload`
    unit: UnitRule | None = None
    effect: Effect | None = None
    rules: tuple[Rule, ...] = ()
    follows: FollowUp | None = None
    default_status: str | None = None  # the status of a payload that gives none
    fixed_layer: Layer | None = None  # the layer the type always belongs to, if one
    voids_by_payload: bool = False  # a retraction names its target in the payload
    registers: str | None = None  # the payload field naming the company it registers
    asset_field: str | None = None  # the payload field naming its asset (launches, expansions)
    launches: bool = False  # it creates its asset (or updates it): a launch
    names_assets: tuple[AssetPath, ...] = ()  # where it names other assets (aliases resolve)

    @cached_property
    def target_field(self) -> str | None:
        """The payload field naming an earlier event (its one UUID field), if any."""
        found = [n for n, info in self.payload.model_fields.items() if info.annotation is UUID]
        return found[0] if found else None

    @cached_property
    def company_paths(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
        """Payload fields holding companies: single slugs, lists of slugs, and objects with a
        `company` of their own (`base_model`, a dependency's `from` and `on`) by (name, alias)."""
        fields = self.payload.model_fields
        nested = tuple(
            (name, info.alias or name) for name, info in fields.items() if _has_company(info)
        )
        return (
            tuple(name for name in SINGLE_COMPANY_FIELDS if name in fields),
            tuple(name for name in COMPANY_LIST_FIELDS if name in fields),
            nested,
        )

    @cached_property
    def can_plan(self) -> bool:
        """Whether its events can be plans: announcements that may name a `target_on`."""
        return "target_on" in self.payload.model_fields

    def status_of(self, payload: Mapping[str, Any]) -> str | None:
        status: str | None = payload.get("status") or self.default_status
        return status

    def is_announcement(self, payload: Mapping[str, Any]) -> bool:
        """An announcement of something that may yet happen: a plan when it names a target
        date, an undated one otherwise (the one statement of both)."""
        return self.can_plan and self.status_of(payload) == "announced"

    def is_plan(self, payload: Mapping[str, Any]) -> bool:
        """An announcement with a target date is a plan."""
        return self.is_announcement(payload) and payload.get("target_on") is not None

    def companies(self, payload: Mapping[str, Any]) -> list[str]:
        """Every company a payload (in its JSON form) names, in payload order, without repeats."""
        singles, lists, nested = self.company_paths
        found = [payload[name] for name in singles if payload.get(name) is not None]
        for name in lists:
            found.extend(payload.get(name) or ())
        for _, shown in nested:
            inner = payload.get(shown)
            if inner and inner.get("company"):
                found.append(inner["company"])
        return list(dict.fromkeys(found)) if len(found) > 1 else found


def _has_company(info: Any) -> bool:
    candidates = getattr(info.annotation, "__args__", None) or (info.annotation,)
    return any(
        hasattr(kind, "model_fields") and "company" in kind.model_fields for kind in candidates
    )


def from_version(version: int, rule: Rule) -> Rule:
    """A rule that holds for events sealed at `version` or later (new events included): a rule
    older logs would break, which their import skips (DESIGN §9.7)."""

    def checked(event: Any, context: Any) -> Iterable[FieldProblem]:
        sealed = event.schema_version
        return () if sealed is not None and sealed < version else rule(event, context)

    checked.__doc__ = rule.__doc__
    return checked


def resolved_asset_names(
    entry: EventType, payload: dict[str, Any], own_name: Callable[[str, str, str], str | None]
) -> dict[str, Any] | None:
    """The payload (JSON form) with every asset it names by an alias named by the asset's own
    name (`own_name(company, layer, name)` finds it), or None when nothing changes."""
    changed = False
    for path in entry.names_assets:
        company, name = _at(payload, path.company), _at(payload, path.name)
        layer = path.layer if isinstance(path.layer, str) else _at(payload, path.layer)
        if not (company and layer and name):
            continue
        own = own_name(str(company), str(layer), str(name))
        if own is not None and own != name:
            payload = _with(payload, path.name, own)
            changed = True
    return payload if changed else None


def _at(payload: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = payload
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _with(payload: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    head, *rest = path
    return {**payload, head: _with(payload[head], tuple(rest), value) if rest else value}


class Registry(Mapping[str, EventType]):
    """Every event type, in the order it was registered (the order forms and lists show)."""

    def __init__(self) -> None:
        self._entries: dict[str, EventType] = {}

    def register(self, entry: EventType) -> EventType:
        assert entry.name not in self._entries, f"{entry.name} registered twice"
        self._entries[entry.name] = entry
        return entry

    def __getitem__(self, name: str) -> EventType:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def effect(self, name: str) -> Effect:
        effect = self._entries[name].effect
        assert effect is not None, f"{name} has no effect on a unit"
        return effect

    def unit_of(self, record: EventRecord, unit_of_event: UnitOfEvent = _no_units) -> str | None:
        """The unit of `record` (`unit_of_event` tells the units of the events before it)."""
        rule = self._entries[record.type].unit
        return rule(record, unit_of_event) if rule is not None else None


REGISTRY = Registry()


# --- how entries say where their events go ---------------------------------------------------
def fixed(layer: Layer) -> LayerRule:
    return lambda payload: layer.value


def from_payload(*path: str) -> LayerRule:
    """The layer at `path` in the payload (`layer`, or a dependency's `from.layer`)."""

    def read(payload: Mapping[str, Any]) -> str | None:
        value: Any = payload
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        return str(value) if value is not None else None

    return read


def asset_unit(layer: Layer, name_field: str) -> UnitRule:
    """The asset a launch creates or updates: its owner, the type's layer, the named asset."""
    return UnitRule(
        "asset",
        lambda r, _: asset_key(r.payload["company"], layer.value, r.payload[name_field]),
    )


# The asset an event names by company, layer and name (a retirement).
named_asset_unit = UnitRule(
    "asset", lambda r, _: asset_key(r.payload["company"], r.payload["layer"], r.payload["asset"])
)


def own_unit(kind: str) -> UnitRule:
    """A unit the event starts itself (a partnership, a dependency), keyed by its own id — or,
    for a correction of one, by the id at the root of the chain it corrects."""

    def key(record: EventRecord, unit_of: UnitOfEvent) -> str:
        earlier = unit_of(record.supersedes) if record.supersedes else None
        same_kind = earlier is not None and earlier.startswith(kind + ":")
        return earlier.split(":", 1)[1] if earlier is not None and same_kind else record.id

    return UnitRule(kind, key)


def target_unit(kind: str, target_field: str) -> UnitRule:
    """The unit of the event this one acts on (it ends or activates it), through corrections."""

    def key(record: EventRecord, unit_of: UnitOfEvent) -> str:
        return rule.root(str(record.payload[target_field]), unit_of)

    rule = UnitRule(kind, key)
    return rule


def keyed_unit(kind: str, *fields: str) -> UnitRule:
    """A unit named by payload fields (`company:openai`, `stake:microsoft|openai`)."""
    return UnitRule(kind, lambda record, _: "|".join(str(record.payload[f]) for f in fields))
