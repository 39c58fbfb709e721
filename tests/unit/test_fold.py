"""The reference fold (DESIGN §3): companies, assets, acquisitions and partnerships, as of a day."""

from __future__ import annotations

from stackline.domain.dates import PartialDate
from tests.unit.builders import Log, assets, entries, only_entry


def test_a_company_exists_from_its_registration_date():
    log = Log()
    log.register("openai", "OpenAI", on="2015-12-11")
    assert log.footprint("2015-12-10").company("openai") is None
    assert log.stack("openai", "2015-12-10").company is None
    facts = log.footprint("2015-12-11").company("openai")
    assert facts is not None and facts.name == "OpenAI"
    assert facts.founded == PartialDate.parse("2015-12-11")


def test_a_company_is_named_by_its_latest_rename_on_the_day():
    log = Log()
    log.register("facebook", "Facebook", on="2004-02-04")
    log.rename("facebook", "Meta", on="2021-10-28")
    log.rename("facebook", "Meta Platforms", on="2023-01")
    names = {
        d: log.stack("facebook", d).company.name
        for d in ("2021-10-27", "2021-10-28", "2022-12-31", "2023-01-01")
    }
    assert names == {
        "2021-10-27": "Facebook",
        "2021-10-28": "Meta",
        "2022-12-31": "Meta",
        "2023-01-01": "Meta Platforms",
    }


def test_a_company_owns_what_it_launches_in_the_launchs_layer():
    log = Log()
    log.register("google")
    tpu = log.chip("google", "TPU v5p", on="2023-12-06")
    log.compute("google", "Google Cloud", on="2008-04")
    log.model("google", "Gemini 1.0", on="2023-12-06")
    log.product("google", "Gemini app", on="2024-02-08")
    stack = log.stack("google", "2024-03-01")
    chip = only_entry(stack, "hardware")
    assert (chip.asset, chip.kind, chip.relation, chip.via) == ("TPU v5p", "chip", "owned", ())
    assert (chip.status, chip.since.text, chip.event_ids) == ("available", "2023-12-06", (tpu.id,))
    assert assets(stack, "compute") == ["Google Cloud"]
    assert only_entry(stack, "compute").kind == "cloud"
    assert assets(stack, "model") == ["Gemini 1.0"]
    assert assets(stack, "application") == ["Gemini app"]
    assert stack.owned_layers == ["hardware", "compute", "model", "application"]


def test_an_asset_appears_from_its_launch_date_only():
    log = Log()
    log.register("openai")
    log.model("openai", "GPT-4", on="2023-03-14")
    assert assets(log.stack("openai", "2023-03-13"), "model") == []
    assert assets(log.stack("openai", "2023-03-14"), "model") == ["GPT-4"]


def test_a_later_launch_of_the_same_name_updates_the_status_of_one_asset():
    log = Log()
    log.register("nvidia")
    announced = log.chip("nvidia", "Blackwell B200", on="2024-03-18", status="announced")
    available = log.chip("nvidia", "  blackwell   b200 ", on="2024-11-01")
    before = only_entry(log.stack("nvidia", "2024-10-31"), "hardware")
    assert (before.status, before.event_ids) == ("announced", (announced.id,))
    after = only_entry(log.stack("nvidia", "2024-11-01"), "hardware")
    assert after.status == "available"
    assert after.since == PartialDate.parse("2024-03-18")
    assert after.event_ids == (announced.id, available.id)


def test_the_same_name_in_another_layer_or_company_is_another_asset():
    log = Log()
    log.register("a")
    log.register("b")
    log.chip("a", "Atlas", on="2024-01-01")
    log.compute("a", "Atlas", on="2024-01-01")
    log.chip("b", "Atlas", on="2024-01-01")
    stack = log.stack("a", "2024-02-01")
    assert assets(stack, "hardware") == ["Atlas"] and assets(stack, "compute") == ["Atlas"]
    assert assets(log.stack("b", "2024-02-01"), "hardware") == ["Atlas"]


def test_retiring_an_asset_removes_it_from_the_retirement_date():
    log = Log()
    log.register("openai")
    log.model("openai", "GPT-3", on="2020-06-11")
    log.model("openai", "GPT-4", on="2023-03-14")
    log.retire("openai", "model", "gpt-3", on="2024-01-04")
    assert sorted(assets(log.stack("openai", "2024-01-03"), "model")) == ["GPT-3", "GPT-4"]
    assert assets(log.stack("openai", "2024-01-04"), "model") == ["GPT-4"]


