"""The difference between a company's stacks on two days (DESIGN §3, Diff), and between every
company's (DESIGN §9.5: what changed, industry-wide)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stackline.domain.footprint import Footprint, StackEntry
from stackline.domain.stack import Stack, compose_stack
from stackline.domain.values import LAYERS


@dataclass(frozen=True)
class StackDiff:
    before: Stack
    after: Stack
    added: list[StackEntry]
    removed: list[StackEntry]
    changed: list[tuple[StackEntry, StackEntry]]

    def as_dict(self, events: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "from": self.before.as_of.isoformat(),
            "to": self.after.as_of.isoformat(),
            "added": [_with_layer(e) for e in self.added],
            "removed": [_with_layer(e) for e in self.removed],
            "changed": [
                {**_with_layer(new), "previous_status": old.status} for old, new in self.changed
            ],
            "events": events,
        }


def diff_stacks(before: Stack, after: Stack) -> StackDiff:
    """Entries keyed by (layer, asset key, relation, via): added, removed, or with another status."""
    old = {e.key: e for layer in LAYERS for e in before.entries[layer]}
    new = {e.key: e for layer in LAYERS for e in after.entries[layer]}
    added = [e for key, e in new.items() if key not in old]
    removed = [e for key, e in old.items() if key not in new]
    changed = [(old[k], e) for k, e in new.items() if k in old and old[k].status != e.status]
    return StackDiff(before, after, added, removed, changed)


def _with_layer(entry: StackEntry) -> dict[str, Any]:
    return {"layer": entry.layer.value, **entry.as_dict()}


def _row(entry: StackEntry) -> dict[str, Any]:
    return _with_layer(entry)


def company_changes(diff: StackDiff) -> dict[str, Any]:
    """One company's part of an industry-wide diff: its entries added, removed and changed."""
    stack = diff.after if diff.after.company is not None else diff.before
    return {
        "slug": stack.slug,
        "name": stack.company.name if stack.company else stack.slug,
        "added": [_row(e) for e in diff.added],
        "removed": [_row(e) for e in diff.removed],
        "changed": [{**_row(new), "previous_status": old.status} for old, new in diff.changed],
    }


def diff_footprints(
    before: Footprint, after: Footprint, companies: list[str] | None = None
) -> list[StackDiff]:
    """Every company (of `companies`, else all existing on either day) whose entries differ
    between two days' footprints, by slug. Stacks are composed in memory from the two
    footprints; the caller adds the event facts of the companies that changed (`certain`,
    `confidence` do not decide what changed) and composes those again with `restack`."""
    slugs = (
        companies if companies is not None else sorted(set(before.companies) | set(after.companies))
    )
    found = []
    for slug in slugs:
        diff = diff_stacks(compose_stack(before, slug), compose_stack(after, slug))
        if diff.added or diff.removed or diff.changed:
            found.append(diff)
    return found
