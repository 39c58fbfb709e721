"""Counts of files, candidates and skips on the real snapshot, computed from the CSVs by the test."""

from __future__ import annotations

import hashlib
from collections import Counter

from stackline.adapters.epoch import EpochReading, read_epoch
from tests.unit.adapters.conftest import records
from tests.unit.adapters.variants import (
    CLUSTERS,
    DATA_CENTRES,
    HARDWARE,
    MODELS,
    REAL_SNAPSHOT,
    TIMELINES,
)


def is_foundation_model(row: dict[str, str]) -> bool:
    """§9.2.1's filter, written again from its text."""
    published = row["Publication date"]
    if published < "2018-01-01":
        return False
    domains = {d.strip() for d in row["Domain"].split(",")}
    return (
        row["Frontier model"] == "True"
        or float(row["Training compute (FLOP)"] or 0) >= 1e23
        or float(row["Parameters"] or 0) >= 1e10
        or (
            published >= "2023-01-01"
            and "Industry" in row["Organization categorization"].split(",")
            and bool(domains & {"Language", "Multimodal"})
        )
    )


def test_each_file_is_listed_with_its_sha256_and_rows(reading: EpochReading) -> None:
    assert str(reading.snapshot) == REAL_SNAPSHOT.name
    files = {read.path.name: read for read in reading.files}
    assert set(files) == {HARDWARE, MODELS, CLUSTERS, DATA_CENTRES, TIMELINES}
    for name, read in files.items():
        assert read.sha256 == hashlib.sha256((REAL_SNAPSHOT / name).read_bytes()).hexdigest()
        assert read.rows == len(records(name))
    assert files[TIMELINES].dataset == files[DATA_CENTRES].dataset == "epoch-ai/data-centers"


def test_hardware_gives_one_launch_per_chip_with_a_manufacturer(reading: EpochReading) -> None:
    makers = [r for r in records(HARDWARE) if r["Manufacturer"].strip()]
    chips = reading.candidates_of("epoch-ai/ml-hardware")
    assert len(chips) == len(makers)
    assert [c.key for c in chips] == [r["Hardware name"].strip() for r in makers]
    assert reading.skipped_by_reason()["no manufacturer"] == len(records(HARDWARE)) - len(makers)
    undated = sum(1 for r in makers if not r["Release date"])
    roles = Counter(c.roles[0] for c in chips)
    assert roles == {"available": len(makers) - undated, "launch": undated}


def test_models_are_the_foundation_models_with_an_organization(reading: EpochReading) -> None:
    rows = records(MODELS)
    foundation = [r for r in rows if is_foundation_model(r)]
    kept = [r for r in foundation if r["Organization"].strip()]
    models = reading.candidates_of("epoch-ai/notable-ai-models")
    assert [c.key for c in models] == [" ".join(r["Model"].split()) for r in kept]
    filtered_out = next(
        read.filtered_out for read in reading.files if read.table == "notable_ai_models"
    )
    assert filtered_out == len(rows) - len(foundation)
    assert reading.events_by_type()["model.released"] == len(kept)


def test_all_models_takes_every_row_with_an_organization() -> None:
    everything = read_epoch([REAL_SNAPSHOT / MODELS], all_models=True)
    with_organization = [r for r in records(MODELS) if r["Organization"].strip()]
    assert len(everything.candidates) == len(with_organization)
    assert everything.files[0].filtered_out == 0
    assert everything.skipped_by_reason() == {
        "no organization": len(records(MODELS)) - len(with_organization)
    }


def test_clusters_give_a_candidate_for_every_row_not_skipped(reading: EpochReading) -> None:
    rows = records(CLUSTERS)
    duplicates = sum(1 for r in rows if r["Possible Duplicate Of"])
    no_owner = sum(1 for r in rows if not r["Possible Duplicate Of"] and not r["Owner"].strip())
    undated = sum(
        1
        for r in rows
        if not r["Possible Duplicate Of"]
        and r["Owner"].strip()
        and r["Status"] != "Planned"
        and not r["First Operational Date"]
    )
    reasons = reading.skipped_by_reason()
    assert reasons["possible duplicate"] == duplicates
    assert reasons["no first operational date"] == undated
    clusters = reading.candidates_of("epoch-ai/gpu-clusters")
    assert len(clusters) == len(rows) - duplicates - no_owner - undated
    retired = sum(
        1
        for r in rows
        if r["Status"] == "Decommissioned"
        and r["Decommissioned Date (if applicable)"]
        and r["Owner"].strip()
    )
    assert reading.events_by_type()["asset.retired"] == retired


def test_data_centres_give_a_candidate_for_every_owned_site_with_a_timeline(
    reading: EpochReading,
) -> None:
    timeline_names = {r["Data center"] for r in records(TIMELINES)}
    owned = [
        r for r in records(DATA_CENTRES) if r["Owner"].strip() and r["Handle"] in timeline_names
    ]
    centres = reading.candidates_of("epoch-ai/data-centers")
    assert [c.key for c in centres] == [r["Handle"] for r in owned]
    no_owner = sum(1 for r in records(DATA_CENTRES) if not r["Owner"].strip())
    reasons = reading.skipped_by_reason()
    assert reasons["no owner"] == no_owner + sum(
        1 for r in records(CLUSTERS) if not r["Possible Duplicate Of"] and not r["Owner"].strip()
    )
    assert "no data centre row" not in reasons
