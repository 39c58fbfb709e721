"""GPU clusters on the real file: dates as Epoch means them, phases, duplicates, users."""

from __future__ import annotations

import re

import pytest

from stackline.adapters.epoch import Candidate, EpochReading, Org
from tests.unit.adapters.conftest import record, records
from tests.unit.adapters.variants import CLUSTERS

DATASET = "epoch-ai/gpu-clusters"
CERTAINTY = {"Confirmed": "confirmed", "Likely": "likely", "Unlikely": "speculative"}


def clean(cell: str) -> str:
    return " ".join(cell.replace('"', " ").split())


def by_key(reading: EpochReading) -> dict[str, Candidate]:
    return {c.key: c for c in reading.candidates_of(DATASET)}


def skipped(reading: EpochReading, reason: str) -> dict[str, str]:
    return {
        row.key: row.detail
        for row in reading.skipped
        if row.reason == reason and row.file.name == CLUSTERS
    }


def partial_date_of_note(note: str) -> str:
    if match := re.fullmatch(r"Q([1-4]) (\d{4})", note):
        return f"{match[2]}-Q{match[1]}"
    return note


@pytest.mark.parametrize(
    "name",
    [
        "Tesla Cortex Phase 1",
        "Alibaba Cloud in Japan",
        "Amazon Titan training cluster",
        "NVIDIA Helios",
    ],
)
def test_the_first_operational_date_note_gives_the_dates_real_precision(
    reading: EpochReading, name: str
) -> None:
    row = record(CLUSTERS, "Name", name)
    assert len(row["First Operational Date Note"]) < len(row["First Operational Date"])
    launch = by_key(reading)[name].event("available")
    assert launch.occurred_on == partial_date_of_note(row["First Operational Date Note"])


def test_a_planned_cluster_is_announced_in_the_snapshot_month_with_its_planned_date_as_target(
    reading: EpochReading,
) -> None:
    row = record(CLUSTERS, "Name", "xAI 5 year plan")
    assert (row["Status"], row["First Operational Date Note"]) == ("Planned", "Planned 2030")
    launch = by_key(reading)["xAI 5 year plan"].event("launch")
    assert (launch.occurred_on, launch.payload["status"]) == ("2026-03", "announced")
    assert launch.target_on == "2030"
    assert launch.confidence == CERTAINTY[row["Certainty"]]


def test_a_planned_cluster_dated_before_the_snapshot_gets_no_target_and_is_noted(
    reading: EpochReading,
) -> None:
    name = "Alibaba Cloud in Philippines Phase 2"
    assert record(CLUSTERS, "Name", name)["First Operational Date"] < "2026-03-06"
    launch = by_key(reading)[name].event("launch")
    assert launch.target_on is None
    assert launch.details is not None and "not after the snapshot" in launch.details
    topics = {n.topic for n in reading.notes if n.key == name}
    assert "planned date not after the snapshot" in topics


def test_every_planned_launch_is_an_announcement_of_the_snapshot_month(
    reading: EpochReading,
) -> None:
    planned = {clean(r["Name"]) for r in records(CLUSTERS) if r["Status"] == "Planned"}
    launches = [
        event
        for candidate in reading.candidates_of(DATASET)
        if candidate.key in planned
        for event in candidate.events
        if event.type in ("compute.launched", "compute.expanded")
    ]
    assert launches
    assert {(e.occurred_on, e.payload["status"]) for e in launches} == {("2026-03", "announced")}


def test_a_decommissioned_cluster_is_retired_on_its_date(reading: EpochReading) -> None:
    row = record(CLUSTERS, "Name", "Oak Ridge NL Summit")
    summit = by_key(reading)["Oak Ridge NL Summit"]
    assert summit.roles[:2] == ("available", "retirement")
    retirement = summit.event("retirement")
    assert retirement.occurred_on == row["Decommissioned Date (if applicable)"]
    assert retirement.payload == {
        "company": Org(row["Owner"], "owner"),
        "layer": "compute",
        "asset": "Oak Ridge NL Summit",
    }


def test_a_decommissioned_cluster_without_a_date_keeps_its_launch_and_is_noted(
    reading: EpochReading,
) -> None:
    name = "Alibaba Cloud in Australia"
    assert record(CLUSTERS, "Name", name)["Decommissioned Date (if applicable)"] == ""
    roles = by_key(reading)[name].roles
    assert roles[0] == "available" and "retirement" not in roles
    assert ("decommissioned without a date", name) in {(n.topic, n.key) for n in reading.notes}


def test_every_event_of_a_cluster_row_has_the_confidence_of_its_certainty(
    reading: EpochReading,
) -> None:
    certainty = {clean(r["Name"]): CERTAINTY[r["Certainty"]] for r in records(CLUSTERS)}
    for candidate in reading.candidates_of(DATASET):
        assert {e.confidence for e in candidate.events} <= {certainty[candidate.key]}


