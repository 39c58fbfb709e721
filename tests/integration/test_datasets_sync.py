"""Keeping Epoch AI's rows in step with the log across snapshots (DESIGN §9.2 Sync, §9.7 Ids and
sync), on a fixture log and hand-cut copies of the real files.

The fixture log registers the companies the chosen rows name (NVIDIA, xAI, Microsoft, …; Meta
under its Epoch spelling `Meta AI` as an alias); a later snapshot is a copy of the first under
another date, rewritten by `tests/unit/adapters/variants.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from stackline.domain.values import Layer
from stackline.services import stacks, supply_chain
from stackline.store.reads import datasets as dataset_reads
from stackline.store.units_of_work import Database
from tests.integration.builders import event
from tests.integration.epoch_support import (
    CENTRES_SET,
    CLUSTERS_SET,
    FIRST_IMPORT,
    FIRST_SNAPSHOT,
    HARDWARE_SET,
    MODELS_SET,
    SECOND_IMPORT,
    THIRD_IMPORT,
    by_key,
    cut_snapshot,
    derived,
    exported,
    head,
    later_snapshot,
    live_derived,
    of,
    record,
    register,
    run,
    verified,
)
from tests.unit.adapters import variants
from tests.unit.adapters.variants import CLUSTERS, DATA_CENTRES, HARDWARE, MODELS, TIMELINES

COMPANIES = {
    "nvidia": "NVIDIA",
    "xai": "xAI",
    "microsoft": "Microsoft",
    "openai": "OpenAI",
    "tesla": "Tesla",
    "meta": "Meta",
    "doe": "US Department of Energy",
}
ROWS = {
    HARDWARE: [
        "NVIDIA H100 SXM5 80GB", "NVIDIA A100", "NVIDIA A100 SXM4 80 GB", "NVIDIA V100",
        "NVIDIA B200", "NVIDIA GB200", "NVIDIA Tesla V100 SXM2",
    ],
    MODELS: ["Grok 3", "Grok-2", "Grok-1", "Grok 4 Heavy", "Nemotron-4 340B",
             "Llama-3.1-Nemotron-70B-Instruct"],
    CLUSTERS: [
        "Tesla A100 Cluster Phase 1", "Tesla A100 Cluster Phase 2",
        "Microsoft Azure Meta AI Rental", "Microsoft GPT-4 cluster", "Tesla Cortex Phase 1",
        "Microsoft Sweden Staffanstorp", "Microsoft Sweden Sandviken", "Paper on Llama 3.1",
        "xAI Colossus Memphis Phase 1", "xAI Colossus Memphis Phase 2", "Oak Ridge NL Summit",
    ],
    DATA_CENTRES: ["xAI Colossus 1 Memphis Tennessee", "Microsoft Fairwater Fayetteville Georgia"],
}  # fmt: skip
COLOSSUS = "xAI Colossus 1 Memphis Tennessee"
FAIRWATER = "Microsoft Fairwater Fayetteville Georgia"
SECOND_SNAPSHOT = "2026-04-10"


@pytest.fixture
def industry(database: Database) -> Database:
    register(database, COMPANIES, meta=["Meta AI"])
    return database


@pytest.fixture
def first(tmp_path: Path) -> Path:
    return cut_snapshot(tmp_path, FIRST_SNAPSHOT, ROWS)


@pytest.mark.storage
def test_the_same_snapshot_imported_twice_writes_nothing(industry: Database, first: Path) -> None:
    once = run(industry, first, FIRST_IMPORT)
    assert once.written == len(derived(industry)) > 40
    assert verified(industry)
    before = head(industry)

    again = run(industry, first, SECOND_IMPORT)

    assert head(industry) == before
    assert again.written == 0
    for file in again.files:
        assert (file.created, file.superseded, file.retracted) == (0, 0, 0), file.file
        assert file.unchanged == of(once, file.dataset, file.file).created, file.file
    assert verified(industry)


SPELLINGS: list[Callable[[Path], None]] = [
    variants.respell_dates,
    variants.reformat_numbers,
    variants.reorder_columns,
    variants.add_column,
]


@pytest.mark.parametrize(
    "respell",
    [*SPELLINGS, lambda folder: [change(folder) for change in SPELLINGS]],
    ids=["dates M/D/YYYY", "numbers re-formatted", "columns re-ordered", "an extra column",
         "all of them"],
)  # fmt: skip
def test_a_later_snapshot_that_only_respells_the_files_writes_nothing(
    industry: Database, first: Path, respell: Callable[[Path], None]
) -> None:
    run(industry, first, FIRST_IMPORT)
    before = head(industry)
    later = later_snapshot(first, "2026-03-20")
    respell(later)
    assert any((later / n).read_bytes() != (first / n).read_bytes() for n in variants.KEY_COLUMNS)

    report = run(industry, later, SECOND_IMPORT)

    assert report.written == 0, report.lines()
    assert head(industry) == before
    assert verified(industry)


def second_snapshot(first: Path) -> Path:
    """The first snapshot a month on: one chip re-dated, one planned cluster now existing, one
    cluster's certainty lowered, one model gone, one chip new, one timeline row re-valued (and
    a planned timeline row of the first snapshot now in the past)."""
    later = later_snapshot(first, SECOND_SNAPSHOT)
    variants.set_cell(later, HARDWARE, "NVIDIA B200", "Release date", "2024-12-01")
    variants.set_cell(later, CLUSTERS, "Microsoft Sweden Staffanstorp", "Status", "Existing")
    variants.set_cell(
        later, CLUSTERS, "Microsoft Sweden Staffanstorp", "First Operational Date", "2026-04-02"
    )
    variants.set_cell(later, CLUSTERS, "Microsoft Azure Meta AI Rental", "Certainty", "Likely")
    variants.remove_row(later, MODELS, "Grok-2")
    variants.add_row(later, HARDWARE, {
        "Hardware name": "NVIDIA Rubin", "Manufacturer": "NVIDIA", "Release date": "2026-01-05",
        "Link to datasheet": "https://example.com/rubin",
    })  # fmt: skip
    variants.set_cell(later, TIMELINES, COLOSSUS, "Power (MW)", "430.0", nth=7)
    return later


@pytest.mark.storage
def test_a_later_snapshot_supersedes_exactly_the_rows_whose_facts_changed(
    industry: Database, first: Path
) -> None:
    run(industry, first, FIRST_IMPORT)
    old = {e["id"]: e for e in derived(industry)}
    old_live = by_key(live_derived(industry))

    report = run(industry, second_snapshot(first), SECOND_IMPORT)

    new = [e for e in derived(industry) if e["id"] not in old]
    changed = {(e["origin"]["dataset"], e["origin"]["key"]) for e in new}
    assert changed == {
        (HARDWARE_SET, "NVIDIA B200"),  # re-dated
        (HARDWARE_SET, "NVIDIA Rubin"),  # new
        (CLUSTERS_SET, "Microsoft Sweden Staffanstorp"),  # planned → existing
        (CLUSTERS_SET, "Microsoft Azure Meta AI Rental"),  # certainty
        (CENTRES_SET, f"{COLOSSUS} (row 7)"),  # re-valued
        (CENTRES_SET, f"{FAIRWATER} (row 6)"),  # its date has passed: a plan no more
    }
    counts = {(f.file, f.created, f.superseded) for f in report.files if f.created or f.superseded}
    assert counts == {
        (HARDWARE, 1, 1),
        (CLUSTERS, 1, 3),  # the delivery added; launch, partnership and edge re-rated
        (DATA_CENTRES, 0, 2),
    }
    for e in new:
        assert e["origin"]["snapshot"] == SECOND_SNAPSHOT
        if e["supersedes"] is None:
            continue
        replaced = old[e["supersedes"]]  # what it corrects is an event of the same row and slot
        assert replaced["origin"]["key"] == e["origin"]["key"]
        assert replaced["type"] == e["type"]
        assert e["id"] in {x["id"] for x in live_derived(industry)}
    b200 = next(e for e in new if e["origin"]["key"] == "NVIDIA B200")
    assert (b200["occurred_on"], b200["supersedes"]) == (
        "2024-12-01", old_live["NVIDIA B200"][0]["id"],
    )  # fmt: skip
    rental = [e for e in new if e["origin"]["key"] == "Microsoft Azure Meta AI Rental"]
    assert {e["confidence"] for e in rental} == {"likely"}
    assert {e["supersedes"] for e in rental} == {
        e["id"] for e in old_live["Microsoft Azure Meta AI Rental"]
    }
    assert verified(industry)


def test_a_planned_cluster_that_comes_online_keeps_its_announcement_and_adds_the_delivery(
    industry: Database, first: Path
) -> None:
    run(industry, first, FIRST_IMPORT)
    run(industry, second_snapshot(first), SECOND_IMPORT)

    launches = live_derived(industry, CLUSTERS_SET)
    staffanstorp = [
        (e["occurred_on"], e["payload"]["status"], e["supersedes"])
        for e in launches
        if e["origin"]["key"] == "Microsoft Sweden Staffanstorp"
    ]
    assert staffanstorp == [("2026-03", "announced", None), ("2026-04-02", "available", None)]
    # A planned row still planned keeps the month of the first snapshot that listed it.
    sandviken = [e for e in launches if e["origin"]["key"] == "Microsoft Sweden Sandviken"]
    assert [(e["occurred_on"], e["origin"]["snapshot"]) for e in sandviken] == [
        ("2026-03", FIRST_SNAPSHOT)
    ]


def test_a_cluster_operational_before_its_announcement_supersedes_the_announcement(
    industry: Database, first: Path
) -> None:
    """DESIGN §9.7: if a cluster's first operational date is on or before its announcement's
    date, the available launch supersedes the announcement instead of following it."""
    run(industry, first, FIRST_IMPORT)
    later = later_snapshot(first, SECOND_SNAPSHOT)
    variants.set_cell(later, CLUSTERS, "Microsoft Sweden Sandviken", "Status", "Existing")
    variants.set_cell(
        later, CLUSTERS, "Microsoft Sweden Sandviken", "First Operational Date", "2026-02-20"
    )
    announcement = by_key(live_derived(industry))["Microsoft Sweden Sandviken"][0]

    report = run(industry, later, SECOND_IMPORT)

    (launch,) = by_key(live_derived(industry))["Microsoft Sweden Sandviken"]
    assert (launch["occurred_on"], launch["payload"]["status"]) == ("2026-02-20", "available")
    assert launch["supersedes"] == announcement["id"]
    assert (of(report, CLUSTERS_SET).created, of(report, CLUSTERS_SET).superseded) == (0, 1)
    assert verified(industry)


def test_known_on_before_the_second_import_answers_as_the_first_snapshot_did(
    industry: Database, first: Path
) -> None:
    run(industry, first, FIRST_IMPORT)
    first_events = {e["id"] for e in live_derived(industry)}
    run(industry, second_snapshot(first), SECOND_IMPORT)
    between = SECOND_IMPORT - timedelta(days=1)

    def hardware(day: date, known_on: object) -> dict[str, str]:
        stack = stacks.stack_of(industry, "nvidia", day, known_on, use_cache=False)  # type: ignore[arg-type]
        return {e.asset: str(e.since) for e in stack.entries[Layer.HARDWARE]}

    # The B200 was released on 2024-11-15 in the first snapshot, on 2024-12-01 in the second.
    assert hardware(date(2024, 11, 20), between)["NVIDIA B200"] == "2024-11-15"
    assert "NVIDIA B200" not in hardware(date(2024, 11, 20), None)
    assert hardware(date(2024, 12, 2), None)["NVIDIA B200"] == "2024-12-01"
    # The model the second snapshot no longer lists is still there (listed, not retracted).
    xai = stacks.stack_of(industry, "xai", date(2025, 1, 1), between, use_cache=False)
    assert "Grok-2" in {e.asset for e in xai.entries[Layer.MODEL]}
    # Known on the day between, the log holds exactly the first import's events.
    known = [e for e in derived(industry) if e["recorded_at"] <= between.isoformat()]
    known_voided = {e["supersedes"] for e in known if e["supersedes"]}
    assert {e["id"] for e in known if e["id"] not in known_voided} == first_events


@pytest.mark.storage
def test_a_row_gone_from_the_snapshot_is_listed_and_retracted_only_when_asked(
    industry: Database, first: Path
) -> None:
    run(industry, first, FIRST_IMPORT)
    grok2 = {e["id"] for e in by_key(live_derived(industry))["Grok-2"]}
    assert len(grok2) == 2  # the release and its trained_on edge
    later = second_snapshot(first)

    listed = run(industry, later, SECOND_IMPORT)

    assert [(m.key, m.text) for m in of(listed, MODELS_SET).missing] == [
        ("Grok-2", "2 live events")
    ]
    assert of(listed, MODELS_SET).retracted == 0
    assert grok2 <= {e["id"] for e in live_derived(industry)}
    assert verified(industry)

    retracted = run(industry, later, THIRD_IMPORT, retract_missing=True)

    assert of(retracted, MODELS_SET).retracted == 2
    assert retracted.written == 2
    assert not grok2 & {e["id"] for e in live_derived(industry)}
    retractions = [e for e in derived(industry) if e["type"] == "event.retracted"]
    assert {e["payload"]["event"] for e in retractions} == grok2
    for retraction in retractions:
        assert SECOND_SNAPSHOT in retraction["payload"]["reason"]
        assert retraction["origin"] == {
            "dataset": MODELS_SET, "key": "Grok-2", "snapshot": SECOND_SNAPSHOT,
        }  # fmt: skip
    assert verified(industry)
    before = head(industry)
    again = run(industry, later, THIRD_IMPORT, retract_missing=True)
    assert again.written == 0
    assert head(industry) == before
    # Its retractions are no live events of the key: it is missing no more, and nothing tries
    # to retract a retraction.
    assert (of(again, MODELS_SET).missing, of(again, MODELS_SET).skipped) == ([], [])
    # /datasets counts what the dataset still says: its retractions are not live events.
    with industry.reading() as uow:
        counts = dataset_reads.derived_counts(uow)
    assert counts[MODELS_SET] == len(live_derived(industry, MODELS_SET))


def test_a_row_back_after_its_retraction_is_imported_again(industry: Database, first: Path) -> None:
    run(industry, first, FIRST_IMPORT)
    later = later_snapshot(first, SECOND_SNAPSHOT)
    variants.remove_row(later, MODELS, "Grok-2")
    run(industry, later, SECOND_IMPORT, retract_missing=True)
    assert "Grok-2" not in by_key(live_derived(industry))
    back = later_snapshot(first, "2026-05-15")

    report = run(industry, back, THIRD_IMPORT, retract_missing=True)

    assert of(report, MODELS_SET).skipped == []
    assert of(report, MODELS_SET).created == 2
    revived = by_key(live_derived(industry))["Grok-2"]
    assert sorted(e["type"] for e in revived) == ["dependency.formed", "model.released"]
    assert {e["origin"]["snapshot"] for e in revived} == {"2026-05-15"}
    assert verified(industry)


def test_a_timeline_row_gone_from_the_snapshot_is_listed_and_retracted_when_asked(
    industry: Database, first: Path
) -> None:
    """A timeline expansion is keyed (data centre, its n-th row): the last of Colossus 1's rows
    removed, its expansion is missing (DESIGN §9.7)."""
    run(industry, first, FIRST_IMPORT)
    last = f"{COLOSSUS} (row 10)"
    (expansion,) = by_key(live_derived(industry))[last]
    later = later_snapshot(first, SECOND_SNAPSHOT)
    table = variants.read_csv(later / TIMELINES)
    rows = [i for i, r in enumerate(table.rows) if r[table.column("Data center")] == COLOSSUS]
    del table.rows[rows[-1]]
    variants.write_csv(later / TIMELINES, table)

    report = run(industry, later, SECOND_IMPORT, retract_missing=True)

    centres = of(report, CENTRES_SET, DATA_CENTRES)
    assert [m.key for m in centres.missing] == [last]
    assert centres.retracted == 1
    assert expansion["id"] not in {e["id"] for e in live_derived(industry)}
    assert verified(industry)


def test_a_key_an_analyst_corrected_by_hand_is_settled_and_never_derived_again(
    industry: Database, first: Path
) -> None:
    run(industry, first, FIRST_IMPORT)
    live = by_key(live_derived(industry))
    b200 = live["NVIDIA B200"][0]
    correction = event(
        "chip.launched", "2024-11-18", b200["payload"], supersedes=b200["id"],
        summary="NVIDIA ships the B200 (corrected from the datasheet)",
    )  # fmt: skip
    sandviken = live["Microsoft Sweden Sandviken"][0]
    retraction = event("event.retracted", "2026-03-11",
                       {"event": sandviken["id"], "reason": "a rumour, not a plan"})  # fmt: skip
    record(industry, correction, retraction, now=FIRST_IMPORT + timedelta(days=1))
    later = later_snapshot(first, SECOND_SNAPSHOT)
    variants.set_cell(later, HARDWARE, "NVIDIA B200", "Release date", "2024-12-01")

    before = {e["id"] for e in derived(industry)}

    for now in (SECOND_IMPORT, THIRD_IMPORT):
        report = run(industry, later, now)

        assert [s.key for s in of(report, HARDWARE_SET).settled] == ["NVIDIA B200"]
        assert [s.key for s in of(report, CLUSTERS_SET).settled] == ["Microsoft Sweden Sandviken"]
        assert of(report, HARDWARE_SET).conflicts == []  # settled: not a curated asset to match
        assert of(report, HARDWARE_SET).matched == 0
    written = {e["origin"]["key"] for e in derived(industry) if e["id"] not in before}
    assert written == {f"{FAIRWATER} (row 6)"}  # a plan no more; nothing of the settled keys
    keys = by_key(live_derived(industry))
    assert "NVIDIA B200" not in keys and "Microsoft Sweden Sandviken" not in keys
    hand = [e for e in exported(industry) if e["id"] == correction["id"]]
    assert hand[0]["occurred_on"] == "2024-11-18"
    assert verified(industry)


def test_a_cluster_whose_chip_changed_is_built_with_the_new_chip_only(
    industry: Database, first: Path
) -> None:
    """A row's facts changed (its chip): after the import (missing things retracted) the
    cluster has one built_with edge, on the new chip."""
    run(industry, first, FIRST_IMPORT)
    later = later_snapshot(first, SECOND_SNAPSHOT)
    variants.set_cell(later, CLUSTERS, "Tesla Cortex Phase 1", "Chip type (primary)", "NVIDIA A100")

    run(industry, later, SECOND_IMPORT, retract_missing=True)

    edges = [
        e for e in by_key(live_derived(industry))["Tesla Cortex Phase 1"]
        if e["type"] == "dependency.formed"
    ]  # fmt: skip
    assert [e["payload"]["on"]["asset"] for e in edges] == ["NVIDIA A100"]
    assert verified(industry)


def edges_known(database: Database, day: date, known_on: datetime | None) -> set[str]:
    """The ids of the events behind the day's `built_with` edges, as known on `known_on`."""
    graph = supply_chain.graph_of(database, day, known_on)
    return {str(i) for edge in graph.edges if edge.kind == "built_with" for i in edge.event_ids}