def test_an_asset_launched_again_after_retirement_is_new_from_its_relaunch():
    log = Log()
    log.register("a")
    log.product("a", "Bot", on="2020-01-01")
    log.retire("a", "application", "Bot", on="2021-01-01")
    again = log.product("a", "Bot", on="2022-05-01")
    assert assets(log.stack("a", "2021-06-01"), "application") == []
    entry = only_entry(log.stack("a", "2022-06-01"), "application")
    assert (entry.since.text, entry.event_ids) == ("2022-05-01", (again.id,))


def acquisition_chain() -> tuple[Log, dict]:
    log = Log()
    for slug in ("a", "b", "c"):
        log.register(slug, slug.upper())
    made = {
        "launch": log.product("c", "Widget", on="2019-01-01"),
        "b_buys_c": log.acquire("b", "c", on="2020-01-01"),
        "a_buys_b": log.acquire("a", "b", on="2021-01-01"),
    }
    return log, made


def test_an_acquirer_owns_its_subsidiaries_assets_through_the_via_path():
    log, made = acquisition_chain()
    stack = log.stack("a", "2021-06-01")
    entry = only_entry(stack, "application")
    assert (entry.asset, entry.relation, entry.via) == ("Widget", "owned", ("b", "c"))
    assert set(entry.event_ids) == {made["launch"].id, made["b_buys_c"].id, made["a_buys_b"].id}
    assert entry.since.text == "2021-01-01"
    assert stack.subsidiaries == ("b",)
    assert only_entry(log.stack("b", "2021-06-01"), "application").via == ("c",)
    assert log.footprint("2021-06-01").company("c").parent == "b"
    assert stack.owned_layers == ["application"]


def test_a_subsidiarys_assets_roll_up_only_from_the_acquisition_date():
    log, _ = acquisition_chain()
    assert entries(log.stack("a", "2020-12-31"), "application") == []
    assert only_entry(log.stack("b", "2020-12-31"), "application").via == ("c",)
    assert entries(log.stack("b", "2019-12-31"), "application") == []


def test_an_announced_acquisition_changes_no_footprint():
    log = Log()
    log.register("a")
    log.register("b")
    log.product("b", "Widget", on="2019-01-01")
    log.add("acquisition.announced", "2020-01-01", {"acquirer": "a", "target": "b"})
    assert entries(log.stack("a", "2021-01-01"), "application") == []
    assert log.footprint("2021-01-01").company("b").parent is None


def test_a_later_acquisition_of_the_same_target_replaces_the_parent():
    log = Log()
    for slug in ("a", "b", "c"):
        log.register(slug)
    log.chip("c", "Chip", on="2019-01-01")
    log.acquire("a", "c", on="2020-01-01")
    log.acquire("b", "c", on="2022-01-01")
    assert assets(log.stack("a", "2021-01-01"), "hardware") == ["Chip"]
    assert assets(log.stack("b", "2021-01-01"), "hardware") == []
    assert assets(log.stack("a", "2022-01-01"), "hardware") == []
    assert only_entry(log.stack("b", "2022-01-01"), "hardware").via == ("c",)
    assert log.footprint("2022-01-01").company("c").parent == "b"
    assert log.stack("a", "2022-01-01").subsidiaries == ()


def partners_log() -> Log:
    log = Log()
    log.register("openai", "OpenAI")
    log.register("microsoft", "Microsoft")
    log.register("oracle", "Oracle")
    return log


def test_every_party_but_the_provider_gets_a_partner_entry_via_the_provider():
    log = partners_log()
    formed = log.partnership(
        ["openai", "oracle", "microsoft"],
        "compute",
        on="2019-07-22",
        provider="microsoft",
        asset="Azure",
    )
    for party in ("openai", "oracle"):
        entry = only_entry(log.stack(party, "2020-01-01"), "compute")
        assert (entry.asset, entry.kind, entry.relation) == ("Azure", "partnership", "partner")
        assert (entry.via, entry.status, entry.event_ids) == (
            ("microsoft",),
            "active",
            (formed.id,),
        )
    assert entries(log.stack("microsoft", "2020-01-01"), "compute") == []
    assert log.stack("openai", "2020-01-01").presence("compute") == "partner"


