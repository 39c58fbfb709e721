"""What a later snapshot no longer says, and the retractions that say so in the log.

Two cases, told apart because only one of them is the row's own word (DESIGN §9.2 Sync, §9.7):
- an event a **kept** row no longer gives (a cluster's chip changed, a user removed, a training
  chip gone from a model): the row still stands and its facts are what it now says, so the event
  is retracted with the row's other events, as a changed fact is superseded — `known_on` before
  the import still answers as the earlier snapshot did. The plan of a launch stays when the row
  now gives the delivery (Planned becomes Existing, §9.2.1).
- a **key gone** from the snapshot (a row removed or renamed, a timeline row fewer): listed, and
  retracted only with `--retract-missing`, because a missing row says nothing about its facts.

A retraction is itself an event of the key (it carries the key's origin) but never one of the
key's facts: it is neither live nor missing, and it cannot be retracted again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stackline.domain.catalog import REGISTRY
from stackline.domain.records import RETRACTION
from stackline.services.datasets.sync import event_id
from stackline.store.reads.datasets import DatasetEvent


def live_facts(stored: Iterable[DatasetEvent]) -> list[DatasetEvent]:
    """The events of a key that still say something: neither voided nor a retraction."""
    return [event for event in stored if event.voided_by is None and event.type != RETRACTION]


def no_longer_given(
    stored: Iterable[DatasetEvent], answered: set[str], launches: set[str]
) -> list[DatasetEvent]:
    """The live facts of a kept row that none of its events now stands for (`answered`: the
    stored events its events leave unchanged or supersede), latest first (an activation before
    its partnership). An announcement stays while the row gives a launch of the same type
    (`launches`): the plan is kept beside the delivery."""
    gone = [
        event
        for event in live_facts(stored)
        if event.id not in answered and not _plan_beside_delivery(event, launches)
    ]
    return gone[::-1]


def _plan_beside_delivery(event: DatasetEvent, launches: set[str]) -> bool:
    entry = REGISTRY[event.type]
    return (
        entry.launches
        and entry.status_of(event.payload) == "announced"
        and (event.type in launches)
    )


def retraction(
    dataset: str, key: str, target: str, snapshot: str, reason: str, summary: str
) -> dict[str, Any]:
    """The document of a dataset's retraction of one of its events (its id derived like every
    dataset event's, so the same retraction is never written twice)."""
    document: dict[str, Any] = {
        "type": RETRACTION,
        "occurred_on": snapshot,
        "summary": summary[:200],
        "confidence": "confirmed",
        "sources": [dataset_source(dataset, snapshot)],
        "payload": {"event": target, "reason": reason},
        "origin": {"dataset": dataset, "key": key, "snapshot": snapshot},
    }
    document["id"] = event_id(dataset, key, document, None)
    return document


def described(event: DatasetEvent) -> str:
    """What an event of a row stood for, in words: `the built_with edge on NVIDIA H100`."""
    p = event.payload
    entry = REGISTRY[event.type]
    if entry.launches:
        return f"the {entry.status_of(p) or 'available'} launch"
    if event.type == "dependency.formed":
        return f"the {p['kind']} edge on {p['on']['asset']}"
    if event.type == "partnership.formed":
        users = [party for party in p["parties"] if party != p.get("provider")]
        return f"the partnership with {', '.join(users)}"
    if event.type == "partnership.activated":
        return "a partnership's activation"
    if event.type == "asset.retired":
        return "the retirement"
    return f"the {event.type} event"


def dataset_source(dataset: str, snapshot: str) -> dict[str, Any]:
    return {"title": f"Epoch AI data ({dataset})", "url": "https://epoch.ai/data",
            "publisher": "Epoch AI", "published_on": snapshot}  # fmt: skip