def test_rows_marked_possible_duplicate_of_another_are_skipped_and_listed(
    reading: EpochReading,
) -> None:
    duplicates = {clean(r["Name"]): r for r in records(CLUSTERS) if r["Possible Duplicate Of"]}
    listed = skipped(reading, "possible duplicate")
    assert set(listed) == set(duplicates)
    for name, row in duplicates.items():
        assert row["Possible Duplicate Of"].split(",")[0] in listed[name]
    assert not set(duplicates) & set(by_key(reading))


def test_rows_without_owner_or_existing_without_date_are_skipped_and_listed(
    reading: EpochReading,
) -> None:
    rest = [r for r in records(CLUSTERS) if not r["Possible Duplicate Of"]]
    no_owner = [r for r in rest if not r["Owner"].strip()]
    undated = [
        r
        for r in rest
        if r["Owner"].strip() and r["Status"] != "Planned" and not r["First Operational Date"]
    ]
    assert len(skipped(reading, "no owner")) == len(no_owner) > 0
    assert set(skipped(reading, "no first operational date")) == {clean(r["Name"]) for r in undated}


def chain_root(name: str) -> tuple[dict[str, str] | None, str]:
    """The row at the root of a `Builds Upon` chain, walked through the CSV (or the name left)."""
    rows = {clean(r["Name"]): r for r in reversed(records(CLUSTERS))}
    row = rows[name]
    while row["Builds Upon"]:
        parent = rows.get(clean(row["Builds Upon"]))
        if parent is None:
            return None, clean(row["Builds Upon"])
        row = parent
    return row, clean(row["Name"])


def test_a_row_that_builds_upon_another_expands_the_facility_at_the_root_of_its_chain(
    reading: EpochReading,
) -> None:
    candidates, checked = by_key(reading), 0
    for row in records(CLUSTERS):
        name = clean(row["Name"])
        if not row["Builds Upon"] or name not in candidates:
            continue
        root, root_name = chain_root(name)
        types = {e.type for e in candidates[name].events}
        assert "compute.launched" not in types
        if not any(e.type == "compute.expanded" for e in candidates[name].events):
            continue  # the root is a data centre's site: see the same-site tests
        expansion = candidates[name].event("expansion")
        assert expansion.payload["facility"] == root_name
        owner = first_owner(root) if root and root["Owner"] else first_owner(row)
        assert expansion.payload["company"] == Org(owner, "owner")
        if row["H100 equivalents"]:
            assert expansion.payload["h100e"] == round(float(row["H100 equivalents"]))
        status = "available" if row["Status"] == "Existing" else "announced"
        assert expansion.payload["status"] == status
        checked += 1
    assert checked > 30


def first_owner(row: dict[str, str]) -> str:
    return row["Owner"].split(",")[0].strip()


def test_jean_zays_fourth_phase_expands_phase_one_with_its_cumulative_size(
    reading: EpochReading,
) -> None:
    row = record(CLUSTERS, "Name", "Jean Zay Supercomputer Phase 4")
    expansion = by_key(reading)["Jean Zay Supercomputer Phase 4"].event("expansion")
    assert row["First Operational Date"].startswith(row["First Operational Date Note"])
    assert expansion.occurred_on == row["First Operational Date Note"]
    assert expansion.payload == {
        "company": Org("GENCI", "owner"),
        "facility": "Jean Zay Supercomputer Phase 1",
        "capacity_mw": round(float(row["Power Capacity (MW)"]), 3),
        "h100e": round(float(row["H100 equivalents"])),
        "status": "available",
    }


def test_a_phase_repeats_neither_the_chips_nor_the_users_of_earlier_phases(
    reading: EpochReading,
) -> None:
    phase_one = by_key(reading)["Alps Supercomputer Phase 1"]
    phase_two = by_key(reading)["Alps Supercomputer Phase 2"]
    assert "built_with" in phase_one.roles
    assert [r for r in phase_two.roles if r.startswith("user:") or r == "built_with"] == []


def test_users_other_than_the_owners_contract_the_cluster_from_its_owner(
    reading: EpochReading,
) -> None:
    row = record(CLUSTERS, "Name", "Oak Ridge NL Frontier")
    owners = {o.strip().casefold() for o in row["Owner"].split(",")}
    users = [u.strip() for u in row["Users"].split(",") if u.strip()]
    frontier = by_key(reading)["Oak Ridge NL Frontier"]
    partnerships = [e for e in frontier.events if e.type == "partnership.formed"]
    assert [e.role for e in partnerships] == [
        f"user:{u.casefold()}" for u in users if u.casefold() not in owners
    ]
    for event in partnerships:
        assert event.payload["provider"] == Org(first_owner(row), "owner")
        assert event.payload["asset"] == "Oak Ridge NL Frontier"
        assert event.payload["status"] == "active"
        assert event.occurred_on == row["First Operational Date"]
