"""Capacity, owned and contracted (DESIGN §9.6): the rules on hand-built logs, through the fold."""

from __future__ import annotations

from typing import Any

from stackline.domain.capacity import capacity_on
from stackline.domain.capacity_series import capacity_ranking, capacity_series
from stackline.domain.events import Event
from stackline.domain.fold import fold_capacity
from tests.unit.builders import Log, day


def facility(
    log: Log, company: str, name: str, on: str, status: str = "available", **sizes: Any
) -> Event:
    payload = {"company": company, "facility": name, "kind": "datacenter", "status": status}
    return log.add("compute.launched", on, {**payload, **sizes})


def expand(log: Log, company: str, name: str, on: str, status: str = "available", **sizes: Any):
    payload = {"company": company, "facility": name, "status": status, **sizes}
    return log.add("compute.expanded", on, payload)


def totals(log: Log, slug: str, on: str) -> tuple[Any, ...]:
    return capacity_on(fold_capacity(log.events), slug, day(on)).totals


def test_a_facility_counts_its_launch_size_from_the_day_it_is_available():
    log = Log()
    log.register("xai")
    facility(log, "xai", "Colossus", "2024-03", status="announced", capacity_mw=150)
    facility(log, "xai", "Colossus", "2024-09-02", capacity_mw=150, h100e=100_000)
    assert totals(log, "xai", "2024-06-01") == (0, 0, 0, 0)
    assert totals(log, "xai", "2024-09-02") == (150, 100_000, 0, 0)


def test_an_available_expansion_replaces_the_size_field_by_field_and_a_planned_one_does_not():
    log = Log()
    log.register("xai")
    facility(log, "xai", "Colossus", "2024-09-02", capacity_mw=150, h100e=100_000)
    expand(log, "xai", "Colossus", "2025-02", h100e=200_000)
    expand(log, "xai", "Colossus", "2025-06", status="announced", capacity_mw=1000)
    assert totals(log, "xai", "2025-01-31") == (150, 100_000, 0, 0)
    assert totals(log, "xai", "2025-07-01") == (150, 200_000, 0, 0)


def test_a_retired_facility_counts_nothing():
    log = Log()
    log.register("meta")
    facility(log, "meta", "RSC", "2022-01", capacity_mw=20)
    log.retire("meta", "compute", "RSC", on="2025-01")
    assert totals(log, "meta", "2024-12-31") == (20, 0, 0, 0)
    assert totals(log, "meta", "2025-01-01") == (0, 0, 0, 0)


def test_a_parent_owns_its_subsidiaries_facilities_through_them():
    log = Log()
    log.register("spacex")
    log.register("xai")
    facility(log, "xai", "Colossus", "2024-09", capacity_mw=150)
    log.acquire("spacex", "xai", on="2026-02-02")
    point = capacity_on(fold_capacity(log.events), "spacex", day("2026-03-01"))
    assert point.totals == (150, 0, 0, 0)
    assert [(f.facility, f.relation, f.via) for f in point.facilities] == [
        ("Colossus", "owned", ("xai",))
    ]
    assert totals(log, "spacex", "2026-02-01") == (0, 0, 0, 0)


def test_an_active_compute_contract_counts_the_named_facility_of_the_provider():
    log = Log()
    for slug in ("openai", "oracle"):
        log.register(slug)
    site = facility(log, "oracle", "Stargate Abilene", "2025-01", capacity_mw=295, h100e=60_000)
    deal = log.partnership(
        ["openai", "oracle"], "compute", on="2025-01-21", provider="oracle",
        asset="stargate abilene",
    )  # fmt: skip
    point = capacity_on(fold_capacity(log.events), "openai", day("2025-02-01"))
    assert point.totals == (0, 0, 295, 60_000)
    (share,) = point.facilities
    assert (share.company, share.relation, share.via) == ("oracle", "contracted", ("oracle",))
    assert share.event_ids == (str(deal.id), str(site.id))
    log.end(deal, on="2025-06")
    assert totals(log, "openai", "2025-06-01") == (0, 0, 0, 0)


def test_an_announced_contract_counts_nothing_until_it_is_activated():
    log = Log()
    for slug in ("openai", "oracle"):
        log.register(slug)
    facility(log, "oracle", "Abilene", "2025-01", capacity_mw=295)
    deal = log.partnership(
        ["openai", "oracle"], "compute", on="2025-01-21", provider="oracle", asset="Abilene",
        status="announced",
    )  # fmt: skip
    log.add("partnership.activated", "2025-07", {"partnership": str(deal.id)})
    assert totals(log, "openai", "2025-06-30") == (0, 0, 0, 0)
    assert totals(log, "openai", "2025-07-01") == (0, 0, 295, 0)


