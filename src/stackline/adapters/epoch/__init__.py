"""The Epoch AI adapter: Epoch's CSV files (CC BY 4.0, https://epoch.ai/data) → candidate events.

`read_epoch(paths, snapshot=None, all_models=False)` reads the files it recognises by their
header — Machine Learning Hardware, Notable AI Models, GPU Clusters, Frontier Data Centers (the
data centres with their timelines) — and returns an `EpochReading`: one `Candidate` per row key,
in file order, each with its derived `CandidateEvent`s; the rows skipped and why; notes; and the
company kind each organization's `Organization categorization` gives (`EpochReading.kind_of`). It
is pure: no database, no rules, no name resolution — the reconciler resolves the `Org`s and
`AssetRef`s, assigns ids and origins, and judges each event through the one write path.

What each file gives, and the choices DESIGN §9.2/§9.7 leave open, are in the docstrings of
`hardware`, `models`, `clusters` (with `cluster_events`), `data_centres` and `same_site`. Common
to all: every event carries the row's own sources (one per URL in its link cells) and then the
dataset's; summaries are written from the row's fields; confidence follows the row's certainty or
tag; dates and numbers read the same whatever their spelling; a malformed file raises
`MalformedFile` naming the file, the physical line where the record starts and the column.
"""

from __future__ import annotations

from .reader import read_epoch
from .reading import (
    AssetRef,
    Candidate,
    CandidateEvent,
    EpochReadError,
    EpochReading,
    EventRef,
    FileRead,
    MalformedFile,
    Note,
    Org,
    SkippedRow,
)
from .same_site import SAME_SITES, SameSite

__all__ = [
    "SAME_SITES",
    "AssetRef",
    "Candidate",
    "CandidateEvent",
    "EpochReadError",
    "EpochReading",
    "EventRef",
    "FileRead",
    "MalformedFile",
    "Note",
    "Org",
    "SameSite",
    "SkippedRow",
    "read_epoch",
]
