"""What the fold knows (DESIGN §3, 1–3): voided events, `known_on`, and the order events apply in."""

from __future__ import annotations

import random
from datetime import timedelta

from stackline.domain.fold import effective_records, fold_footprint
from stackline.domain.stack import compose_stack
from tests.unit.builders import Log, assets, day, entries, only_entry


def test_a_retracted_event_has_no_effect():
    log = Log()
    log.register("openai")
    launch = log.model("openai", "GPT-5", on="2024-01-01")
    log.retract(launch, on="2024-02-01")
    assert entries(log.stack("openai", "2024-01-15"), "model") == []
    assert launch.id not in {e.id for e in effective_records(log.events, day("2025-01-01"), None)}


def test_a_retraction_voids_its_target_even_before_its_own_date():
    log = Log()
    log.register("a")
    log.register("b")
    buy = log.acquire("a", "b", on="2020-01-01")
    log.retract(buy, on="2024-01-01")
    assert log.footprint("2021-01-01").company("b").parent is None


def test_a_retraction_is_never_an_effective_event():
    log = Log()
    log.register("a")
    retraction = log.retract(log.product("a", "X", on="2020-01-01"), on="2020-02-01")
    effective = effective_records(log.events, day("2030-01-01"), None)
    assert retraction.id not in {e.id for e in effective}
    assert [e.type for e in effective] == ["company.registered"]


def test_a_correction_voids_the_event_it_supersedes():
    log = Log()
    log.register("openai")
    first = log.model("openai", "GPT-4", on="2023-03")
    fix = log.model("openai", "GPT-4", on="2023-03-14", supersedes=first.id)
    entry = only_entry(log.stack("openai", "2023-06-01"), "model")
    assert (entry.since.text, entry.event_ids) == ("2023-03-14", (fix.id,))
    assert entries(log.stack("openai", "2023-03-10"), "model") == []


def test_known_on_hides_events_recorded_later():
    log = Log()
    log.register("anthropic")
    launch = log.model("anthropic", "Claude 3", on="2024-03-04")
    moment = launch.recorded_at
    assert assets(log.stack("anthropic", "2024-06-01", known_on=moment), "model") == ["Claude 3"]
    earlier = moment - timedelta(microseconds=1)
    assert entries(log.stack("anthropic", "2024-06-01", known_on=earlier), "model") == []
    assert log.stack("anthropic", "2024-06-01", known_on=earlier).company is not None


def test_before_a_retraction_was_recorded_the_retracted_event_shows_again():
    log = Log()
    log.register("openai")
    launch = log.model("openai", "GPT-5", on="2024-01-01")
    retraction = log.retract(launch, on="2024-02-01")
    just_before = retraction.recorded_at - timedelta(seconds=1)
    stack = log.stack("openai", "2024-06-01", known_on=just_before)
    assert only_entry(stack, "model").event_ids == (launch.id,)
    assert stack.known_on == just_before
    assert (
        entries(log.stack("openai", "2024-06-01", known_on=retraction.recorded_at), "model") == []
    )


def test_before_a_correction_was_recorded_the_original_shows():
    log = Log()
    log.register("a")
    first = log.chip("a", "Chip", on="2023-01-01")
    fix = log.chip("a", "Chip", on="2023-02-01", status="announced", supersedes=first.id)
    before = log.stack("a", "2023-06-01", known_on=fix.recorded_at - timedelta(seconds=1))
    assert only_entry(before, "hardware").event_ids == (first.id,)
    assert only_entry(log.stack("a", "2023-06-01"), "hardware").status == "announced"


def test_a_backdated_event_recorded_later_lands_at_its_own_date():
    log = Log()
    for slug in ("a", "b", "c"):
        log.register(slug)
    log.acquire("a", "c", on="2022-01-01")
    late = log.acquire("b", "c", on="2021-01-01")
    assert late.seq > 4
    assert log.footprint("2021-06-01").company("c").parent == "b"
    assert log.footprint("2022-06-01").company("c").parent == "a"


def test_a_backdated_rename_does_not_override_a_later_one():
    log = Log()
    log.register("x", "Twitter", on="2006")
    log.rename("x", "X", on="2023-07-23")
    log.rename("x", "Twitter Inc", on="2010-01-01")
    assert log.footprint("2024-01-01").company("x").name == "X"
    assert log.footprint("2015-01-01").company("x").name == "Twitter Inc"


def test_a_backdated_retirement_removes_the_asset_from_its_own_date():
    log = Log()
    log.register("a")
    log.product("a", "Old", on="2018-01-01")
    log.product("a", "New", on="2022-01-01")
    log.retire("a", "application", "Old", on="2020-01-01")
    assert assets(log.stack("a", "2019-12-31"), "application") == ["Old"]
    assert assets(log.stack("a", "2023-01-01"), "application") == ["New"]


def test_events_on_the_same_day_apply_in_seq_order():
    log = Log()
    log.register("a")
    log.chip("a", "Chip", on="2024-05-01")
    log.chip("a", "Chip", on="2024-05-01", status="announced")
    assert only_entry(log.stack("a", "2024-05-01"), "hardware").status == "announced"


def test_a_period_takes_effect_from_its_first_day_before_a_precise_day_in_it():
    log = Log()
    log.register("a")
    log.chip("a", "Chip", on="2024-03-10", status="announced")
    log.chip("a", "Chip", on="2024-Q1")
    entry = only_entry(log.stack("a", "2024-03-01"), "hardware")
    assert (entry.status, entry.since.text) == ("available", "2024-Q1")
    assert only_entry(log.stack("a", "2024-03-10"), "hardware").status == "announced"


def test_the_fold_does_not_depend_on_the_order_events_are_listed_in():
    log = Log()
    for slug in ("a", "b", "c"):
        log.register(slug)
    log.product("c", "App", on="2020-01-01")
    log.chip("c", "Chip", on="2020-02-01", status="announced")
    log.acquire("b", "c", on="2021-01-01")
    log.partnership(["a", "b"], "compute", on="2021-06-01", provider="a")
    log.invest("a", "b", on="2022-01-01")
    log.chip("c", "Chip", on="2022-06-01")
    shuffled = list(log.events)
    random.Random(7).shuffle(shuffled)
    for as_of in ("2020-06-01", "2021-07-01", "2023-01-01"):
        for slug in ("a", "b", "c"):
            expected = compose_stack(fold_footprint(log.events, day(as_of)), slug).as_dict()
            assert compose_stack(fold_footprint(shuffled, day(as_of)), slug).as_dict() == expected
