"""The difference between a company's stacks on two days (DESIGN §3, Diff)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stackline.domain.footprint import StackEntry
from stackline.domain.stack import Stack
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
