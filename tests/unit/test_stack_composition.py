"""Composing stacks from the fold (DESIGN §3): stakes, presence, certainty, integration, matrix, diff."""

from __future__ import annotations

from stackline.domain.diff import diff_stacks
from stackline.domain.stack import compose_matrix
from stackline.domain.values import Layer
from tests.unit.builders import Log, day, entries, only_entry


def investment_log() -> tuple[Log, dict]:
    log = Log()
    log.register("microsoft", "Microsoft")
    log.register("openai", "OpenAI")
    made = {
        "model": log.model("openai", "GPT-4", on="2023-03-14"),
        "app": log.product("openai", "ChatGPT", on="2022-11-30"),
        "invest": log.invest("microsoft", "openai", on="2023-01-23"),
    }
    return log, made


def test_an_investor_gets_a_stake_in_each_layer_where_the_investee_owns_something():
    log, made = investment_log()
    stack = log.stack("microsoft", "2023-06-01")
    # The stake dates from the later of the investment and the investee's asset in the layer.
    for layer, since in (("model", "2023-03-14"), ("application", "2023-01-23")):
        stake = only_entry(stack, layer)
        assert (stake.asset, stake.kind, stake.relation) == ("OpenAI", "investment", "stake")
        assert (stake.via, stake.event_ids, stake.since.text) == (
            ("openai",),
            (made["invest"].id,),
            since,
        )
        assert stack.presence(Layer(layer)) == "stake"
    assert entries(stack, "hardware") == [] and entries(stack, "compute") == []
    assert stack.owned_layers == [] and stack.covered_layers == []


def test_a_stake_follows_the_investees_owned_layers_on_the_day():
    log, _ = investment_log()
    stack = log.stack("microsoft", "2023-02-01")
    assert [layer.value for layer in Layer if entries(stack, layer.value)] == ["application"]


def test_a_stake_counts_the_investees_subsidiaries_owned_entries():
    log, _ = investment_log()
    log.register("chipco", "ChipCo")
    log.chip("chipco", "Tensor One", on="2020-01-01")
    log.acquire("openai", "chipco", on="2023-05-01")
    stake = only_entry(log.stack("microsoft", "2023-06-01"), "hardware")
    assert (stake.asset, stake.relation, stake.via) == ("OpenAI", "stake", ("openai",))
    assert entries(log.stack("microsoft", "2023-04-30"), "hardware") == []


def test_an_announced_asset_makes_no_stake_until_it_is_available():
    log, _ = investment_log()
    log.chip("openai", "Jalapeño", on="2023-04-01", status="announced")
    assert entries(log.stack("microsoft", "2023-06-01"), "hardware") == []
    log.chip("openai", "Jalapeño", on="2023-09-01")
    stake = only_entry(log.stack("microsoft", "2023-10-01"), "hardware")
    assert (stake.relation, stake.since.text) == ("stake", "2023-09-01")


def test_a_stake_ignores_the_investees_partner_entries():
    log, _ = investment_log()
    log.register("oracle", "Oracle")
    log.partnership(["openai", "oracle"], "compute", on="2023-02-01", provider="oracle")
    assert entries(log.stack("microsoft", "2023-06-01"), "compute") == []


def test_a_stake_shows_the_investees_name_on_the_day():
    log, _ = investment_log()
    log.rename("openai", "OpenAI Group", on="2025-10-28")
    assert only_entry(log.stack("microsoft", "2025-10-28"), "model").asset == "OpenAI Group"


def test_repeated_investments_in_one_investee_give_one_stake_since_the_first():
    log, made = investment_log()
    again = log.invest("microsoft", "openai", on="2023-09-01")
    stake = only_entry(log.stack("microsoft", "2023-10-01"), "application")
    assert stake.event_ids == (made["invest"].id, again.id)
    assert stake.since.text == "2023-01-23"


def test_stakes_roll_up_from_subsidiaries():
    log, made = investment_log()
    log.register("holdco", "HoldCo")
    buy = log.acquire("holdco", "microsoft", on="2024-01-01")
    stake = only_entry(log.stack("holdco", "2024-02-01"), "model")
    assert (stake.relation, stake.via) == ("stake", ("microsoft", "openai"))
    assert stake.event_ids == (made["invest"].id, buy.id)


def presence_log() -> Log:
    log = Log()
    for slug in ("me", "provider", "investee"):
        log.register(slug)
    log.chip("investee", "Chip", on="2020-01-01")
    log.model("investee", "Model", on="2020-01-01")
    log.invest("me", "investee", on="2020-02-01")
    return log


def test_presence_prefers_owned_then_partner_then_stake():
    log = presence_log()
    log.chip("me", "My chip", on="2020-03-01")
    log.partnership(["me", "provider"], "hardware", on="2020-03-01", provider="provider")
    log.partnership(["me", "provider"], "model", on="2020-03-01", provider="provider")
    stack = log.stack("me", "2020-04-01")
    assert {e.relation for e in stack.entries[Layer.HARDWARE]} == {"owned", "partner", "stake"}
    presence = {layer.value: stack.presence(layer) for layer in Layer}
    assert presence == {
        "hardware": "owned",
        "compute": "none",
        "model": "partner",
        "application": "none",
    }
    assert log.stack("me", "2020-02-15").presence(Layer.MODEL) == "stake"


def test_an_announced_owned_entry_alone_is_planned():
    log = Log()
    log.register("xai")
    log.compute("xai", "Colossus 2", on="2025-03", status="announced")
    stack = log.stack("xai", "2025-04-01")
    assert stack.presence(Layer.COMPUTE) == "planned"
    assert stack.owned_layers == [] and stack.covered_layers == []