def test_a_partnership_without_an_asset_is_labelled_with_the_providers_name_on_the_day():
    log = partners_log()
    log.partnership(["openai", "microsoft"], "compute", on="2019-07-22", provider="microsoft")
    log.rename("microsoft", "Microsoft Corporation", on="2021-01-01")
    assert assets(log.stack("openai", "2020-01-01"), "compute") == ["Microsoft"]
    assert assets(log.stack("openai", "2021-01-01"), "compute") == ["Microsoft Corporation"]


def test_without_a_provider_every_party_gets_an_entry_via_the_other_parties():
    log = partners_log()
    log.partnership(["openai", "microsoft", "oracle"], "model", on="2024-01-01")
    entry = only_entry(log.stack("openai", "2024-02-01"), "model")
    assert (entry.asset, entry.via) == (
        "Partnership with Microsoft, Oracle",
        ("microsoft", "oracle"),
    )
    entry = only_entry(log.stack("oracle", "2024-02-01"), "model")
    assert (entry.asset, entry.via) == (
        "Partnership with OpenAI, Microsoft",
        ("openai", "microsoft"),
    )


def test_a_partnership_ends_on_the_day_of_its_ended_event():
    log = partners_log()
    formed = log.partnership(["openai", "oracle"], "compute", on="2024-06", provider="oracle")
    assert entries(log.stack("openai", "2024-05-31"), "compute") == []
    log.end(formed, on="2025-03-10")
    assert assets(log.stack("openai", "2025-03-09"), "compute") == ["Oracle"]
    assert entries(log.stack("openai", "2025-03-10"), "compute") == []


def test_a_partnership_ends_at_the_start_of_its_ends_on():
    log = partners_log()
    log.partnership(
        ["openai", "oracle"], "compute", on="2024-06", provider="oracle", ends_on="2025-Q2"
    )
    assert assets(log.stack("openai", "2025-03-31"), "compute") == ["Oracle"]
    assert entries(log.stack("openai", "2025-04-01"), "compute") == []


def test_an_announced_partnership_is_only_planned():
    log = partners_log()
    log.partnership(
        ["openai", "oracle"], "compute", on="2024-06", provider="oracle", status="announced"
    )
    stack = log.stack("openai", "2024-07-01")
    assert only_entry(stack, "compute").status == "announced"
    assert stack.presence("compute") == "planned"
    assert stack.covered_layers == []


def test_co_developers_of_a_launch_get_a_partner_entry_via_the_owner():
    log = Log()
    log.register("google", "Google")
    log.register("broadcom", "Broadcom")
    launch = log.chip("google", "TPU v4", on="2021-05-18", partners=["broadcom", "google"])
    entry = only_entry(log.stack("broadcom", "2021-06-01"), "hardware")
    assert (entry.asset, entry.kind, entry.relation, entry.via) == (
        "TPU v4",
        "chip",
        "partner",
        ("google",),
    )
    assert (entry.status, entry.event_ids) == ("available", (launch.id,))
    assert [e.relation for e in entries(log.stack("google", "2021-06-01"), "hardware")] == ["owned"]


def test_a_co_developer_added_by_a_later_launch_is_a_partner_since_that_launch():
    log = Log()
    log.register("google")
    log.register("broadcom")
    log.chip("google", "TPU v6", on="2024-01-10", status="announced")
    log.chip("google", "TPU v6", on="2024-06-01", partners=["broadcom"])
    assert entries(log.stack("broadcom", "2024-05-31"), "hardware") == []
    entry = only_entry(log.stack("broadcom", "2024-07-01"), "hardware")
    assert entry.since.text == "2024-06-01"


def test_a_subsidiarys_partner_entries_roll_up_to_its_parent():
    log = partners_log()
    log.register("holdco", "HoldCo")
    formed = log.partnership(["openai", "oracle"], "compute", on="2024-06", provider="oracle")
    buy = log.acquire("holdco", "openai", on="2024-09")
    entry = only_entry(log.stack("holdco", "2024-10-01"), "compute")
    assert (entry.relation, entry.via, entry.asset) == ("partner", ("openai", "oracle"), "Oracle")
    assert entry.event_ids == (formed.id, buy.id)


def test_an_ownership_cycle_does_not_make_the_roll_up_loop_forever():
    log = Log()
    log.register("a")
    log.register("b")
    log.chip("b", "Chip", on="2019-01-01")
    log.acquire("a", "b", on="2020-01-01")
    log.acquire("b", "a", on="2021-01-01")  # refused by the append rules; the fold must cope
    stack = log.stack("a", "2021-06-01")
    assert [(e.asset, e.via) for e in entries(stack, "hardware")] == [("Chip", ("b",))]
    assert stack.company.parent == "b"
