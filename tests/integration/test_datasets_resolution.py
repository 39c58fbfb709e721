"""Epoch AI's spellings made into the log's companies and assets (DESIGN §9.2 Organizations and
Matching, §9.7), rows that cannot be written, malformed files and dry runs — on fixture logs
and hand-cut copies of the real files.

The fixture log names companies as Epoch does not quite spell them (`Nvidia`, aliases in odd
case and spacing), so resolution is seen to fold case and spaces; DeepMind is Google's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from stackline.adapters.epoch import read_epoch
from stackline.domain.values import Layer
from stackline.services import datasets as dataset_service
from stackline.services import stacks
from stackline.services.datasets import DatasetFailed
from stackline.store.units_of_work import Database
from tests.integration.builders import acquired, event, launched, registered
from tests.integration.epoch_support import (
    CENTRES_SET,
    CLUSTERS_SET,
    FIRST_IMPORT,
    FIRST_SNAPSHOT,
    HARDWARE_SET,
    MODELS_SET,
    SECOND_IMPORT,
    company_aliased,
    cut_snapshot,
    derived,
    exported,
    head,
    of,
    record,
    run,
    start_lines,
    verified,
)
from tests.unit.adapters import variants
from tests.unit.adapters.variants import CLUSTERS, DATA_CENTRES, HARDWARE, MODELS, read_csv

ROWS = {
    HARDWARE: [
        "NVIDIA H100 SXM5 80GB", "NVIDIA B200", "Google TPU v4", "Google TPU v5e",
        "AMD Instinct MI300X", "AMD Instinct MI325X",
    ],
    MODELS: ["Gemini 1.0 Ultra", "PaLI-3", "Falcon-40B", "Cambrian-1-34B", "Grok-1", "Grok 3"],
    CLUSTERS: [
        "Google TPU v4 Pod", "Gemini 1.0 Ultra training cluster A", "Magic G4 Google Cloud Rental",
        "Google Hypercomputer TPU v5p pod", "Google Oklahoma TPU v4 Pods",
        "Gemini 1.0 Ultra training cluster B", "Fluidstack France Gigawatt Campus",
    ],
    DATA_CENTRES: ["Google Mayes County Oklahoma", "Microsoft Fairwater Fayetteville Georgia"],
}  # fmt: skip


def industry_log(xai_founded: str = "2015") -> list[dict[str, object]]:
    return [
        registered("nvidia", "1993", "Nvidia"),
        registered("google", "1998", "Google"),
        registered("deepmind", "2010", "DeepMind"),
        acquired("google", "deepmind", "2014-01-26"),
        company_aliased("google", "google   CLOUD", "GOOGLE research", on="2010"),
        company_aliased("deepmind", "Google DeepMind", on="2023-04-20"),
        registered("xai", xai_founded, "xAI"),
        registered("microsoft", "1975", "Microsoft"),
        registered("openai", "2015", "OpenAI"),
    ]


@pytest.fixture
def industry(database: Database) -> Database:
    record(database, *industry_log())
    return database


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    return cut_snapshot(tmp_path, FIRST_SNAPSHOT, ROWS)


def launches(database: Database, dataset: str) -> dict[str, dict[str, object]]:
    """The payloads of the launches a dataset gave, by row key."""
    return {
        e["origin"]["key"]: e["payload"]
        for e in derived(database, dataset)
        if e["type"] in ("chip.launched", "model.released", "compute.launched")
    }


def test_organizations_resolve_through_names_and_aliases_whatever_their_case_and_spaces(
    industry: Database, snapshot: Path
) -> None:
    variants.set_cell(snapshot, MODELS, "Grok 3", "Organization", "  XAI ")
    run(industry, snapshot, FIRST_IMPORT)

    chips, models = launches(industry, HARDWARE_SET), launches(industry, MODELS_SET)
    assert chips["NVIDIA B200"]["company"] == "nvidia"  # `NVIDIA`, named `Nvidia`
    assert chips["Google TPU v4"]["company"] == "google"
    assert models["Gemini 1.0 Ultra"]["company"] == "deepmind"  # the alias `Google DeepMind`
    assert models["Grok 3"]["company"] == "xai"
    # PaLI-3 is by Google DeepMind with Google Research and Google Cloud: one partner, Google.
    assert (models["PaLI-3"]["company"], models["PaLI-3"]["partners"]) == ("deepmind", ["google"])
    centres = launches(industry, CENTRES_SET)
    assert centres["Google Mayes County Oklahoma"]["company"] == "google"  # `Google Cloud #…`
    assert verified(industry)


def test_an_unresolved_organization_skips_its_rows_and_is_listed_with_them(
    industry: Database, snapshot: Path
) -> None:
    report = run(industry, snapshot, FIRST_IMPORT)

    lines = start_lines(snapshot / HARDWARE, "Hardware name")
    amd = ["AMD Instinct MI300X", "AMD Instinct MI325X"]
    assert sorted((n.file, n.line, n.key) for n in report.unresolved["AMD"]) == sorted(
        (HARDWARE, lines[key], key) for key in amd
    )
    skipped = {n.key: n.text for n in of(report, HARDWARE_SET).skipped}
    assert skipped.keys() == set(amd) and "'AMD'" in skipped[amd[0]]
    assert not set(amd) & launches(industry, HARDWARE_SET).keys()
    assert launches(industry, HARDWARE_SET).keys() == set(ROWS[HARDWARE]) - set(amd)
    # Models by organizations no company is named by are skipped alike, each listed.
    assert {"Technology Innovation Institute", "New York University (NYU)"} <= set(
        report.unresolved
    )
    assert {"Falcon-40B", "Cambrian-1-34B"} <= {n.key for n in of(report, MODELS_SET).skipped}
    assert "amd" not in {e["payload"].get("company") for e in exported(industry)}


def test_rows_the_adapter_gives_no_events_are_skipped_and_listed_with_why(
    industry: Database, snapshot: Path
) -> None:
    """No owner, an existing cluster without a date, a possible duplicate (DESIGN §9.2.1, §9.7):
    listed in the report with their lines, beside what the adapter noted of rows it kept."""
    report = run(industry, snapshot, FIRST_IMPORT)

    clusters = of(report, CLUSTERS_SET)
    lines = start_lines(snapshot / CLUSTERS, "Name")
    skipped = {n.key: (n.line, n.text) for n in clusters.skipped}
    assert skipped["Fluidstack France Gigawatt Campus"] == (
        lines["Fluidstack France Gigawatt Campus"], "no owner: the row names no Owner",
    )  # fmt: skip
    assert skipped["Magic G4 Google Cloud Rental"][1].startswith("no first operational date")
    assert skipped["Gemini 1.0 Ultra training cluster B"][1] == (
        "possible duplicate: possible duplicate of Google Oklahoma TPU v4 Pods"
    )
    assert len(skipped) == 3  # every other row resolved
    assert ("Google TPU v4 Pod", "user is an owner: Google: no partnership") in {
        (n.key, n.text) for n in clusters.notes
    }
    text = "\n".join(report.lines())
    assert "Fluidstack France Gigawatt Campus — no owner" in text and "noted:" in text
    assert of(report, CLUSTERS_SET).counts()["skipped"] == 3


def test_register_unknown_registers_owners_and_makers_but_never_users(
    industry: Database, snapshot: Path
) -> None:
    report = run(industry, snapshot, FIRST_IMPORT, register_unknown=True)

    registrations = {
        e["payload"]["company"]: e for e in exported(industry) if e["type"] == "company.registered"
    }
    amd = registrations["amd"]
    assert amd["payload"] == {"company": "amd", "name": "AMD", "kind": "other"}
    assert amd["occurred_on"] == "2023"  # the year of its earliest row (MI300X, 2023-12-06)
    assert amd["confidence"] == "speculative"
    assert "founding date" in amd["details"] and amd["origin"]["dataset"].startswith("epoch-ai/")
    assert "amd" in report.registered and "AMD" not in report.unresolved
    chips = launches(industry, HARDWARE_SET)
    assert chips["AMD Instinct MI300X"]["company"] == "amd"
    tii = registrations["technology-innovation-institute"]
    assert (tii["occurred_on"], tii["confidence"]) == ("2023", "speculative")
    # Users are never registered: `Cloud` stays a name no company has.
    assert report.unresolved_users["Cloud"] >= 1
    assert not {"cloud", "magic"} & registrations.keys()
    assert verified(industry)


def test_register_unknown_takes_the_kind_from_the_organization_categorization(
    industry: Database, snapshot: Path
) -> None:
    """DESIGN §9.7: Academia → academic, Government → government, Industry → other; a maker
    (AMD, of the hardware file) has no categorization and is `other`."""
    run(industry, snapshot, FIRST_IMPORT, register_unknown=True)

    kinds = {
        e["payload"]["company"]: e["payload"]["kind"]
        for e in derived(industry)
        if e["type"] == "company.registered"
    }
    assert kinds == {
        "technology-innovation-institute": "government",  # Falcon-40B: `Government`
        "new-york-university-nyu": "academic",  # Cambrian-1-34B: `Academia`
        "amd": "other",
    }
    assert verified(industry)


@pytest.mark.parametrize(
    ("organization", "kind"),
    [
        ("New York University (NYU)", "academic"),  # `Academia` in every row
        ("technology  innovation INSTITUTE", "government"),  # `Government`; any case and spacing
        ("OpenAI", "other"),  # `Industry`
        ("Saudi Aramco", "other"),  # `Industry,Government` for it alone: a mix
        ("EleutherAI", "other"),  # `Research collective`: no kind of its own
        ("Nobody Epoch Names", "other"),
    ],
)
def test_the_kind_an_organization_is_registered_with_is_read_from_the_real_file(
    organization: str, kind: str
) -> None:
    reading = read_epoch([variants.REAL_SNAPSHOT / MODELS])

    assert reading.kind_of(organization) == kind


def test_categories_are_paired_with_organizations_by_position_only_when_the_lists_line_up(
    snapshot: Path,
) -> None:
    both = "New York University (NYU),Technology Innovation Institute"
    variants.set_cell(snapshot, MODELS, "Cambrian-1-34B", "Organization", both)
    variants.set_cell(snapshot, MODELS, "Cambrian-1-34B", "Organization categorization",
                      "Academia,Government")  # fmt: skip
    variants.set_cell(snapshot, MODELS, "Falcon-40B", "Organization", "Grok Research Lab")
    paired = read_epoch([snapshot])
    assert paired.kind_of("New York University (NYU)") == "academic"
    assert paired.kind_of("Technology Innovation Institute") == "government"
    assert paired.kind_of("Grok Research Lab") == "government"  # Falcon-40B's `Government`

    variants.set_cell(snapshot, MODELS, "Cambrian-1-34B", "Organization categorization",
                      "Academia")  # fmt: skip
    unpaired = read_epoch([snapshot])
    assert unpaired.kind_of("New York University (NYU)") == "other"  # whose `Academia`?
    assert unpaired.kind_of("Technology Innovation Institute") == "other"

    variants.set_cell(snapshot, MODELS, "Cambrian-1-34B", "Organization categorization",
                      "Academia,Industry")  # fmt: skip
    variants.set_cell(snapshot, MODELS, "Falcon-40B", "Organization",
                      "Technology Innovation Institute")  # fmt: skip
    mixed = read_epoch([snapshot])
    assert mixed.kind_of("Technology Innovation Institute") == "other"  # Industry, Government


def test_users_in_the_owners_ownership_group_make_no_partnership(
    industry: Database, snapshot: Path
) -> None:
    report = run(industry, snapshot, FIRST_IMPORT)

    partnerships = [e for e in derived(industry) if e["type"] == "partnership.formed"]
    # Google DeepMind uses Google Cloud's Pryor campus: DeepMind is Google's, no contract.
    assert {tuple(sorted(e["payload"]["parties"])) for e in partnerships} == {
        ("microsoft", "openai")  # OpenAI on Microsoft's Fairwater: a contract
    }
    assert report.same_group_users >= 1
    assert verified(industry)


def test_a_curated_asset_named_by_an_alias_is_matched_and_the_rows_other_events_attach_to_it(
    industry: Database, snapshot: Path
) -> None:
    record(
        industry,
        launched("chip", "nvidia", "H100", "2022-09", aliases=["NVIDIA H100 SXM5 80GB"]),
        launched("chip", "google", "TPU v4", "2021"),
        event("asset.aliased", "2021", {"company": "google", "layer": "hardware",
                                        "asset": "TPU v4", "aliases": ["google tpu V4"]}),
    )  # fmt: skip

    report = run(industry, snapshot, FIRST_IMPORT)

    chips = launches(industry, HARDWARE_SET)
    assert "NVIDIA H100 SXM5 80GB" not in chips and "Google TPU v4" not in chips
    assert of(report, HARDWARE_SET).matched == 2
    assert of(report, HARDWARE_SET).conflicts == []  # 2022-09-20 is in 2022-09, 2021-05-20 in 2021
    chip_launches = [e for e in exported(industry) if e["type"] == "chip.launched"]
    assert sum(e["payload"]["chip"] == "H100" for e in chip_launches) == 1
    edges = {
        (e["origin"]["key"], e["payload"]["kind"]): e["payload"]["on"]
        for e in derived(industry)
        if e["type"] == "dependency.formed"
    }
    on_tpu = {"company": "google", "layer": "hardware", "asset": "TPU v4"}
    assert edges[("Gemini 1.0 Ultra", "trained_on")] == on_tpu
    assert edges[("Google TPU v4 Pod", "built_with")] == on_tpu
    assert edges[("Grok 3", "trained_on")] == {
        "company": "nvidia", "layer": "hardware", "asset": "H100",
    }  # fmt: skip
    assert verified(industry)
    before = head(industry)
    assert run(industry, snapshot, SECOND_IMPORT).written == 0
    assert head(industry) == before


def test_a_model_curated_under_the_parent_is_matched_by_a_row_of_its_subsidiary(
    industry: Database, snapshot: Path
) -> None:
    """Gemini 1.0 Ultra recorded as Google's; Epoch credits Google DeepMind (DeepMind, owned by
    Google): one ownership group, so one model, and its training edge attaches to Google's."""
    record(industry, launched("chip", "google", "TPU v4", "2021", aliases=["Google TPU v4"]),
           launched("model", "google", "Gemini 1.0 Ultra", "2023-12"))  # fmt: skip

    report = run(industry, snapshot, FIRST_IMPORT)

    assert "Gemini 1.0 Ultra" not in launches(industry, MODELS_SET)
    assert of(report, MODELS_SET).matched == 1 and of(report, MODELS_SET).conflicts == []
    (edge,) = [
        e for e in derived(industry, MODELS_SET)
        if e["origin"]["key"] == "Gemini 1.0 Ultra" and e["type"] == "dependency.formed"
    ]  # fmt: skip
    assert edge["payload"]["from"] == {
        "company": "google", "layer": "model", "asset": "Gemini 1.0 Ultra",
    }  # fmt: skip
    assert verified(industry)


