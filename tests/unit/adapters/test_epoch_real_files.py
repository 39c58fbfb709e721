"""Facts an analyst can check in Epoch's real CSVs come out of the adapter as the CSVs state them.

Expected values are read from the CSV rows with `csv` in the test, not typed in by hand.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from stackline.adapters.epoch import AssetRef, Candidate, EpochReading, Org
from stackline.domain.dates import PartialDate
from tests.unit.adapters.conftest import record, records
from tests.unit.adapters.variants import CLUSTERS, DATA_CENTRES, HARDWARE, MODELS, TIMELINES


def candidate_of(reading: EpochReading, dataset: str, key: str) -> Candidate:
    return next(c for c in reading.candidates if c.dataset == dataset and c.key == key)


def first_name(cell: str) -> str:
    return cell.split(",")[0].strip()


def url_list(cell: str) -> list[str]:
    return [url.rstrip(".,;") for url in re.findall(r"https?://[^\s]+", cell)]


@pytest.mark.parametrize("name", ["Meta 100k", "Oak Ridge NL Frontier", "Microsoft Azure Eagle"])
def test_a_cluster_launches_with_its_owner_chip_size_and_first_operational_day(
    reading: EpochReading, name: str
) -> None:
    row = record(CLUSTERS, "Name", name)
    assert row["First Operational Date Note"] in ("", row["First Operational Date"])
    candidate = candidate_of(reading, "epoch-ai/gpu-clusters", name)
    launch = candidate.event("available")
    assert launch.type == "compute.launched"
    assert launch.occurred_on == row["First Operational Date"]
    assert launch.payload["company"] == Org(first_name(row["Owner"]), "owner")
    assert launch.payload["kind"] == "supercomputer"
    assert launch.payload["h100e"] == round(float(row["H100 equivalents"]))
    assert launch.payload["chip_count"] == round(float(row["Chip quantity (primary)"]))
    assert launch.payload["capacity_mw"] == pytest.approx(
        float(row["Power Capacity (MW)"]), abs=1e-3
    )
    chip = candidate.event("built_with").payload["on"]
    assert chip == AssetRef("hardware", row["Chip type (primary)"], None)


@pytest.mark.parametrize(
    "name", ["NVIDIA H100 SXM5 80GB", "Google TPU v7 Ironwood", "Amazon Trainium3"]
)
def test_a_chip_is_launched_by_its_manufacturer_on_its_release_day(
    reading: EpochReading, name: str
) -> None:
    row = record(HARDWARE, "Hardware name", name)
    launch = candidate_of(reading, "epoch-ai/ml-hardware", name).event("available")
    assert (launch.type, launch.occurred_on) == ("chip.launched", row["Release date"])
    assert launch.payload == {
        "company": Org(row["Manufacturer"], "manufacturer"),
        "chip": name,
        "status": "available",
    }
    assert [s["url"] for s in launch.sources[:-1]] == url_list(row["Link to datasheet"])


def expected_access(row: dict[str, str]) -> str:
    if row["Model accessibility"].startswith("Open weights"):
        return (
            "fully_open" if row["Training code accessibility"] == "Open source" else "open_weights"
        )
    return "unreleased" if row["Model accessibility"] == "Unreleased" else "closed"


@pytest.mark.parametrize(
    "name", ["Kimi K2 Thinking", "NVLM-D 72B", "Claude Opus 4.5", "Llama 3.2 11B", "GPT-4.5"]
)
def test_a_model_is_released_by_its_first_organization_with_its_access_and_base_model(
    reading: EpochReading, name: str
) -> None:
    row = record(MODELS, "Model", name)
    candidate = candidate_of(reading, "epoch-ai/notable-ai-models", name)
    release = candidate.event("available")
    assert (release.type, release.occurred_on) == ("model.released", row["Publication date"])
    assert release.payload["company"] == Org(first_name(row["Organization"]), "organization")
    assert release.payload["access"] == expected_access(row)
    bases = [base.strip() for base in row["Base model"].split(",") if base.strip()]
    base = release.payload.get("base_model")
    assert (base.name if isinstance(base, AssetRef) else None) == (bases[0] if bases else None)
    for further in bases[1:]:
        edge = candidate.event(f"fine_tuned_from:{further.casefold()}").payload["on"]
        assert isinstance(edge, AssetRef) and (edge.layer, edge.name) == ("model", further)
    for chip in filter(None, (c.strip() for c in row["Training hardware"].split(","))):
        trained_on = candidate.event(f"trained_on:{chip.casefold()}").payload["on"]
        assert trained_on == AssetRef("hardware", chip, None)
    assert release.confidence == "confirmed"


def test_a_base_model_carries_the_organization_of_its_own_row(reading: EpochReading) -> None:
    row = record(MODELS, "Model", "Kimi K2 Thinking")
    base_row = record(MODELS, "Model", row["Base model"])
    release = candidate_of(reading, "epoch-ai/notable-ai-models", "Kimi K2 Thinking")
    base = release.event("available").payload["base_model"]
    assert base == AssetRef(
        "model", row["Base model"], Org(base_row["Organization"], "organization")
    )


def capacity_on(candidate: Candidate, day: date) -> tuple[object, object]:
    """The available capacity on a day: the latest available launch or expansion, field by field."""
    power: object = None
    h100e: object = None
    for event in sorted(candidate.events, key=lambda e: PartialDate.parse(e.occurred_on).start):
        capacity = event.type in ("compute.launched", "compute.expanded")
        available = event.payload.get("status") == "available"
        if capacity and available and PartialDate.parse(event.occurred_on).start <= day:
            power = event.payload.get("capacity_mw", power)
            h100e = event.payload.get("h100e", h100e)
    return power, h100e


def test_a_data_centres_capacity_on_each_timeline_day_is_the_timelines_latest_figure(
    reading: EpochReading,
) -> None:
    checked = 0
    for centre in records(DATA_CENTRES):
        rows = [r for r in records(TIMELINES) if r["Data center"] == centre["Handle"]]
        if not centre["Owner"].strip() or not rows:
            continue
        candidate = candidate_of(reading, "epoch-ai/data-centers", centre["Handle"])
        for row in rows:
            day = date.fromisoformat(row["Date"])
            if day > date(2026, 3, 6) or float(row["Power (MW)"]) == 0:
                continue
            earlier = [r for r in rows if date.fromisoformat(r["Date"]) <= day]
            known_h100e = [r["H100 equivalents"] for r in earlier if r["H100 equivalents"]]
            power, h100e = capacity_on(candidate, day)
            assert power == float(row["Power (MW)"]), (centre["Handle"], day)
            assert h100e == round(float(known_h100e[-1])), (centre["Handle"], day)
            checked += 1
    assert checked > 50


def test_xai_colossus_1_has_the_capacity_the_timeline_gives_on_two_dates(
    reading: EpochReading,
) -> None:
    handle = "xAI Colossus 1 Memphis Tennessee"
    rows = {r["Date"]: r for r in records(TIMELINES) if r["Data center"] == handle}
    colossus = candidate_of(reading, "epoch-ai/data-centers", handle)
    for day in ("2024-09-02", "2025-11-07"):
        power, h100e = capacity_on(colossus, date.fromisoformat(day))
        assert power == float(rows[day]["Power (MW)"])
        assert h100e == round(float(rows[day]["H100 equivalents"]))


def test_a_data_centre_is_announced_on_its_first_timeline_row_under_its_title(
    reading: EpochReading,
) -> None:
    centre = record(DATA_CENTRES, "Handle", "OpenAI-Oracle Stargate Abilene Texas")
    first = min(r["Date"] for r in records(TIMELINES) if r["Data center"] == centre["Handle"])
    launch = candidate_of(reading, "epoch-ai/data-centers", centre["Handle"]).event("launch")
    assert (launch.type, launch.occurred_on) == ("compute.launched", first)
    assert launch.payload["facility"] == centre["Title"]
    assert launch.payload["aliases"] == [centre["Handle"]]
    assert launch.payload["company"] == Org(centre["Owner"].split("#")[0].strip(), "owner")
    assert launch.payload["kind"] == "datacenter"


def test_a_data_centres_users_contract_it_from_the_launch_and_start_on_its_first_powered_day(
    reading: EpochReading,
) -> None:
    handle = "Anthropic-Amazon Project Rainier New Carlisle Indiana"
    rows = [r for r in records(TIMELINES) if r["Data center"] == handle]
    powered = min(r["Date"] for r in rows if float(r["Power (MW)"]) > 0)
    rainier = candidate_of(reading, "epoch-ai/data-centers", handle)
    formed, activated = rainier.event("user:anthropic"), rainier.event("user:anthropic:activated")
    assert formed.occurred_on == rainier.event("launch").occurred_on
    assert formed.payload["provider"] == Org("Amazon", "owner")
    assert formed.payload["parties"] == [Org("Amazon", "owner"), Org("Anthropic", "user")]
    assert formed.payload["status"] == "announced"
    assert activated.occurred_on == powered
    assert activated.payload["partnership"].role == "user:anthropic"  # type: ignore[attr-defined]
