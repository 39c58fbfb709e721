"""The API's tables as CSV rows (DESIGN §8): one column per layer, then the two counts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackline.domain.values import LAYERS

PRESENCE_COLUMNS = [layer.value for layer in LAYERS] + ["owned_count", "covered_count"]
MATRIX_HEADER = ["slug", "name", "parent", *PRESENCE_COLUMNS]
INTEGRATION_HEADER = ["slug", "name", "parent", "on", *PRESENCE_COLUMNS]


def presence_cells(layers: Mapping[Any, str]) -> list[Any]:
    """A row's presence per layer (keyed by layer or its name), then owned and covered counts."""
    found = [layers[layer.value] for layer in LAYERS]
    owned = sum(1 for presence in found if presence == "owned")
    covered = sum(1 for presence in found if presence in ("owned", "partner"))
    return [*found, owned, covered]


DIFF_HEADER = [
    "slug", "name", "change", "layer", "asset", "relation", "via", "status", "previous_status",
    "since", "available_since",
]  # fmt: skip


def diff_rows(companies: list[dict[str, Any]]) -> Iterator[list[Any]]:
    """An industry-wide diff as one row per entry added, removed or changed (`via` joined by
    `;`)."""
    for company in companies:
        for change in ("added", "removed", "changed"):
            for entry in company[change]:
                yield [
                    company["slug"], company["name"], change, entry["layer"], entry["asset"],
                    entry["relation"], ";".join(entry["via"]), entry["status"],
                    entry.get("previous_status"), entry["since"], entry["available_since"],
                ]  # fmt: skip