def test_a_date_disagreement_beyond_both_precisions_is_a_conflict_listed_with_both_dates(
    industry: Database, snapshot: Path
) -> None:
    record(industry, launched("chip", "nvidia", "H100", "2022-03-22",
                              aliases=["NVIDIA H100 SXM5 80GB"]))  # fmt: skip

    report = run(industry, snapshot, FIRST_IMPORT)

    (conflict,) = of(report, HARDWARE_SET).conflicts
    assert conflict.key == "NVIDIA H100 SXM5 80GB"
    assert conflict.line == start_lines(snapshot / HARDWARE, "Hardware name")[conflict.key]
    assert "2022-09-20" in conflict.text and "2022-03-22" in conflict.text
    assert "NVIDIA H100 SXM5 80GB" not in launches(industry, HARDWARE_SET)  # matched all the same
    assert verified(industry)


def test_an_available_row_for_an_announced_only_curated_asset_adds_the_available_launch(
    industry: Database, snapshot: Path
) -> None:
    record(industry, launched("chip", "nvidia", "B200", "2024-03-18", status="announced",
                              aliases=["NVIDIA B200"]))  # fmt: skip

    report = run(industry, snapshot, FIRST_IMPORT)

    (delivery,) = [e for e in derived(industry) if e["origin"]["key"] == "NVIDIA B200"]
    assert (delivery["occurred_on"], delivery["payload"]) == (
        "2024-11-15", {"company": "nvidia", "chip": "B200", "status": "available"},
    )  # fmt: skip
    assert of(report, HARDWARE_SET).matched >= 1 and of(report, HARDWARE_SET).conflicts == []
    stack = stacks.stack_of(industry, "nvidia", date(2024, 12, 1), use_cache=False)
    b200 = [e for e in stack.entries[Layer.HARDWARE] if e.asset == "B200"]
    assert [e.status for e in b200] == ["available"]
    assert verified(industry)


