"""The Epoch AI files we know: which dataset each belongs to and the columns we read from it.

A file is recognised by its header, never by its name: the table whose key column it has and
whose columns it shares most. Columns may come in any order and extra columns are ignored; a
recognised file without a column we read is malformed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .reading import MalformedFile


@dataclass(frozen=True, slots=True)
class Dataset:
    """An Epoch AI dataset: our name for it (`origin.dataset`), its title and its page."""

    name: str
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Table:
    """One file of a dataset: its key column and the columns the adapter cannot do without.

    Columns read when present (a cluster's `Source N`, `Country`, `Possible Duplicate`) are not
    listed: a release without them still reads.
    """

    name: str
    dataset: Dataset
    key: str
    columns: tuple[str, ...]


HARDWARE = Dataset(
    "epoch-ai/ml-hardware",
    "Machine Learning Hardware",
    "https://epoch.ai/data/machine-learning-hardware",
)
MODELS = Dataset(
    "epoch-ai/notable-ai-models", "Notable AI Models", "https://epoch.ai/data/ai-models"
)
CLUSTERS = Dataset("epoch-ai/gpu-clusters", "GPU Clusters", "https://epoch.ai/data/gpu-clusters")
DATA_CENTRES = Dataset(
    "epoch-ai/data-centers", "Frontier Data Centers", "https://epoch.ai/data/data-centers"
)

HARDWARE_TABLE = Table(
    "ml_hardware",
    HARDWARE,
    "Hardware name",
    ("Hardware name", "Manufacturer", "Release date", "Link to datasheet"),
)
MODELS_TABLE = Table(
    "notable_ai_models",
    MODELS,
    "Model",
    (
        "Model",
        "Organization",
        "Publication date",
        "Domain",
        "Parameters",
        "Training compute (FLOP)",
        "Link",
        "Reference",
        "Organization categorization",
        "Training hardware",
        "Base model",
        "Model accessibility",
        "Training code accessibility",
        "Frontier model",
    ),
)
CLUSTERS_TABLE = Table(
    "gpu_clusters",
    CLUSTERS,
    "Name",
    (
        "Name",
        "Status",
        "Certainty",
        "H100 equivalents",
        "Chip type (primary)",
        "Chip quantity (primary)",
        "Owner",
        "First Operational Date",
        "Power Capacity (MW)",
        "Location",
        "Users",
        "First Operational Date Note",
        "Builds Upon",
        "Possible Duplicate Of",
        "Decommissioned Date (if applicable)",
    ),
)
DATA_CENTRES_TABLE = Table(
    "data_centers",
    DATA_CENTRES,
    "Handle",
    ("Handle", "Title", "Address", "Owner", "Users"),
)
TIMELINES_TABLE = Table(
    "data_center_timelines",
    DATA_CENTRES,
    "Data center",
    ("Date", "Data center", "Construction status", "Power (MW)", "H100 equivalents"),
)
TABLES = (HARDWARE_TABLE, MODELS_TABLE, CLUSTERS_TABLE, DATA_CENTRES_TABLE, TIMELINES_TABLE)


def recognise(path: Path, header: Sequence[str]) -> Table:
    """The table a header belongs to; a malformed-file error when none, or a column is missing."""
    present = set(header)
    fitting = [table for table in TABLES if table.key in present]
    if not fitting:
        shown = ", ".join(repr(name) for name in header[:6])
        raise MalformedFile(path, 1, None, f"not an Epoch AI file we know: its header is {shown}…")
    table = max(fitting, key=lambda t: len(present.intersection(t.columns)))
    for column in table.columns:
        if column not in present:
            raise MalformedFile(
                path, 1, column, f"missing required column of Epoch AI's {table.name} file"
            )
    return table
