"""The seed's compute adds up (issue 24 item 4; DESIGN §9.6, §9.7): Anthropic's, OpenAI's and
SpaceX's owned and contracted capacity on 2026-06-30, in the seeded database with the bundled
Epoch snapshot imported, come from the facilities and contracts the answer lists — each
facility once (phases are expansions of one facility, clusters inside a data centre count as
the data centre) — and a contract whose asset names no facility is listed with its amount and
never counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from stackline.adapters.epoch import SAME_SITES
from stackline.domain.capacity_series import capacity_series
from stackline.domain.fold import fold_capacity
from stackline.domain.values import fold_name
from stackline.services import capacity, stacks
from stackline.services.datasets import ImportOptions, import_epoch
from stackline.services.recording import record_event
from stackline.services.runtime import bundled_snapshot, load_seed
from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database
from tests.integration.builders import event
from tests.integration.test_projections_match_fold import stored_events

DAY = date(2026, 6, 30)
IMPORTED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CHECKED = ("anthropic", "openai", "spacex")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("capacity-seed")
    database = Database(make_engine(f"sqlite:///{folder / 'stackline.db'}"))
    upgrade(database.engine)
    load_seed(database)
    import_epoch(database, [bundled_snapshot()], ImportOptions(), "capacity-test", IMPORTED)
    yield database
    database.dispose()


def on_day(database: Database, slug: str) -> dict[str, Any]:
    answer = capacity.company_capacity(database, slug, DAY, DAY).as_dict()
    (row,) = answer["series"]
    return {**row, "unmatched": answer["contracts_without_facility"]}


def total(row: dict[str, Any], relation: str, figure: str) -> float:
    return sum(f[figure] or 0 for f in row["facilities"] if f["relation"] == relation)


@pytest.mark.parametrize("slug", CHECKED)
def test_the_totals_are_the_sums_of_the_facilities_listed_each_counted_once(
    seeded: Database, slug: str
) -> None:
    row = on_day(seeded, slug)
    for relation in ("owned", "contracted"):
        for figure in ("mw", "h100e"):
            listed = total(row, relation, "capacity_mw" if figure == "mw" else figure)
            assert row[f"{relation}_{figure}"] == pytest.approx(listed), (slug, relation, figure)
    sites = [(f["company"], fold_name(f["facility"])) for f in row["facilities"]]
    assert len(sites) == len(set(sites)), sites
    assert row["owned_h100e"] + row["contracted_h100e"] > 0, slug


@pytest.mark.parametrize("slug", CHECKED)
def test_each_facility_is_one_the_companys_stack_holds_that_day(
    seeded: Database, slug: str
) -> None:
    """Owned: an available compute asset of the company or a subsidiary (the stack's owned
    entries, with the subsidiary path). Contracted: a live active compute partnership of the
    company (its partner entries carry the partnership's id, the first of the facility's)."""
    row = on_day(seeded, slug)
    stack = stacks.stack_of(seeded, slug, DAY).as_dict()
    entries = stack["layers"]["compute"]["entries"]
    owned = {(fold_name(e["asset"]), tuple(e["via"])) for e in entries if e["relation"] == "owned"}
    deals = {i for e in entries if e["relation"] == "partner" for i in e["event_ids"]}
    for facility in row["facilities"]:
        if facility["relation"] == "owned":
            assert (fold_name(facility["facility"]), tuple(facility["via"])) in owned, facility
        else:
            assert facility["event_ids"][0] in deals, facility


def test_clusters_inside_a_data_centre_are_not_facilities_of_their_own(seeded: Database) -> None:
    listed = {
        fold_name(f["facility"]) for slug in CHECKED for f in on_day(seeded, slug)["facilities"]
    }
    assert not listed & {fold_name(site.cluster) for site in SAME_SITES}


def test_what_the_answers_name(seeded: Database) -> None:
    """The contracts the seed records with their facility as `asset`, found (§9.7)."""
    named = {
        slug: {(f["facility"], f["relation"], tuple(f["via"])) for f in on_day(seeded, slug)["facilities"]}
        for slug in CHECKED
    }  # fmt: skip
    assert ("Colossus", "owned", ("xai",)) in named["spacex"]
    assert ("Colossus", "contracted", ("spacex",)) in named["anthropic"]
    assert ("Stargate Abilene", "contracted", ("oracle",)) in named["openai"]


def test_the_stored_answers_are_the_folds(seeded: Database) -> None:
    facts = fold_capacity(stored_events(seeded))
    for slug in CHECKED:
        stored = capacity.company_capacity(seeded, slug, None, DAY).series
        assert stored.as_dict() == capacity_series(facts, slug, stored.start, DAY).as_dict()


def test_a_contract_without_a_facility_shows_its_amount_and_counts_nothing(
    seeded: Database,
) -> None:
    before = on_day(seeded, "anthropic")
    money = {"amount": 2e9, "currency": "USD", "basis": "per_year", "estimated": True}
    deal = event(
        "partnership.formed", "2026-04",
        {"parties": ["anthropic", "oracle"], "layer": "compute", "provider": "oracle",
         "asset": "A site nobody has named", "amount": money, "status": "active"},
    )  # fmt: skip
    record_event(seeded, deal, "tester")
    after = on_day(seeded, "anthropic")
    keys = ("owned_mw", "owned_h100e", "contracted_mw", "contracted_h100e")
    assert [after[k] for k in keys] == [before[k] for k in keys]
    (listed,) = [u for u in after["unmatched"] if u["partnership"] == deal["id"]]
    assert listed == {
        "partnership": deal["id"], "company": "anthropic", "provider": "oracle",
        "asset": "A site nobody has named", "amount": money, "via": ["oracle"],
    }  # fmt: skip


README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readmes_example_answer_is_the_ranking_of_the_bundled_data(seeded: Database) -> None:
    """README "How much compute": who ranks first on 2025-12-31 by owned H100e, and by owned
    plus contracted."""
    ranks = [r.as_dict() for r in capacity.ranking(seeded, date(2025, 12, 31)).ranks]
    by_owned = sorted(ranks, key=lambda r: (-r["owned_h100e"], r["slug"]))[0]
    assert (by_owned["slug"], by_owned["owned_h100e"], by_owned["owned_mw"]) == (
        "amazon", 719_271, pytest.approx(1140.732),
    )  # fmt: skip
    first = ranks[0]
    assert (first["slug"], first["total_h100e"], first["owned_h100e"]) == ("openai", 785_835, 0)
    text = README.read_text(encoding="utf-8").split("## How much compute", 1)[1]
    assert "719,271" in text and "1,140.7 MW" in text and "785,835" in text