def test_a_matched_facilitys_events_attach_to_it_and_those_before_it_are_conflicts(
    industry: Database, tmp_path: Path
) -> None:
    """xAI's Colossus recorded by hand (available September 2024), aliased by Epoch's handle:
    the data centre's row is matched, its expansions name the curated facility, and the ones
    dated before the curated launch are conflicts, left out (DESIGN §9.7)."""
    record(
        industry,
        launched("compute", "xai", "Colossus", "2024-09"),
        event("asset.aliased", "2024-09", {"company": "xai", "layer": "compute",
              "asset": "Colossus", "aliases": ["xAI Colossus 1 Memphis Tennessee"]}),
    )  # fmt: skip
    snapshot = cut_snapshot(tmp_path, FIRST_SNAPSHOT, {DATA_CENTRES: [
        "xAI Colossus 1 Memphis Tennessee"]})  # fmt: skip

    report = run(industry, snapshot, FIRST_IMPORT)

    events = derived(industry, CENTRES_SET)
    assert {e["type"] for e in events} == {"compute.expanded"}  # no second launch
    assert {e["payload"]["facility"] for e in events} == {"Colossus"}
    timeline = read_csv(snapshot / variants.TIMELINES).records()
    after = {r["Date"] for r in timeline if r["Date"] >= "2024-09"}
    assert {e["occurred_on"] for e in events} <= after
    centres = of(report, CENTRES_SET, DATA_CENTRES)
    assert centres.matched == 1
    assert any("2024-08-11" in c.text for c in centres.conflicts)  # 44 MW before September
    stack = stacks.stack_of(industry, "xai", date(2026, 1, 1), use_cache=False)
    assert [e.asset for e in stack.entries[Layer.COMPUTE]] == ["Colossus"]
    assert verified(industry)