@pytest.mark.storage
def test_an_edge_a_kept_row_no_longer_gives_is_retracted_even_without_retract_missing(
    industry: Database, first: Path
) -> None:
    """The row is still there and says another chip: its old edge is retracted as a changed
    fact is superseded (`--retract-missing` is for rows gone, which say nothing), and `known_on`
    before the import still answers with the old edge."""
    run(industry, first, FIRST_IMPORT)
    (old_edge,) = [e for e in by_key(live_derived(industry))["Tesla Cortex Phase 1"]
                   if e["type"] == "dependency.formed"]  # fmt: skip
    later = later_snapshot(first, SECOND_SNAPSHOT)
    variants.set_cell(later, CLUSTERS, "Tesla Cortex Phase 1", "Chip type (primary)", "NVIDIA A100")
    first_head = head(industry)
    plan = run(industry, later, SECOND_IMPORT, dry_run=True)
    assert head(industry) == first_head
    assert (of(plan, CLUSTERS_SET).retracted, of(plan, CLUSTERS_SET).created) == (1, 1)

    report = run(industry, later, SECOND_IMPORT)

    assert of(report, CLUSTERS_SET).counts() == of(plan, CLUSTERS_SET).counts()
    clusters = of(report, CLUSTERS_SET)
    assert (clusters.created, clusters.superseded, clusters.retracted) == (1, 0, 1)
    assert clusters.missing == []
    assert [(n.key, n.text) for n in clusters.vanished] == [(
        "Tesla Cortex Phase 1",
        "the built_with edge on NVIDIA H100 SXM5 80GB: no longer given, retracted",
    )]  # fmt: skip
    assert any("no longer given" in line for line in report.lines())
    (new_edge,) = [e for e in by_key(live_derived(industry))["Tesla Cortex Phase 1"]
                   if e["type"] == "dependency.formed"]  # fmt: skip
    assert new_edge["payload"]["on"]["asset"] == "NVIDIA A100"
    (withdrawn,) = [e for e in derived(industry) if e["type"] == "event.retracted"]
    assert withdrawn["payload"]["event"] == old_edge["id"]
    assert SECOND_SNAPSHOT in withdrawn["payload"]["reason"]
    assert "Tesla Cortex Phase 1" in withdrawn["payload"]["reason"]
    assert withdrawn["origin"] == {
        "dataset": CLUSTERS_SET, "key": "Tesla Cortex Phase 1", "snapshot": SECOND_SNAPSHOT,
    }  # fmt: skip
    day, between = date(2025, 1, 1), SECOND_IMPORT - timedelta(days=1)
    assert old_edge["id"] in edges_known(industry, day, between)
    assert new_edge["id"] not in edges_known(industry, day, between)
    assert old_edge["id"] not in edges_known(industry, day, None)
    assert new_edge["id"] in edges_known(industry, day, None)
    assert verified(industry)
    before = head(industry)
    assert run(industry, later, THIRD_IMPORT).written == 0
    assert head(industry) == before


