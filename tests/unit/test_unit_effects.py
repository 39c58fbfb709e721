"""Each type's effect on its unit, by hand-written examples, and the cutting of a unit's states
into segments held to a plain day-by-day replay (an oracle written here, not the code's)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from stackline.domain.catalog import REGISTRY
from stackline.domain.fold import as_records
from stackline.domain.records import EventRecord, in_effect_order
from stackline.domain.units import holding, segments
from tests.examples import examples
from tests.unit.builders import Log, day

START = day("2024-01-01")


def segments_of(events: list) -> list:
    return segments(as_records(events), REGISTRY.effect)


def spans(events: list) -> list[tuple[date, date | None]]:
    return [(s.valid_from, s.valid_to) for s in segments_of(events)]


def replayed_on(records: list[EventRecord], on: date) -> object:
    """The oracle: apply every event dated by `on`, in effect order; a state past its own
    `ends` no longer holds."""
    state = None
    for record in in_effect_order([r for r in records if r.start <= on]):
        state = REGISTRY.effect(record.type)(state, record)
    ends = getattr(state, "ends", None)
    return None if ends is not None and ends <= on else state


def test_a_launch_then_a_relaunch_then_a_retirement_make_two_segments_of_one_asset():
    log = Log()
    log.register("a")
    events = [
        log.chip("a", "Chip", on="2024-01-10", status="announced"),
        log.chip("a", "chip", on="2024-02"),
        log.retire("a", "hardware", "CHIP", on="2024-03-15"),
        log.chip("a", "Chip", on="2024-04-01", status="announced"),
    ]
    found = segments_of(events)
    assert [(s.valid_from, s.valid_to, s.state.status) for s in found] == [
        (day("2024-01-10"), day("2024-02-01"), "announced"),
        (day("2024-02-01"), day("2024-03-15"), "available"),
        (day("2024-04-01"), None, "announced"),
    ]
    assert found[1].state.available_on.text == "2024-02"
    assert found[2].state.available_on is None  # a relaunch after retirement starts afresh
    assert found[1].state.since.text == "2024-01-10"
    assert found[1].state.event_ids == (str(events[0].id), str(events[1].id))


def test_an_asset_launched_and_retired_on_one_day_has_no_segment():
    log = Log()
    log.register("a")
    events = [
        log.chip("a", "Chip", on="2024-01-10"),
        log.retire("a", "hardware", "Chip", on="2024-01-10"),
    ]
    assert segments_of(events) == []


def test_a_relaunch_keeps_the_first_co_developer_date_and_adds_new_ones():
    log = Log()
    for slug in ("a", "b", "c"):
        log.register(slug)
    events = [
        log.chip("a", "Chip", on="2024-01-10", partners=["b"]),
        log.chip("a", "Chip", on="2024-03-01", partners=["b", "c"]),
    ]
    partners = segments_of(events)[-1].state.partners
    assert [(slug, since.text) for slug, since in partners] == [
        ("b", "2024-01-10"),
        ("c", "2024-03-01"),
    ]


def test_a_model_keeps_the_base_model_its_first_launch_named():
    log = Log()
    log.register("a")
    first = log.add("model.released", "2024-01", {"company": "a", "model": "M", "access": "closed",
                                                  "base_model": {"model": "Base"}})  # fmt: skip
    log.model("a", "M", on="2024-02")
    state = segments_of([first, log.events[-1]])[-1].state
    assert state.base == (None, "Base")
    assert state.base_event == str(first.id)


def test_a_partnership_is_announced_until_it_is_activated_and_live_until_it_ends():
    log = Log()
    log.register("a")
    log.register("p")
    formed = log.partnership(["a", "p"], "compute", on="2024-01-15", provider="p",
                             status="announced", ends_on="2024-06")  # fmt: skip
    activated = log.add("partnership.activated", "2024-02-01", {"partnership": str(formed.id)})
    found = segments_of([formed, activated])
    assert [(s.valid_from, s.valid_to, s.state.status) for s in found] == [
        (day("2024-01-15"), day("2024-02-01"), "announced"),
        (day("2024-02-01"), day("2024-06-01"), "active"),
    ]
    ended = log.end(formed, on="2024-03-10")
    assert spans([formed, activated, ended])[-1] == (day("2024-02-01"), day("2024-03-10"))


def test_a_partnership_ended_on_its_first_day_has_no_segment():
    log = Log()
    log.register("a")
    log.register("p")
    formed = log.partnership(["a", "p"], "compute", on="2024-01-15", provider="p")
    assert segments_of([formed, log.end(formed, on="2024-01-15")]) == []


def test_each_acquisition_of_a_company_replaces_its_parent_from_its_date():
    log = Log()
    for slug in ("a", "b", "t"):
        log.register(slug)
    first = log.acquire("a", "t", on="2020-01-01")
    second = log.acquire("b", "t", on="2022-06")
    found = segments_of([second, first])
    assert [(s.valid_from, s.valid_to, s.state.acquirer) for s in found] == [
        (day("2020-01-01"), day("2022-06-01"), "a"),
        (day("2022-06-01"), None, "b"),
    ]


def test_a_stake_gathers_every_investment_and_dates_from_the_first():
    log = Log()
    log.register("i")
    log.register("e")
    first = log.invest("i", "e", on="2019")
    second = log.invest("i", "e", on="2023-01-23")
    state = segments_of([first, second])[-1].state
    assert state.since.text == "2019"
    assert state.event_ids == (str(first.id), str(second.id))


def test_a_company_is_named_by_its_registration_then_by_each_rename():
    log = Log()
    registered = log.register("facebook", "Facebook", on="2004-02")
    renamed = log.rename("facebook", "Meta", on="2021-10-28")
    found = segments_of([registered, renamed])
    assert [(s.valid_from, s.state.name) for s in found] == [
        (day("2004-02-01"), "Facebook"),
        (day("2021-10-28"), "Meta"),
    ]
    assert found[-1].state.founded.text == "2004-02"


ASSET_STEPS = st.lists(
    st.tuples(
        st.integers(0, 40),
        st.sampled_from(["announced", "available", "retire"]),
        st.sampled_from(["Chip", "chip", "  CHIP "]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=examples(60), deadline=None)
@given(ASSET_STEPS)
def test_an_assets_segments_hold_exactly_what_a_day_by_day_replay_holds(steps):
    log = Log()
    log.register("a")
    events = []
    for offset, action, name in steps:
        on = (START + timedelta(days=offset)).isoformat()
        if action == "retire":
            events.append(log.retire("a", "hardware", name, on=on))
        else:
            events.append(log.chip("a", name, on=on, status=action))
    records, found = as_records(events), segments_of(events)
    for offset in range(-1, 43):
        on = START + timedelta(days=offset)
        assert holding(found, on) == replayed_on(records, on), on


@settings(max_examples=examples(60), deadline=None)
@given(
    st.integers(0, 30),
    st.one_of(st.none(), st.integers(0, 30)),
    st.one_of(st.none(), st.integers(0, 30)),
    st.one_of(st.none(), st.integers(0, 30)),
)
def test_a_partnerships_segments_hold_exactly_what_a_day_by_day_replay_holds(
    formed_at, ends_after, ended_after, activated_after
):
    log = Log()
    log.register("a")
    log.register("p")
    on = START + timedelta(days=formed_at)
    ends_on = None if ends_after is None else (on + timedelta(days=ends_after)).isoformat()
    formed = log.partnership(["a", "p"], "compute", on=on.isoformat(), provider="p",
                             status="announced", ends_on=ends_on)  # fmt: skip
    events = [formed]
    if activated_after is not None:
        when = (on + timedelta(days=activated_after)).isoformat()
        events.append(log.add("partnership.activated", when, {"partnership": str(formed.id)}))
    if ended_after is not None:
        events.append(log.end(formed, on=(on + timedelta(days=ended_after)).isoformat()))
    records, found = as_records(events), segments_of(events)
    for offset in range(-1, 64):
        day_ = START + timedelta(days=offset)
        assert holding(found, day_) == replayed_on(records, day_), day_
