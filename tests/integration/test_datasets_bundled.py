"""The bundled Epoch AI snapshot imported into the seeded database (DESIGN §9.2 The default
picture; issue 20 item 7): facts an analyst can check in the CSV files themselves, the report's
counts against counts the test makes from the files, capacity counted once, a second import
that writes nothing, and pages that cost what they cost without the data.

Nothing here pins a number that depends on the seed's aliases (which decide which rows
resolve and which match curated assets): every expected value is read from the CSVs with `csv`,
for rows picked deterministically among those that gave events of their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from stackline.adapters.epoch import SAME_SITES
from stackline.services.datasets import ImportOptions, import_epoch
from stackline.services.datasets.report import DatasetReport
from stackline.services.runtime import bundled_snapshot, load_seed
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from tests.integration.epoch_support import (
    CENTRES_SET,
    CLUSTERS_SET,
    HARDWARE_SET,
    MODELS_SET,
    exported,
    folded,
    head,
    of,
    verified,
)
from tests.unit.adapters.variants import (
    CLUSTERS,
    DATA_CENTRES,
    HARDWARE,
    MODELS,
    TIMELINES,
    read_csv,
)
from tests.web.conftest import make_app
from tests.web.test_statement_counts import Counts, cost

IMPORTED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
AGAIN = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
SNAPSHOT = bundled_snapshot()


def rows(name: str) -> list[dict[str, str]]:
    """A bundled file's records as `csv` reads them (blank records left out)."""
    return [r for r in read_csv(SNAPSHOT / name).records() if any(v.strip() for v in r.values())]


def names(cell: str) -> list[str]:
    return [folded(n) for n in cell.split(",") if n.strip()]


def whole(cell: str) -> int:
    return int(float(cell) + 0.5)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DatasetReport]]:
    """The seeded database with the bundled snapshot imported (read by every test here)."""
    folder = tmp_path_factory.mktemp("bundled")
    database = Database(make_engine(f"sqlite:///{folder / 'stackline.db'}"))
    upgrade(database.engine)
    load_seed(database)
    report = import_epoch(database, [SNAPSHOT], ImportOptions(), "bundled-test", IMPORTED)
    yield database, report
    database.dispose()


@pytest.fixture(scope="module")
def log(bundled: tuple[Database, DatasetReport]) -> list[dict[str, Any]]:
    return exported(bundled[0])


@pytest.fixture(scope="module")
def companies(log: list[dict[str, Any]]) -> dict[str, str]:
    """Every folded name and alias of the log's companies → its slug (read from the export)."""
    found: dict[str, str] = {}
    for e in log:
        p = e["payload"]
        if e["type"] in ("company.registered", "company.renamed"):
            found.setdefault(folded(p["name"]).casefold(), p["company"])
        if e["type"] in ("company.registered", "company.aliased"):
            for alias in p.get("aliases") or ():
                found.setdefault(folded(alias).casefold(), p["company"])
    return found


