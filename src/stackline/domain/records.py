"""An event as the projections read it: its place in the log, its date and its plain JSON payload.

Projections are rebuilt from the whole log and updated on every append, so they read events in
the cheapest faithful form: the canonical JSON the hash covers, not re-validated models. Every
stored payload was validated on its way in (and `verify` catches rows changed since), so its
shape is the catalog's. The reference fold keeps working on the typed models; tests hold the two
to the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stackline.domain.dates import PartialDate
from stackline.domain.documents import event_document
from stackline.domain.events import TYPE_LAYERS, Event
from stackline.domain.values import Layer, fold_name

# The payload field that names the asset each launch type creates or updates.
ASSET_NAME_FIELDS = {
    "chip.launched": "chip",
    "compute.launched": "facility",
    "model.released": "model",
    "product.launched": "product",
}
LAUNCH_TYPES = frozenset(ASSET_NAME_FIELDS)


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One stored event: `payload` is its canonical JSON (optional fields that are unset left out)."""

    seq: int
    id: str
    type: str
    occurred: PartialDate
    confidence: str
    payload: dict[str, Any]
    supersedes: str | None = None

    @classmethod
    def of_document(cls, document: dict[str, Any]) -> EventRecord:
        """From an event's export form (as sealed, or as read back from a row)."""
        return cls(
            document["seq"],
            document["id"],
            document["type"],
            PartialDate.parse(document["occurred_on"]),
            document["confidence"],
            document["payload"],
            document["supersedes"],
        )

    @classmethod
    def of_event(cls, event: Event) -> EventRecord:
        return cls.of_document(event_document(event))

    @property
    def start(self) -> Any:
        return self.occurred.start

    def voids(self) -> str | None:
        """The id of the earlier event this one retracts or supersedes."""
        if self.type == "event.retracted":
            return str(self.payload["event"])
        return self.supersedes


@dataclass(frozen=True, slots=True)
class LaunchedAsset:
    """What a launch event says of its asset."""

    owner: str
    layer: Layer
    name: str
    kind: str
    status: str
    partners: tuple[str, ...]
    base: tuple[str | None, str] | None = None  # (company, model) it is fine-tuned from


def launched_asset(record: EventRecord) -> LaunchedAsset:
    """The asset a launch creates or updates, with the state the launch gives it."""
    payload = record.payload
    kind = _FIXED_KINDS.get(record.type) or payload.get("kind") or "product"
    layer = TYPE_LAYERS[record.type]
    assert layer is not None
    return LaunchedAsset(
        payload["company"],
        layer,
        payload[ASSET_NAME_FIELDS[record.type]],
        kind,
        payload.get("status") or "available",
        tuple(payload.get("partners") or ()),
        _base_of(payload.get("base_model")),
    )


def _base_of(base: dict[str, Any] | None) -> tuple[str | None, str] | None:
    return (base.get("company"), base["model"]) if base else None


# A launch's asset kind: fixed by its type, else the payload's `kind` (products default to
# "product"; every compute launch names its kind).
_FIXED_KINDS = {"chip.launched": "chip", "model.released": "model"}


def asset_key(owner: str, layer: str, name: str) -> str:
    """How an asset is told apart: its owner, its layer and its folded name."""
    return f"{owner}|{layer}|{fold_name(name)}"


def asset_key_of(record: EventRecord) -> str | None:
    """The asset a launch or a retirement acts on, or None for other types."""
    p = record.payload
    if record.type == "asset.retired":
        return asset_key(p["company"], p["layer"], p["asset"])
    name_field = ASSET_NAME_FIELDS.get(record.type)
    if name_field is None:
        return None
    return asset_key(p["company"], _LAYER_NAMES[record.type], p[name_field])


_LAYER_NAMES = {t: layer.value for t, layer in TYPE_LAYERS.items() if layer is not None}