def test_an_announced_owned_entry_gives_way_to_a_stake_and_to_an_active_partner():
    log = presence_log()
    log.chip("me", "Future chip", on="2020-03-01", status="announced")
    assert log.stack("me", "2020-04-01").presence(Layer.HARDWARE) == "stake"
    log.partnership(["me", "provider"], "hardware", on="2020-03-01", provider="provider")
    assert log.stack("me", "2020-04-01").presence(Layer.HARDWARE) == "partner"


def test_an_entry_seen_from_inside_its_events_month_is_uncertain():
    log = Log()
    log.register("openai", on="2015-12-11")
    log.product("openai", "Sora", on="2024-12")
    assert only_entry(log.stack("openai", "2024-12-15"), "application").certain is False
    assert only_entry(log.stack("openai", "2024-12-31"), "application").certain is True
    assert only_entry(log.stack("openai", "2025-01-01"), "application").certain is True


def test_a_rolled_up_entry_is_uncertain_while_its_acquisition_period_runs():
    log = Log()
    log.register("a")
    log.register("b")
    log.product("b", "Widget", on="2019-01-01")
    log.acquire("a", "b", on="2024")
    assert only_entry(log.stack("b", "2024-06-01"), "application").certain is True
    assert only_entry(log.stack("a", "2024-06-01"), "application").certain is False
    assert only_entry(log.stack("a", "2025-01-01"), "application").certain is True


def test_an_entry_takes_the_weakest_confidence_of_its_events():
    log = Log()
    log.register("a")
    log.chip("a", "Chip", on="2020-01-01", status="announced")
    log.chip("a", "Chip", on="2021-01-01", confidence="likely")
    assert only_entry(log.stack("a", "2020-06-01"), "hardware").confidence == "confirmed"
    assert only_entry(log.stack("a", "2021-06-01"), "hardware").confidence == "likely"


def test_integration_lists_owned_and_covered_layers_bottom_to_top():
    log = presence_log()
    log.product("me", "App", on="2020-03-01")
    log.partnership(["me", "provider"], "compute", on="2020-03-01", provider="provider")
    stack = log.stack("me", "2020-04-01")
    assert stack.owned_layers == ["application"]
    assert stack.covered_layers == ["compute", "application"]
    assert stack.as_dict()["integration"] == {
        "owned_layers": ["application"],
        "covered_layers": ["compute", "application"],
    }


def matrix_log() -> Log:
    log = Log()
    log.register("small", "Small")
    log.register("big", "Big")
    log.register("sub", "Sub")
    log.register("late", "Late", on="2030")
    log.product("small", "App", on="2020-01-01")
    for layer_launch in (log.chip, log.product):
        layer_launch("big", "Thing", on="2020-01-01")
    log.model("sub", "Model", on="2020-01-01")
    log.acquire("big", "sub", on="2020-06-01")
    return log


def test_the_matrix_ranks_companies_by_owned_layers_and_leaves_out_subsidiaries():
    footprint = matrix_log().footprint("2021-01-01")
    rows = compose_matrix(footprint, ["small", "sub", "late", "big"])
    assert [row.slug for row in rows] == ["big", "small"]
    assert rows[0].owned_layers == ["hardware", "model", "application"]
    assert rows[0].as_dict()["layers"]["compute"] == "none"


def test_the_matrix_ranks_owned_layers_above_partner_coverage():
    log = matrix_log()
    log.register("renter", "Renter")
    for layer in ("hardware", "compute", "model"):
        log.partnership(["renter", "big"], layer, on="2020-02-01", provider="big")
    rows = compose_matrix(log.footprint("2021-01-01"), ["renter", "small", "big"])
    assert [(row.slug, len(row.owned_layers), len(row.covered_layers)) for row in rows] == [
        ("big", 3, 3),
        ("small", 1, 1),
        ("renter", 0, 3),
    ]


def test_the_matrix_includes_subsidiaries_when_asked():
    footprint = matrix_log().footprint("2021-01-01")
    rows = compose_matrix(footprint, ["small", "sub", "big"], include_subsidiaries=True)
    assert [(row.slug, row.parent) for row in rows] == [
        ("big", None),
        ("small", None),
        ("sub", "big"),
    ]


def test_the_matrix_shows_a_subsidiary_as_top_level_before_its_acquisition():
    rows = compose_matrix(matrix_log().footprint("2020-03-01"), ["small", "sub", "big"])
    assert sorted(row.slug for row in rows) == ["big", "small", "sub"]


def test_a_diff_lists_added_removed_and_changed_entries():
    log = Log()
    log.register("nvidia")
    log.chip("nvidia", "H100", on="2022-03-22")
    log.chip("nvidia", "B200", on="2024-03-18", status="announced")
    log.chip("nvidia", "B200", on="2024-11-01")
    log.retire("nvidia", "hardware", "H100", on="2025-01-01")
    log.chip("nvidia", "Rubin", on="2025-06-01", status="announced")
    before, after = log.stack("nvidia", "2024-06-01"), log.stack("nvidia", "2025-07-01")
    diff = diff_stacks(before, after)
    assert [e.asset for e in diff.added] == ["Rubin"]
    assert [e.asset for e in diff.removed] == ["H100"]
    assert [(old.status, new.status) for old, new in diff.changed] == [("announced", "available")]
    document = diff.as_dict([])
    assert (document["from"], document["to"]) == ("2024-06-01", "2025-07-01")
    assert document["changed"][0]["previous_status"] == "announced"
    assert diff_stacks(after, after).added == diff_stacks(after, after).changed == []
    assert day(document["to"]) == after.as_of