@pytest.mark.parametrize(
    ("file", "key", "column", "value", "gone"),
    [
        (CLUSTERS, "Microsoft Azure Meta AI Rental", "Users", "", ["partnership.formed"]),
        (MODELS, "Grok-2", "Training hardware", "", ["dependency.formed"]),
        (DATA_CENTRES, FAIRWATER, "Users", "", ["partnership.activated", "partnership.formed"]),
        (CLUSTERS, "Oak Ridge NL Summit", "Status", "Existing", ["asset.retired"]),
    ],
    ids=["a cluster's user removed", "a model's training chip gone", "a data centre's user "
         "removed", "a retirement undone"],
)  # fmt: skip
def test_what_a_kept_row_no_longer_gives_is_retracted_and_the_rest_stays(
    industry: Database, first: Path, file: str, key: str, column: str, value: str,
    gone: list[str],
) -> None:  # fmt: skip
    run(industry, first, FIRST_IMPORT)
    before = by_key(live_derived(industry))[key]
    later = later_snapshot(first, SECOND_SNAPSHOT)
    variants.set_cell(later, file, key, column, value)

    report = run(industry, later, SECOND_IMPORT)

    after = by_key(live_derived(industry)).get(key, [])
    kept = [e for e in before if e["type"] not in gone]
    assert [e["id"] for e in after] == [e["id"] for e in kept]  # the rest as it was
    retractions = [e for e in derived(industry) if e["type"] == "event.retracted"]
    targets = {e["id"]: e["type"] for e in before}
    # Latest first: an activation is retracted before the partnership it activates.
    assert [targets[r["payload"]["event"]] for r in retractions] == gone
    assert {r["origin"]["key"] for r in retractions} == {key}
    assert sum(f.retracted for f in report.files) == len(gone)
    assert [n.key for f in report.files for n in f.vanished] == [key] * len(gone)
    assert [n.key for f in report.files for n in f.missing] == []  # no row is gone
    assert verified(industry)
    assert run(industry, later, THIRD_IMPORT).written == 0


def test_a_partnership_a_kept_row_no_longer_gives_is_still_there_known_on_before_the_import(
    industry: Database, first: Path
) -> None:
    run(industry, first, FIRST_IMPORT)
    later = later_snapshot(first, SECOND_SNAPSHOT)
    variants.set_cell(later, CLUSTERS, "Microsoft Azure Meta AI Rental", "Users", "")
    run(industry, later, SECOND_IMPORT)
    between = SECOND_IMPORT - timedelta(days=1)

    def contracted(known_on: datetime | None) -> set[str]:
        stack = stacks.stack_of(industry, "meta", date(2025, 1, 1), known_on, use_cache=False)
        return {e.asset for e in stack.entries[Layer.COMPUTE] if e.relation == "partner"}

    assert "Microsoft Azure Meta AI Rental" in contracted(between)
    assert "Microsoft Azure Meta AI Rental" not in contracted(None)
