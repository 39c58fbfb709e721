"""Intervals (the projection's day ranges) agree with the reference fold on every day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from stackline.domain.events import PartnershipEnded, PartnershipFormed
from stackline.domain.intervals import PartnershipSpan, Segment
from stackline.domain.intervals import asset_segments as segments_of_records
from stackline.domain.intervals import partnership_span as span_of_records
from stackline.domain.records import EventRecord
from tests.unit.builders import Log, day, entries

START = day("2024-01-01")


def asset_segments(events: list) -> list[Segment]:
    return segments_of_records([EventRecord.of_event(e) for e in events])


def partnership_span(formed, endings) -> tuple | None:
    span: PartnershipSpan | None = span_of_records(
        EventRecord.of_event(formed), [EventRecord.of_event(e) for e in endings]
    )
    return None if span is None else (span.start, span.stop)


def days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


def segment_on(segments: list[Segment], on: date) -> Segment | None:
    found = [s for s in segments if s.valid_from <= on and (s.valid_to is None or on < s.valid_to)]
    assert len(found) <= 1, f"segments overlap on {on}: {found}"
    return found[0] if found else None


def assert_segments_match_fold(log: Log, asset_events: list, probe_days: list[date]) -> None:
    segments = asset_segments(asset_events)
    for on in probe_days:
        held = entries(log.stack("a", on.isoformat()), "hardware", "owned")
        segment = segment_on(segments, on)
        assert (segment is not None) == bool(held), on
        if segment is not None:
            state, (entry,) = segment.state, held
            assert (state.name, state.status, state.since) == (
                entry.asset,
                entry.status,
                entry.since,
            )
            assert state.event_ids == tuple(str(i) for i in entry.event_ids), on


def test_an_asset_segment_holds_exactly_while_the_fold_has_the_asset():
    log = Log()
    log.register("a")
    asset_events = [
        log.chip("a", "Chip", on="2024-01-10", status="announced"),
        log.chip("a", "chip", on="2024-02"),
        log.retire("a", "hardware", "CHIP", on="2024-03-15"),
        log.chip("a", "Chip", on="2024-04-01", status="announced"),
    ]
    segments = asset_segments(asset_events)
    assert [(s.valid_from, s.valid_to, s.state.status) for s in segments] == [
        (day("2024-01-10"), day("2024-02-01"), "announced"),
        (day("2024-02-01"), day("2024-03-15"), "available"),
        (day("2024-04-01"), None, "announced"),
    ]
    assert_segments_match_fold(log, asset_events, days(START, 120))


def test_an_asset_launched_and_retired_on_one_day_has_no_segment():
    log = Log()
    log.register("a")
    asset_events = [
        log.chip("a", "Chip", on="2024-01-10"),
        log.retire("a", "hardware", "Chip", on="2024-01-10"),
    ]
    assert asset_segments(asset_events) == []
    assert_segments_match_fold(log, asset_events, days(START, 20))


def test_a_backdated_launch_recorded_last_starts_the_segments():
    log = Log()
    log.register("a")
    asset_events = [
        log.chip("a", "Chip", on="2024-02-01"),
        log.chip("a", "Chip", on="2024-01-05", status="announced"),
    ]
    assert asset_segments(asset_events)[0].valid_from == day("2024-01-05")
    assert_segments_match_fold(log, asset_events, days(START, 60))


ASSET_STEPS = st.lists(
    st.tuples(
        st.integers(0, 40),
        st.sampled_from(["announced", "available", "retire"]),
        st.sampled_from(["Chip", "chip", "  CHIP "]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(ASSET_STEPS)
def test_asset_segments_agree_with_the_fold_for_any_launch_and_retire_history(steps):
    log = Log()
    log.register("a")
    asset_events = []
    for offset, action, name in steps:
        on = (START + timedelta(days=offset)).isoformat()
        if action == "retire":
            asset_events.append(log.retire("a", "hardware", name, on=on))
        else:
            asset_events.append(log.chip("a", name, on=on, status=action))
    assert_segments_match_fold(log, asset_events, days(START - timedelta(days=1), 43))


def partnership_log() -> Log:
    log = Log()
    log.register("a", "A")
    log.register("p", "P")
    return log


def assert_span_matches_fold(
    log: Log, formed: PartnershipFormed, endings: list[PartnershipEnded], probe_days: list[date]
) -> None:
    span = partnership_span(formed, endings)
    for on in probe_days:
        live = span is not None and span[0] <= on and (span[1] is None or on < span[1])
        held = entries(log.stack("a", on.isoformat()), "compute", "partner")
        assert live == bool(held), on
        assert all(entry.event_ids == (formed.id,) for entry in held)


def test_a_partnership_span_runs_from_its_date_to_its_ending():
    log = partnership_log()
    formed = log.partnership(["a", "p"], "compute", on="2024-01-15", provider="p")
    ended = log.end(formed, on="2024-02-20")
    assert partnership_span(formed, [ended]) == (day("2024-01-15"), day("2024-02-20"))
    assert_span_matches_fold(log, formed, [ended], days(START, 90))


def test_a_partnership_span_stops_at_the_start_of_its_ends_on():
    log = partnership_log()
    formed = log.partnership(
        ["a", "p"], "compute", on="2024-01-15", provider="p", ends_on="2024-03"
    )
    assert partnership_span(formed, []) == (day("2024-01-15"), day("2024-03-01"))
    assert_span_matches_fold(log, formed, [], days(START, 90))


def test_a_partnership_span_stops_at_whichever_ending_comes_first():
    log = partnership_log()
    formed = log.partnership(
        ["a", "p"], "compute", on="2024-01-15", provider="p", ends_on="2024-06"
    )
    ended = log.end(formed, on="2024-02")
    assert partnership_span(formed, [ended]) == (day("2024-01-15"), day("2024-02-01"))
    assert_span_matches_fold(log, formed, [ended], days(START, 200))


def test_a_partnership_ended_on_its_first_day_has_no_span():
    log = partnership_log()
    formed = log.partnership(["a", "p"], "compute", on="2024-01-15", provider="p")
    ended = log.end(formed, on="2024-01-15")
    assert partnership_span(formed, [ended]) is None
    assert_span_matches_fold(log, formed, [ended], days(START, 30))


def test_an_open_partnership_span_has_no_end():
    log = partnership_log()
    formed = log.partnership(["a", "p"], "compute", on="2024-01", provider="p")
    assert partnership_span(formed, []) == (day("2024-01-01"), None)
    assert_span_matches_fold(log, formed, [], days(START - timedelta(days=3), 30))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 30),
    st.one_of(st.none(), st.integers(0, 30)),
    st.one_of(st.none(), st.integers(0, 30)),
)
def test_partnership_spans_agree_with_the_fold_for_any_ending(formed_at, ends_after, ended_after):
    log = partnership_log()
    on = START + timedelta(days=formed_at)
    ends_on = None if ends_after is None else (on + timedelta(days=ends_after)).isoformat()
    formed = log.partnership(
        ["a", "p"], "compute", on=on.isoformat(), provider="p", ends_on=ends_on
    )
    endings = []
    if ended_after is not None:
        endings.append(log.end(formed, on=(on + timedelta(days=ended_after)).isoformat()))
    assert_span_matches_fold(log, formed, endings, days(START - timedelta(days=1), 64))