@pytest.fixture(scope="module")
def by_origin(log: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in log:
        if e["origin"] is not None:
            found.setdefault((e["origin"]["dataset"], e["origin"]["key"]), []).append(e)
    return found


def slug(companies: dict[str, str], name: str) -> str:
    return companies[folded(name).casefold()]


def one(events: list[dict[str, Any]], event_type: str) -> dict[str, Any]:
    (found,) = [e for e in events if e["type"] == event_type]
    return found


def launched_here(
    by_origin: dict[tuple[str, str], list[dict[str, Any]]], dataset: str, key: str, kind: str
) -> dict[str, Any] | None:
    """The row's own launch, if it gave one (a row matched to a curated asset gives none)."""
    found = [e for e in by_origin.get((dataset, folded(key)), []) if e["type"] == kind]
    return found[0] if len(found) == 1 else None


# --- facts an analyst can check in the files ---------------------------------------------------


def test_a_chips_maker_and_release_day_are_the_hardware_files(
    by_origin: dict[tuple[str, str], list[dict[str, Any]]], companies: dict[str, str]
) -> None:
    chip = next(
        r for r in rows(HARDWARE)
        if r["Release date"] and launched_here(by_origin, HARDWARE_SET, r["Hardware name"],
                                               "chip.launched")
    )  # fmt: skip
    launch = launched_here(by_origin, HARDWARE_SET, chip["Hardware name"], "chip.launched")
    assert launch is not None
    assert launch["payload"]["company"] == slug(companies, chip["Manufacturer"])  # fact 1
    assert launch["occurred_on"] == chip["Release date"]  # fact 2
    assert launch["payload"]["status"] == "available"
    assert launch["payload"]["chip"] == folded(chip["Hardware name"])
    own = [s["url"] for s in launch["sources"] if s["publisher"] != "Epoch AI"]
    assert own and all(url in chip["Link to datasheet"] for url in own)


def expected_access(row: dict[str, str]) -> str:
    offered = row["Model accessibility"].casefold()
    if "open weights" in offered:
        code = row["Training code accessibility"].casefold()
        return "fully_open" if code == "open source" else "open_weights"
    return "unreleased" if offered == "unreleased" else "closed"


def asset_names(log: list[dict[str, Any]], layer: str, name: str) -> set[str]:
    """An asset's folded name and every alias the log gives it (on a launch, or later)."""
    field = {"hardware": "chip", "compute": "facility", "model": "model"}[layer]
    found = {folded(name).casefold()}
    for e in log:
        p = e["payload"]
        if folded(str(p.get(field, ""))).casefold() in found or (
            e["type"] == "asset.aliased" and p["layer"] == layer
            and folded(p["asset"]).casefold() in found
        ):  # fmt: skip
            found |= {folded(a).casefold() for a in p.get("aliases") or ()}
    return found


def test_a_models_organization_access_and_base_model_are_the_models_files(
    by_origin: dict[tuple[str, str], list[dict[str, Any]]],
    companies: dict[str, str],
    log: list[dict[str, Any]],
) -> None:
    model = next(
        r for r in rows(MODELS)
        if r["Base model"] and "open weights" in r["Model accessibility"].casefold()
        and launched_here(by_origin, MODELS_SET, r["Model"], "model.released")
    )  # fmt: skip
    release = launched_here(by_origin, MODELS_SET, model["Model"], "model.released")
    assert release is not None
    payload = release["payload"]
    assert payload["company"] == slug(companies, model["Organization"].split(",")[0])  # fact 3
    assert payload["access"] == expected_access(model)  # fact 4
    base = payload["base_model"]["model"]  # Epoch's name, or a curated model's it aliases
    assert names(model["Base model"])[0].casefold() in asset_names(log, "model", base)  # fact 5
    assert release["occurred_on"] == model["Publication date"]
    # And a model kept unreleased says so.
    kept = next(
        r for r in rows(MODELS)
        if r["Model accessibility"] == "Unreleased"
        and launched_here(by_origin, MODELS_SET, r["Model"], "model.released")
    )  # fmt: skip
    unreleased = launched_here(by_origin, MODELS_SET, kept["Model"], "model.released")
    assert unreleased is not None and unreleased["payload"]["access"] == "unreleased"


def test_a_clusters_owner_chip_h100e_and_first_operational_day_are_the_clusters_files(
    by_origin: dict[tuple[str, str], list[dict[str, Any]]], companies: dict[str, str]
) -> None:
    def fits(r: dict[str, str]) -> bool:
        launch = launched_here(by_origin, CLUSTERS_SET, r["Name"], "compute.launched")
        chip = r["Chip type (primary)"]
        return (
            launch is not None and r["Status"] == "Existing" and r["H100 equivalents"] != ""
            and r["First Operational Date Note"] == r["First Operational Date"]
            and launched_here(by_origin, HARDWARE_SET, chip, "chip.launched") is not None
        )  # fmt: skip

    cluster = next(r for r in rows(CLUSTERS) if fits(r))
    events = by_origin[(CLUSTERS_SET, folded(cluster["Name"]))]
    launch = one(events, "compute.launched")
    assert launch["payload"]["company"] == slug(companies, cluster["Owner"].split(",")[0])  # 6
    assert launch["payload"]["h100e"] == whole(cluster["H100 equivalents"])  # fact 7
    assert launch["occurred_on"] == cluster["First Operational Date"]  # fact 8
    assert launch["payload"]["status"] == "available"
    assert launch["payload"]["kind"] == "supercomputer"
    edge = one(events, "dependency.formed")
    assert edge["payload"]["kind"] == "built_with"
    assert edge["payload"]["on"]["asset"] == folded(cluster["Chip type (primary)"])  # fact 9
    assert edge["payload"]["from"]["asset"] == launch["payload"]["facility"]


def test_a_data_centres_capacity_on_two_dates_is_the_timelines_file(
    by_origin: dict[tuple[str, str], list[dict[str, Any]]], companies: dict[str, str]
) -> None:
    centre = next(
        r for r in rows(DATA_CENTRES)
        if launched_here(by_origin, CENTRES_SET, r["Handle"], "compute.launched")
    )  # fmt: skip
    handle = folded(centre["Handle"])
    timeline = sorted(
        (r for r in rows(TIMELINES) if folded(r["Data center"]) == handle), key=lambda r: r["Date"]
    )
    launch = launched_here(by_origin, CENTRES_SET, handle, "compute.launched")
    assert launch is not None
    owner = centre["Owner"].split("#")[0]
    assert launch["payload"]["company"] == slug(companies, owner)
    assert launch["payload"]["facility"] == folded(centre["Title"])
    assert launch["occurred_on"] == timeline[0]["Date"]
    assert launch["payload"]["capacity_mw"] == float(timeline[0]["Power (MW)"])  # fact 10
    # Its n-th timeline row (in file order) is the key `handle (row n)`.
    in_file = [r for r in rows(TIMELINES) if folded(r["Data center"]) == handle]
    expansions = {
        key: one(events, "compute.expanded")
        for (dataset, key), events in by_origin.items()
        if dataset == CENTRES_SET and key.startswith(f"{handle} (row ")
    }
    key, expansion = min(expansions.items(), key=lambda item: item[1]["occurred_on"])
    row = in_file[int(key.rsplit(" (row ", 1)[1][:-1]) - 1]
    assert expansion["payload"]["capacity_mw"] == float(row["Power (MW)"])  # fact 11
    assert expansion["occurred_on"] == row["Date"]
    assert float(row["Power (MW)"]) != float(timeline[0]["Power (MW)"])


# --- the report against the files ----------------------------------------------------------------


def is_foundation(r: dict[str, str]) -> bool:
    """DESIGN §9.2.1's filter, written again from the text."""
    published = r["Publication date"]
    if not published or published < "2018-01-01":
        return False
    categories = {c.casefold() for c in names(r["Organization categorization"])}
    domains = {d.casefold() for d in names(r["Domain"])}
    return (
        r["Frontier model"] == "True"
        or float(r["Training compute (FLOP)"] or 0) >= 1e23
        or float(r["Parameters"] or 0) >= 1e10
        or (published >= "2023-01-01" and "industry" in categories
            and bool(domains & {"language", "multimodal"}))
    )  # fmt: skip


def cluster_skips() -> dict[str, str]:
    """The cluster rows DESIGN §9.2.1/§9.7 skip, by key: possible duplicates of another row, rows
    without owner, existing or decommissioned rows without a first operational date."""
    found = {}
    for r in rows(CLUSTERS):
        if r["Possible Duplicate Of"].strip():
            found[folded(r["Name"])] = "possible duplicate"
        elif not r["Owner"].strip():
            found[folded(r["Name"])] = "no owner"
        elif r["Status"] != "Planned" and not r["First Operational Date"]:
            found[folded(r["Name"])] = "no first operational date"
    return found


def test_the_reports_counts_agree_with_counts_made_from_the_files(
    bundled: tuple[Database, DatasetReport],
    by_origin: dict[tuple[str, str], list[dict[str, Any]]],
) -> None:
    _, report = bundled
    for name in (HARDWARE, MODELS, CLUSTERS, DATA_CENTRES, TIMELINES):
        assert of(report, _dataset(name), name).rows == len(rows(name)), name
    models = of(report, MODELS_SET)
    assert models.filtered_out == sum(not is_foundation(r) for r in rows(MODELS))
    made = Counter(dataset for (dataset, _), events in by_origin.items() for _ in events)
    centres = of(report, CENTRES_SET, DATA_CENTRES), of(report, CENTRES_SET, TIMELINES)
    assert made[CENTRES_SET] == sum(f.created for f in centres)
    for dataset in (HARDWARE_SET, MODELS_SET, CLUSTERS_SET):
        assert made[dataset] == of(report, dataset).created, dataset
    for file in report.files:
        assert (file.superseded, file.unchanged, file.retracted) == (0, 0, 0)
        # Each row read is left out by the filter, skipped, or gives events (its own or, matched
        # to a curated asset, perhaps none): never two of these, never none.
        keyed = {k for (d, k) in by_origin if d == file.dataset and " (row " not in k}
        skipped = {n.key for n in file.skipped}
        assert not keyed & skipped, file.file
        if file.file == TIMELINES:
            continue  # its rows are the data centres'
        given = file.rows - file.filtered_out
        assert len(keyed) + len(skipped) <= given, file.file
        assert given <= len(keyed) + len(skipped) + file.matched + _without_events(file.file)
    skips = {n.key: n.text for n in of(report, CLUSTERS_SET).skipped}
    for key, reason in cluster_skips().items():
        assert skips[key].startswith(reason), key
    hardware = of(report, HARDWARE_SET)
    no_maker = {folded(r["Hardware name"]) for r in rows(HARDWARE) if not r["Manufacturer"]}
    assert no_maker <= {n.key for n in hardware.skipped}
    # Every organization listed as unresolved names the rows it skipped.
    listed = {(n.file, n.key) for rows_ in report.unresolved.values() for n in rows_}
    unresolved_skips = {
        (f.file, n.key) for f in report.files for n in f.skipped if "names no company" in n.text
    }
    assert listed == unresolved_skips


def _dataset(name: str) -> str:
    return {HARDWARE: HARDWARE_SET, MODELS: MODELS_SET, CLUSTERS: CLUSTERS_SET,
            DATA_CENTRES: CENTRES_SET, TIMELINES: CENTRES_SET}[name]  # fmt: skip


def _without_events(name: str) -> int:
    """Cluster rows that may give no event at all: a phase of a site counted as a data centre
    whose users and chip an earlier phase already gave."""
    if name != CLUSTERS:
        return 0
    return sum(1 for r in rows(CLUSTERS) if r["Builds Upon"].strip())


# --- capacity counted once -------------------------------------------------------------------


def chain_root(name: str, by_name: dict[str, dict[str, str]]) -> str:
    seen = {name}
    while (parent := folded(by_name.get(name, {}).get("Builds Upon", ""))) and parent not in seen:
        seen.add(parent)
        name = parent
    return name


def test_clusters_on_a_data_centres_site_and_phases_give_no_facility_of_their_own(
    by_origin: dict[tuple[str, str], list[dict[str, Any]]], log: list[dict[str, Any]]
) -> None:
    by_name = {folded(r["Name"]): r for r in rows(CLUSTERS)}
    same_site = {folded(s.cluster).casefold() for s in SAME_SITES}
    for key, r in by_name.items():
        events = by_origin.get((CLUSTERS_SET, key), [])
        types = {e["type"] for e in events}
        if chain_root(key, by_name).casefold() in same_site:
            assert not types & {"compute.launched", "compute.expanded"}, key  # the centre counts
        elif r["Builds Upon"].strip():
            assert "compute.launched" not in types, key  # a phase: an expansion
        if r["Possible Duplicate Of"].strip():
            assert not events, key
    # xAI's Colossus: Epoch's clusters `xAI Colossus Memphis Phase 1…3` are the data centre.
    facilities = {
        e["payload"]["facility"] for e in log if e["type"] == "compute.launched"
    }  # fmt: skip
    assert not {f for f in facilities if "colossus memphis" in f.casefold()}
    colossus = [k for (d, k) in by_origin if d == CLUSTERS_SET and "Colossus Memphis" in k]
    assert colossus  # the rows were read, and gave edges to the data centre at most
    for key in colossus:
        for e in by_origin[(CLUSTERS_SET, key)]:
            assert e["type"] in ("dependency.formed", "partnership.formed")


def test_the_log_verifies_and_a_second_import_writes_nothing(
    tmp_path: Path,
) -> None:
    database = Database(make_engine(f"sqlite:///{tmp_path / 'again.db'}"))
    try:
        upgrade(database.engine)
        load_seed(database)
        first = import_epoch(database, [SNAPSHOT], ImportOptions(), "bundled-test", IMPORTED)
        assert verified(database)
        before = head(database)

        again = import_epoch(database, [SNAPSHOT], ImportOptions(), "bundled-test", AGAIN)

        assert again.written == 0 and head(database) == before
        for file in again.files:
            assert file.unchanged == of(first, file.dataset, file.file).created
        assert verified(database)
    finally:
        database.dispose()


# --- pages cost what they cost ---------------------------------------------------------------

PAGES = [
    "/?as_of=2026-03-01",
    "/trends?from=2015&to=2026",
    "/graph?as_of=2026-03-01",
    "/plans?as_of=2026-03-01",
    "/companies/xai?as_of=2026-03-01&compare=2025-01-01",
    "/companies/nvidia?as_of=2026-03-01",
    "/capacity?as_of=2026-03-01&compare=2025-01-01",
]


@pytest.fixture
def seeded_app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    load_seed(app.extensions["stackline.database"])
    yield app
    app.extensions["stackline.database"].dispose()


def test_pages_answer_in_as_many_statements_with_the_bundled_data_as_without(
    seeded_app: Flask,
) -> None:
    from sqlalchemy import event as sql_event

    database: Database = seeded_app.extensions["stackline.database"]
    counts = Counts()

    def statement(*_: object) -> None:
        counts.statements += 1

    def transaction(*_: object) -> None:
        counts.transactions += 1

    sql_event.listen(database.engine, "before_cursor_execute", statement)
    sql_event.listen(database.engine, "begin", transaction)
    try:
        client = seeded_app.test_client()
        for url in PAGES:  # what a first request does once (caches filled) is not the page's
            cost(client, counts, url)
        before = {url: cost(client, counts, url) for url in PAGES}
        import_epoch(database, [SNAPSHOT], ImportOptions(), "bundled-test", IMPORTED)
        after = {url: cost(client, counts, url) for url in PAGES}
    finally:
        sql_event.remove(database.engine, "before_cursor_execute", statement)
        sql_event.remove(database.engine, "begin", transaction)
    for url in PAGES:
        assert after[url].transactions == before[url].transactions == 1, url
        # One statement fewer at most: once the log holds derived events, the credit in the
        # footer asks no more (`shows_open_data`).
        assert after[url].statements <= before[url].statements, (url, before[url], after[url])
        assert after[url].statements <= 30, url