def test_a_row_whose_events_break_a_rule_is_skipped_and_listed_with_the_rule(
    database: Database, snapshot: Path
) -> None:
    record(database, *industry_log(xai_founded="2024-03"))  # after Grok-1 (2023-11-04)

    report = run(database, snapshot, FIRST_IMPORT)

    skipped = {n.key: n.text for n in of(report, MODELS_SET).skipped}
    assert "Grok-1" in skipped and "breaks a rule" in skipped["Grok-1"]
    assert "'xai' was founded on 2024-03, after 2023-11-04" in skipped["Grok-1"]
    models = launches(database, MODELS_SET)
    assert "Grok-1" not in models and models["Grok 3"]["company"] == "xai"
    assert "Gemini 1.0 Ultra" in models
    assert verified(database)


def drop_column(folder: Path) -> None:
    table = read_csv(folder / HARDWARE)
    index = table.column("Release date")
    del table.header[index]
    for row in table.rows:
        del row[index]
    variants.write_csv(folder / HARDWARE, table)


def unknown_file(folder: Path) -> None:
    (folder / "notes.csv").write_text("Handle name,Remark\nA,b\n", encoding="utf-8")


MALFORMED: list[tuple[str, Callable[[Path], None], str, str | None, str | None]] = [
    ("a missing column", drop_column, HARDWARE, "1", "Release date"),
    (
        "an unreadable date",
        lambda f: variants.set_cell(f, HARDWARE, "NVIDIA B200", "Release date", "2024-13-45"),
        HARDWARE,
        "NVIDIA B200",
        "Release date",
    ),
    (
        "a number that is not one",
        lambda f: variants.set_cell(f, CLUSTERS, "Google TPU v4 Pod", "H100 equivalents", "lots"),
        CLUSTERS,
        "Google TPU v4 Pod",
        "H100 equivalents",
    ),
    ("an unknown header", unknown_file, "notes.csv", "1", None),
]