def test_a_contract_finds_its_facility_by_alias_in_the_providers_group_on_its_date():
    log = Log()
    for slug in ("anthropic", "spacex", "xai"):
        log.register(slug)
    facility(log, "xai", "Colossus", "2024-09", capacity_mw=300)
    log.add(
        "asset.aliased", "2024-10",
        {"company": "xai", "layer": "compute", "asset": "Colossus", "aliases": ["Memphis"]},
    )  # fmt: skip
    log.acquire("spacex", "xai", on="2026-02-02")
    log.partnership(
        ["anthropic", "spacex"], "compute", on="2026-05", provider="spacex", asset="Memphis"
    )
    point = capacity_on(fold_capacity(log.events), "anthropic", day("2026-06-30"))
    assert point.totals == (0, 0, 300, 0)
    assert point.facilities[0].company == "xai"


def test_a_contract_naming_no_facility_is_listed_with_its_amount_and_never_counted():
    log = Log()
    for slug in ("microsoft", "coreweave"):
        log.register(slug)
    money = {"amount": 10e9, "currency": "USD", "basis": "total", "estimated": True}
    deal = log.add(
        "partnership.formed", "2023",
        {"parties": ["microsoft", "coreweave"], "layer": "compute", "provider": "coreweave",
         "asset": "CoreWeave Cloud", "amount": money, "status": "active"},
    )  # fmt: skip
    point = capacity_on(fold_capacity(log.events), "microsoft", day("2024-01-01"))
    assert point.totals == (0, 0, 0, 0)
    (unmatched,) = point.unmatched
    assert unmatched.as_dict() == {
        "partnership": str(deal.id), "company": "microsoft", "provider": "coreweave",
        "asset": "CoreWeave Cloud", "amount": money, "via": ["coreweave"],
    }  # fmt: skip


def test_the_match_is_fixed_on_the_partnerships_date():
    log = Log()
    for slug in ("openai", "oracle"):
        log.register(slug)
    log.partnership(
        ["openai", "oracle"], "compute", on="2024-01", provider="oracle", asset="Abilene"
    )
    facility(log, "oracle", "Abilene", "2025-01", capacity_mw=295)
    point = capacity_on(fold_capacity(log.events), "openai", day("2025-06-01"))
    assert point.totals == (0, 0, 0, 0)
    assert [u.asset for u in point.unmatched] == ["Abilene"]


def test_a_partnership_within_one_ownership_group_is_not_contracted_capacity():
    log = Log()
    for slug in ("spacex", "xai"):
        log.register(slug)
    facility(log, "xai", "Colossus", "2024-09", capacity_mw=150)
    log.partnership(["spacex", "xai"], "compute", on="2024-10", provider="xai", asset="Colossus")
    assert totals(log, "spacex", "2025-01-01") == (0, 0, 150, 0)
    log.acquire("spacex", "xai", on="2026-02-02")
    assert totals(log, "spacex", "2026-03-01") == (150, 0, 0, 0)


def test_each_facility_is_counted_once_however_many_contracts_name_it():
    log = Log()
    for slug in ("google", "deepmind", "oracle"):
        log.register(slug)
    log.acquire("google", "deepmind", on="2014")
    facility(log, "oracle", "OCI", "2023", capacity_mw=100)
    first = log.partnership(["google", "oracle"], "compute", on="2024", provider="oracle",
                            asset="OCI")  # fmt: skip
    second = log.partnership(["deepmind", "oracle"], "compute", on="2024-06", provider="oracle",
                             asset="OCI")  # fmt: skip
    point = capacity_on(fold_capacity(log.events), "google", day("2025-01-01"))
    assert point.totals == (0, 0, 100, 0)
    (share,) = point.facilities
    assert set(share.event_ids) >= {str(first.id), str(second.id)}


def test_a_series_has_a_row_for_its_first_day_and_one_per_change_of_a_total():
    log = Log()
    log.register("xai", on="2023")
    facility(log, "xai", "Colossus", "2024-09-02", capacity_mw=150)
    log.add("asset.aliased", "2024-10",
            {"company": "xai", "layer": "compute", "asset": "Colossus", "aliases": ["C1"]})  # fmt: skip
    expand(log, "xai", "Colossus", "2025-02", capacity_mw=300)
    series = capacity_series(fold_capacity(log.events), "xai", day("2023-01-01"), day("2026-01-01"))
    assert [(p.on.isoformat(), p.totals[0]) for p in series.points] == [
        ("2023-01-01", 0), ("2024-09-02", 150), ("2025-02-01", 300),
    ]  # fmt: skip


def test_the_ranking_lists_top_level_companies_with_capacity_by_total_h100e():
    log = Log()
    for slug in ("amazon", "openai", "oracle", "idle", "spacex", "xai"):
        log.register(slug)
    facility(log, "amazon", "Rainier", "2025-01", h100e=500_000)
    facility(log, "oracle", "Abilene", "2025-01", h100e=60_000)
    facility(log, "xai", "Colossus", "2025-01", h100e=60_000)
    log.acquire("spacex", "xai", on="2025-02")
    log.partnership(["openai", "oracle"], "compute", on="2025-03", provider="oracle",
                    asset="Abilene")  # fmt: skip
    ranks = capacity_ranking(fold_capacity(log.events), day("2025-06-01"))
    assert [(r.slug, r.total_h100e) for r in ranks] == [
        ("amazon", 500_000), ("openai", 60_000), ("oracle", 60_000), ("spacex", 60_000),
    ]  # fmt: skip
