"""Variants of the real files, as a later snapshot might bring them (the reconciler's sync cases).

A change of spelling only leaves every candidate's content (type, occurred_on, confidence,
payload) as it was; a real change to one row changes that row's candidate and no other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stackline.adapters.epoch import EpochReading, read_epoch
from tests.unit.adapters import variants
from tests.unit.adapters.variants import CLUSTERS, HARDWARE, MODELS, TIMELINES

Contents = dict[tuple[str, str], tuple[tuple[str, object], ...]]


def contents(reading: EpochReading) -> Contents:
    return {
        (c.dataset, c.key): tuple((e.role, e.content()) for e in c.events)
        for c in reading.candidates
    }


def changed_keys(before: Contents, after: Contents) -> set[tuple[str, str]]:
    keys = before.keys() | after.keys()
    return {key for key in keys if before.get(key) != after.get(key)}


@pytest.fixture(scope="module")
def original(reading: EpochReading) -> Contents:
    return contents(reading)


@pytest.mark.parametrize(
    "respell",
    [
        variants.respell_dates,
        variants.reformat_numbers,
        variants.reorder_columns,
        variants.add_column,
    ],
    ids=["dates M/D/YYYY", "numbers 1.5e+02 and 100,000", "columns reordered", "extra column"],
)
def test_a_change_of_spelling_leaves_every_candidate_as_it_was(
    tmp_path: Path,
    reading: EpochReading,
    original: Contents,
    respell: Callable[[Path], None],
) -> None:
    folder = variants.copy_snapshot(tmp_path)
    respell(folder)
    respelled = read_epoch([folder])
    assert contents(respelled) == original
    assert [(s.key, s.reason) for s in respelled.skipped] == [
        (s.key, s.reason) for s in reading.skipped
    ]
    assert [(n.key, n.topic) for n in respelled.notes] == [(n.key, n.topic) for n in reading.notes]


def test_the_respelled_files_really_differ(tmp_path: Path) -> None:
    folder = variants.copy_snapshot(tmp_path)
    variants.respell_dates(folder)
    variants.reformat_numbers(folder)
    text = (folder / CLUSTERS).read_text(encoding="utf-8")
    assert "9/2/2024" in text and "100,000" in text and "e+" in text


REAL_CHANGES: list[tuple[str, Callable[[Path], None], tuple[str, str]]] = [
    (
        "a chip re-dated",
        lambda f: variants.set_cell(
            f, HARDWARE, "NVIDIA H100 SXM5 80GB", "Release date", "2022-10-01"
        ),
        ("epoch-ai/ml-hardware", "NVIDIA H100 SXM5 80GB"),
    ),
    (
        "a cluster re-dated",
        lambda f: variants.set_cell(
            f, CLUSTERS, "Meta 100k", "First Operational Date", "2024-11-01"
        ),
        ("epoch-ai/gpu-clusters", "Meta 100k"),
    ),
    (
        "a cluster's status changed",
        lambda f: variants.set_cell(f, CLUSTERS, "Meta 100k", "Status", "Planned"),
        ("epoch-ai/gpu-clusters", "Meta 100k"),
    ),
    (
        "a cluster removed",
        lambda f: variants.remove_row(f, CLUSTERS, "Meta 100k"),
        ("epoch-ai/gpu-clusters", "Meta 100k"),
    ),
    (
        "a model removed",
        lambda f: variants.remove_row(f, MODELS, "Claude Opus 4.5"),
        ("epoch-ai/notable-ai-models", "Claude Opus 4.5"),
    ),
    (
        "a new cluster",
        lambda f: variants.add_row(
            f,
            CLUSTERS,
            {
                "Name": "Stackline Test Cluster",
                "Status": "Existing",
                "Certainty": "Likely",
                "Owner": "Stackline Labs",
                "First Operational Date": "2025-12-01",
                "H100 equivalents": "1000.0",
                "Chip type (primary)": "NVIDIA H100 SXM5 80GB",
            },
        ),
        ("epoch-ai/gpu-clusters", "Stackline Test Cluster"),
    ),
    (
        "a data centre's timeline row re-dated",
        lambda f: variants.set_cell(
            f, TIMELINES, "xAI Colossus 1 Memphis Tennessee", "Date", "2024-09-05", nth=3
        ),
        ("epoch-ai/data-centers", "xAI Colossus 1 Memphis Tennessee"),
    ),
    (
        "a data centre's timeline row re-valued",
        lambda f: variants.set_cell(
            f, TIMELINES, "Meta Prometheus New Albany Ohio", "Power (MW)", "500.0", nth=7
        ),
        ("epoch-ai/data-centers", "Meta Prometheus New Albany Ohio"),
    ),
]


@pytest.mark.parametrize(
    ("change", "key"),
    [(change, key) for _, change, key in REAL_CHANGES],
    ids=[name for name, _, _ in REAL_CHANGES],
)
def test_a_real_change_to_one_row_changes_that_rows_candidate_only(
    tmp_path: Path,
    original: Contents,
    change: Callable[[Path], None],
    key: tuple[str, str],
) -> None:
    folder = variants.copy_snapshot(tmp_path)
    change(folder)
    assert changed_keys(original, contents(read_epoch([folder]))) == {key}


def test_a_re_dated_timeline_row_changes_the_expansion_of_the_same_n_only(
    tmp_path: Path, original: Contents
) -> None:
    folder = variants.copy_snapshot(tmp_path)
    handle = "xAI Colossus 1 Memphis Tennessee"
    variants.set_cell(folder, TIMELINES, handle, "Date", "2024-09-05", nth=3)
    after = dict(contents(read_epoch([folder]))[("epoch-ai/data-centers", handle)])
    before = dict(original[("epoch-ai/data-centers", handle)])
    assert after.keys() == before.keys()
    assert {role for role in before if before[role] != after[role]} == {"expansion-3"}
    assert after["expansion-3"][1] == "2024-09-05"  # type: ignore[index]