@pytest.mark.parametrize(
    ("spoil", "file", "line", "column"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_a_malformed_file_is_refused_naming_file_line_and_column_and_nothing_is_written(
    industry: Database,
    snapshot: Path,
    spoil: Callable[[Path], None],
    file: str,
    line: str,
    column: str | None,
) -> None:
    before = head(industry)
    spoil(snapshot)
    if not line.isdigit():  # a row's key: the line its record starts on
        key_column = variants.KEY_COLUMNS[file]
        line = str(start_lines(snapshot / file, key_column)[line])

    with pytest.raises(DatasetFailed) as failed:
        run(industry, snapshot, FIRST_IMPORT)

    message = str(failed.value)
    assert f"{file}, line {line}" in message
    if column is not None:
        assert f"column {column!r}" in message
    assert head(industry) == before  # the other files, well-formed, gave nothing either
    assert dataset_service.runs(industry) == []


def test_a_dry_run_writes_nothing_and_reports_what_the_import_would_write(
    industry: Database, snapshot: Path
) -> None:
    before = head(industry)

    plan = run(industry, snapshot, FIRST_IMPORT, dry_run=True)

    assert head(industry) == before
    assert dataset_service.runs(industry) == []
    assert plan.written > 10 and plan.lines()[0].endswith(f"would write {plan.written} events.")
    done = run(industry, snapshot, FIRST_IMPORT)
    assert {**done.as_dict(), "dry_run": True} == plan.as_dict()
    assert len(derived(industry)) == plan.written
    assert [run_["snapshot"] for run_ in dataset_service.runs(industry)] == [FIRST_SNAPSHOT]
    assert verified(industry)
