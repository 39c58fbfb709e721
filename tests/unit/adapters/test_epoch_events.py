"""What holds for every candidate event of the real snapshot: sources, summaries, names, dates."""

from __future__ import annotations

import re

from stackline.adapters.epoch import AssetRef, EpochReading, EventRef, Org
from stackline.domain.dates import PartialDate
from tests.unit.adapters.conftest import records
from tests.unit.adapters.variants import CLUSTERS, HARDWARE, MODELS

DATASET_PAGES = {
    "epoch-ai/ml-hardware": (
        "Epoch AI, Machine Learning Hardware",
        "https://epoch.ai/data/machine-learning-hardware",
    ),
    "epoch-ai/notable-ai-models": (
        "Epoch AI, Notable AI Models",
        "https://epoch.ai/data/ai-models",
    ),
    "epoch-ai/gpu-clusters": ("Epoch AI, GPU Clusters", "https://epoch.ai/data/gpu-clusters"),
    "epoch-ai/data-centers": (
        "Epoch AI, Frontier Data Centers",
        "https://epoch.ai/data/data-centers",
    ),
}


def test_every_event_ends_its_sources_with_the_datasets_own(reading: EpochReading) -> None:
    for candidate in reading.candidates:
        title, url = DATASET_PAGES[candidate.dataset]
        for event in candidate.events:
            assert event.sources[-1] == {
                "title": title,
                "url": url,
                "publisher": "Epoch AI",
                "published_on": "2026-03-06",
            }
            for source in event.sources:
                assert source["title"] and (source["url"] or "").startswith("http")


def test_every_url_in_a_rows_link_cells_is_one_source(reading: EpochReading) -> None:
    cells = {
        "epoch-ai/ml-hardware": {
            r["Hardware name"].strip(): r["Link to datasheet"] for r in records(HARDWARE)
        },
        "epoch-ai/notable-ai-models": {
            " ".join(r["Model"].split()): r["Link"] for r in records(MODELS)
        },
        "epoch-ai/gpu-clusters": {
            " ".join(r["Name"].replace('"', " ").split()): " ".join(
                r[f"Source {n}"] for n in range(1, 6)
            )
            for r in records(CLUSTERS)
        },
    }
    for candidate in reading.candidates:
        if candidate.dataset not in cells:
            continue
        expected = set(re.findall(r"https?://[^\s<>\"]+", cells[candidate.dataset][candidate.key]))
        for event in candidate.events:
            urls = {s["url"] for s in event.sources[:-1]}
            assert len(urls) == len(event.sources) - 1
            assert {u.rstrip(".,;)") for u in expected} == {u.rstrip(".,;)") for u in urls if u}
            assert len(event.sources) >= (2 if expected else 1)


def test_summaries_are_one_line_of_at_most_200_characters(reading: EpochReading) -> None:
    for candidate in reading.candidates:
        for event in candidate.events:
            assert 1 <= len(event.summary) <= 200
            assert "\n" not in event.summary and event.summary == event.summary.strip()


def test_a_chips_summary_names_its_maker_once(reading: EpochReading) -> None:
    h100 = next(c for c in reading.candidates if c.key == "NVIDIA H100 SXM5 80GB")
    assert h100.events[0].summary == "NVIDIA releases the H100 SXM5 80GB"


def names_in(value: object) -> list[str]:
    if isinstance(value, Org):
        return [value.name]
    if isinstance(value, AssetRef):
        return [value.name, *names_in(value.org)]
    if isinstance(value, list):
        return [name for item in value for name in names_in(item)]
    if isinstance(value, str):
        return [value]
    return []


def test_no_name_keeps_a_confidence_tag_quotes_or_stray_spaces(reading: EpochReading) -> None:
    for candidate in reading.candidates:
        assert candidate.key == " ".join(candidate.key.split()) and '"' not in candidate.key
        for event in candidate.events:
            for field in (
                "company",
                "provider",
                "parties",
                "partners",
                "from",
                "on",
                "base_model",
                "chip",
                "model",
                "facility",
                "asset",
                "aliases",
            ):
                for name in names_in(event.payload.get(field)):
                    assert "#" not in name and '"' not in name and "\u00a0" not in name
                    assert name == " ".join(name.split()) and name


def test_keys_are_unique_per_dataset_and_candidates_follow_file_order(
    reading: EpochReading,
) -> None:
    for dataset in DATASET_PAGES:
        candidates = reading.candidates_of(dataset)
        assert len({c.key for c in candidates}) == len(candidates)
        assert [c.line for c in candidates] == sorted(c.line for c in candidates)


def test_roles_are_unique_within_a_candidate_and_activations_name_one(
    reading: EpochReading,
) -> None:
    for candidate in reading.candidates:
        assert len(set(candidate.roles)) == len(candidate.roles)
        for event in candidate.events:
            ref = event.payload.get("partnership")
            if event.type == "partnership.activated":
                assert isinstance(ref, EventRef) and ref.role in candidate.roles
                assert candidate.event(ref.role).type == "partnership.formed"


def test_no_event_happens_after_the_snapshot_and_targets_lie_after_it(
    reading: EpochReading,
) -> None:
    for candidate in reading.candidates:
        for event in candidate.events:
            occurred = PartialDate.parse(event.occurred_on)
            assert occurred.start <= reading.snapshot.end
            if event.target_on is not None:
                target = PartialDate.parse(event.target_on)
                assert target.end > reading.snapshot.end >= occurred.start
                assert event.payload["status"] == "announced"


def test_counts_of_h100e_and_chips_are_whole_numbers(reading: EpochReading) -> None:
    for candidate in reading.candidates:
        for event in candidate.events:
            for field in ("h100e", "chip_count"):
                assert isinstance(event.payload.get(field, 0), int)
            capacity = event.payload.get("capacity_mw", 0.0)
            assert isinstance(capacity, float) and capacity >= 0
