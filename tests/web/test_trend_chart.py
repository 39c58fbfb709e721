"""The `/trends` chart: rows ranked by the last day, leaders named day by day, steps that stay true
to the data, a readable time axis, and the same chart whatever the input order."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackline.web.pages.trend_chart import (
    LABEL_WIDTH,
    LAYER_HEIGHT,
    PLOT_LEFT,
    PLOT_WIDTH,
    Change,
    CompanySeries,
    Row,
    TrendChart,
    fit_text,
    trend_chart,
)
from tests.examples import examples

START, END = date(2020, 1, 1), date(2021, 12, 31)
PLOT_RIGHT = PLOT_LEFT + PLOT_WIDTH


def company(
    slug: str, *changes: tuple[date, int, int] | tuple[date, int, int, str], name: str | None = None
) -> CompanySeries:
    return CompanySeries(slug, name or slug.title(), tuple(Change(*change) for change in changes))


def row(chart: TrendChart, slug: str) -> Row:
    return next(row for row in chart.rows if row.slug == slug)


def slugs(chart: TrendChart) -> list[str]:
    return [row.slug for row in chart.rows]


def heights_along(path: str, baseline: float) -> list[tuple[float, float, float]]:
    """The step area's top as (from x, to x, height) pieces, read back from its SVG path."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    points = list(zip(numbers[0::2], numbers[1::2], strict=True))
    return [
        (x0, x1, baseline - y0) for (x0, y0), (x1, y1) in pairwise(points) if y0 == y1 and x0 < x1
    ]


def height_at(pieces: list[tuple[float, float, float]], x: float) -> float:
    return next(height for x0, x1, height in pieces if x0 <= x < x1)


def test_a_company_owning_three_layers_at_the_end_ranks_above_one_that_owned_four_earlier() -> None:
    former = company("former", (START, 4, 4), (date(2021, 6, 1), 2, 4))
    steady = company("steady", (START, 3, 3))

    chart = trend_chart([former, steady], START, END)

    assert slugs(chart) == ["steady", "former"]
    assert [row.rank for row in chart.rows] == [1, 2]
    assert (row(chart, "former").owned_at_end, row(chart, "former").covered_at_end) == (2, 4)


def test_ties_on_owned_layers_are_broken_by_covered_then_owned_area_then_name() -> None:
    wider = company("wider", (START, 2, 4))
    earlier = company("earlier", (START, 2, 3))
    later = company("later", (date(2021, 1, 1), 2, 3))
    alpha = company("zz-alpha", (date(2021, 1, 1), 2, 3), name="alpha")
    beta = company("aa-beta", (date(2021, 1, 1), 2, 3), name="Beta")

    chart = trend_chart([beta, alpha, later, earlier, wider], START, END)

    assert slugs(chart) == ["wider", "earlier", "zz-alpha", "aa-beta", "later"]


def test_the_leader_strip_names_a_then_both_on_a_tie_then_b_with_exact_day_boundaries() -> None:
    a = company("a", (START, 3, 3), name="Alpha")
    b = company(
        "b", (START, 1, 2), (date(2020, 5, 1), 3, 3), (date(2021, 3, 15), 4, 4), name="Beta"
    )
    # A change that never reaches the lead must not split a band.
    bystander = company("c", (START, 0, 1), (date(2020, 9, 1), 1, 1))

    chart = trend_chart([bystander, b, a], START, END)

    assert [(p.start, p.end, p.leaders) for p in chart.leaders] == [
        (START, date(2020, 4, 30), ("a",)),
        (date(2020, 5, 1), date(2021, 3, 14), ("a", "b")),
        (date(2021, 3, 15), END, ("b",)),
    ]
    assert chart.leaders[1].names == ("Alpha", "Beta")
    assert chart.leaders[1].text == "Alpha, Beta"
    assert (chart.leaders[2].owned, chart.leaders[2].covered) == (4, 4)
    assert [p.x for p in chart.leaders[1:]] == [p.x_end for p in chart.leaders[:-1]]
    assert (chart.leaders[0].x, chart.leaders[-1].x_end) == (PLOT_LEFT, PLOT_RIGHT)


def test_a_tie_on_owned_layers_goes_to_more_covered_layers() -> None:
    a = company("a", (START, 2, 2))
    b = company("b", (START, 2, 3))

    chart = trend_chart([a, b], START, END)

    assert [(p.leaders, p.owned, p.covered) for p in chart.leaders] == [(("b",), 2, 3)]


def test_a_leader_whose_lead_grows_starts_a_band_on_the_day_it_reached_the_new_count() -> None:
    a = company("a", (START, 2, 2), (date(2021, 1, 1), 3, 4))
    b = company("b", (START, 1, 1))

    chart = trend_chart([a, b], START, END)

    assert [(p.start, p.leaders, p.owned, p.covered) for p in chart.leaders] == [
        (START, ("a",), 2, 2),
        (date(2021, 1, 1), ("a",), 3, 4),
    ]
    assert chart.leaders[0].end == date(2020, 12, 31)
    assert "3 owned, 4 covered" in chart.leaders[1].title


def test_a_company_appearing_mid_range_is_not_counted_before_its_first_change() -> None:
    incumbent = company("incumbent", (START, 0, 1))
    newcomer = company("newcomer", (date(2021, 2, 1), 0, 1))

    chart = trend_chart([incumbent, newcomer], START, END)

    assert [(p.start, p.leaders) for p in chart.leaders] == [
        (START, ("incumbent",)),
        (date(2021, 2, 1), ("incumbent", "newcomer")),
    ]
    segments = row(chart, "newcomer").segments
    assert [(s.start, s.end) for s in segments] == [(date(2021, 2, 1), END)]
    assert row(chart, "newcomer").covered_path.startswith(f"M{segments[0].x:g},")


def test_days_on_which_no_company_exists_yet_have_no_leader_band() -> None:
    chart = trend_chart([company("late", (date(2020, 7, 1), 1, 2))], START, END)

    assert [(p.start, p.end) for p in chart.leaders] == [(date(2020, 7, 1), END)]


def test_days_on_which_no_company_holds_a_layer_have_no_leader_band() -> None:
    founded = company("early", (date(2020, 1, 1), 0, 0), (date(2021, 3, 1), 1, 1))
    chart = trend_chart([founded, company("other", (date(2020, 2, 1), 0, 0))], START, END)

    assert [(p.start, p.end, p.leaders) for p in chart.leaders] == [
        (date(2021, 3, 1), END, ("early",))
    ]


def test_a_thirty_year_range_is_labelled_with_full_years_inside_the_plot() -> None:
    chart = trend_chart([], date(1994, 3, 1), date(2024, 2, 29))

    labels = [tick.label for tick in chart.ticks]
    assert labels == ["1995", "2000", "2005", "2010", "2015", "2020"]
    assert all(PLOT_LEFT < tick.x < PLOT_RIGHT for tick in chart.ticks)


def test_a_six_month_range_is_labelled_with_months_and_the_year_on_the_first_and_january() -> None:
    chart = trend_chart([], date(2023, 10, 10), date(2024, 4, 9))

    assert [tick.label for tick in chart.ticks] == [
        "Nov 2023",
        "Dec",
        "Jan 2024",
        "Feb",
        "Mar",
        "Apr",
    ]
    assert all(PLOT_LEFT < tick.x < PLOT_RIGHT for tick in chart.ticks)
    assert [tick.x for tick in chart.ticks] == sorted(tick.x for tick in chart.ticks)


def test_a_two_year_range_is_labelled_with_calendar_quarters() -> None:
    chart = trend_chart([], START, END)

    assert [tick.label for tick in chart.ticks] == [
        "Apr 2020", "Jul", "Oct", "Jan 2021", "Apr", "Jul", "Oct",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2024, 1, 1), date(2024, 1, 1)),
        (date(2024, 1, 1), date(2024, 2, 1)),
        (date(2023, 12, 31), date(2027, 1, 1)),
        (date(1, 1, 1), date(9999, 12, 31)),
    ],
)
def test_every_tick_falls_strictly_inside_the_plot(start: date, end: date) -> None:
    chart = trend_chart([], start, end)

    assert all(PLOT_LEFT < tick.x < PLOT_RIGHT for tick in chart.ticks)
    assert all(re.fullmatch(r"[A-Z][a-z]{2}( \d{4})?|\d{4}", tick.label) for tick in chart.ticks)


def test_a_series_with_one_change_spans_the_whole_range() -> None:
    chart = trend_chart([company("one", (START, 1, 3))], START, END)

    only = row(chart, "one")
    assert [(s.start, s.end, s.owned, s.covered) for s in only.segments] == [(START, END, 1, 3)]
    assert (only.segments[0].x, only.segments[0].x_end) == (PLOT_LEFT, PLOT_RIGHT)
    covered = heights_along(only.covered_path, only.baseline)
    owned = heights_along(only.owned_path, only.baseline)
    assert covered == [(PLOT_LEFT, PLOT_RIGHT, 3 * LAYER_HEIGHT)]
    assert owned == [(PLOT_LEFT, PLOT_RIGHT, 1 * LAYER_HEIGHT)]


def test_changes_before_the_range_give_the_first_day_and_changes_after_it_are_left_out() -> None:
    series = company(
        "c", (date(2019, 1, 1), 1, 1), (date(2019, 6, 1), 2, 2), (date(2022, 1, 1), 4, 4)
    )

    segments = trend_chart([series], START, END).rows[0].segments

    assert [(s.start, s.end, s.owned) for s in segments] == [(START, END, 2)]


def test_a_change_to_the_same_values_does_not_split_a_segment() -> None:
    series = company("c", (START, 1, 2), (date(2020, 6, 1), 1, 2), (date(2021, 1, 1), 1, 3))

    segments = trend_chart([series], START, END).rows[0].segments

    assert [(s.start, s.end) for s in segments] == [
        (START, date(2020, 12, 31)),
        (date(2021, 1, 1), END),
    ]


def test_of_two_changes_on_one_day_the_last_wins() -> None:
    series = company("c", (START, 1, 1), (START, 2, 3))

    segments = trend_chart([series], START, END).rows[0].segments

    assert [(s.owned, s.covered) for s in segments] == [(2, 3)]


def test_an_empty_input_gives_an_empty_chart_with_room_for_a_message() -> None:
    chart = trend_chart([], START, END)

    assert chart.empty
    assert (chart.rows, chart.leaders) == ((), ())
    assert chart.height > chart.axis_y > 0
    assert [entry.label for entry in chart.legend] == ["owned layers", "covered layers"]


def test_a_company_acquired_mid_range_is_drawn_until_the_day_before_and_leads_no_more() -> None:
    acquired = date(2021, 2, 2)
    target = company("xai", (START, 3, 3), (acquired, 3, 3, "spacex"), name="xAI")
    owner = company("spacex", (START, 1, 1), (acquired, 3, 3), name="SpaceX")

    chart = trend_chart([target, owner], START, END)

    drawn = row(chart, "xai")
    assert [(s.start, s.end) for s in drawn.segments] == [(START, acquired - timedelta(days=1))]
    assert drawn.drawn_until == acquired - timedelta(days=1)
    assert (drawn.owned_at_end, drawn.covered_at_end) == (0, 0)
    assert slugs(chart) == ["spacex", "xai"]  # ranked by what each holds on its own at the end
    assert (
        max(x for x0, x1, _ in heights_along(drawn.owned_path, drawn.baseline) for x in (x0, x1))
        < PLOT_RIGHT
    )
    assert [(p.start, p.leaders) for p in chart.leaders] == [
        (START, ("xai",)),
        (acquired, ("spacex",)),
    ]


def test_a_company_under_a_parent_for_a_while_is_drawn_on_both_sides_of_the_gap() -> None:
    series = company(
        "c", (START, 1, 1), (date(2020, 6, 1), 2, 2, "owner"), (date(2021, 1, 1), 1, 1)
    )

    drawn = trend_chart([series], START, END).rows[0]

    assert [(s.start, s.end, s.owned) for s in drawn.segments] == [
        (START, date(2020, 5, 31), 1),
        (date(2021, 1, 1), END, 1),
    ]
    assert drawn.owned_path.count("M") == 2 and drawn.drawn_until is None


def test_a_band_shows_its_leaders_whole_or_its_number_never_a_cut_name() -> None:
    names = ["Alphabetical Industries", "Betamax Holdings", "Gamma"]
    days = [START + timedelta(days=n) for n in (0, 3, 600)]  # a 3-day band, a long one, the rest
    series = [
        company(f"c{i}", (day, 1 + i, 1 + i), name=name)
        for i, (day, name) in enumerate(zip(days, names, strict=True))
    ]

    bands = trend_chart(series, START, END).leaders

    assert [band.number for band in bands] == [1, 2, 3]
    assert bands[0].text == ""  # three days are too narrow even for its number
    assert bands[1].text == "Betamax Holdings"
    assert bands[2].text in {"Gamma", "3"}
    assert all("…" not in band.text for band in bands)


def test_a_band_too_narrow_for_its_names_shows_its_number() -> None:
    tied = [company(slug, (START, 2, 2)) for slug in ("alpha", "beta", "gamma", "delta")]
    later = company("epsilon", (END - timedelta(days=40), 3, 3))

    bands = trend_chart([*tied, later], START, END).leaders

    assert [band.text for band in bands] == ["Alpha, Beta, Delta, Gamma", "2"]


def test_a_long_name_is_cut_with_an_ellipsis_and_kept_whole_for_the_tooltip() -> None:
    name = "Taiwan Semiconductor Manufacturing Company Limited"
    chart = trend_chart([company("tsmc", (START, 1, 1), name=name)], START, END)

    only = chart.rows[0]
    assert only.name == name
    assert only.label.endswith("…")
    assert name.startswith(only.label[:-1])
    assert len(only.label) * 7 <= LABEL_WIDTH


def test_a_short_name_is_printed_as_it_is() -> None:
    assert trend_chart([company("x", (START, 1, 1), name="xAI")], START, END).rows[0].label == "xAI"


def test_text_too_wide_for_a_narrow_band_becomes_an_ellipsis_or_nothing() -> None:
    assert fit_text("Anthropic", 10) == "…"
    assert fit_text("Anthropic", 3) == ""
    assert fit_text("智谱华章科技", 40) == "智谱…"


def test_rows_sit_one_below_the_other_above_the_axis() -> None:
    chart = trend_chart([company(s, (START, 1, 1)) for s in "abc"], START, END)

    assert all(upper.baseline < lower.y for upper, lower in pairwise(chart.rows))
    assert chart.rows[-1].baseline < chart.axis_y < chart.height


@pytest.mark.parametrize(
    ("owned", "covered", "days"),
    [(3, 2, (START,)), (5, 5, (START,)), (-1, 0, (START,)), (1, 1, (END, START))],
    ids=["owned above covered", "more than four layers", "negative", "changes out of order"],
)
def test_impossible_series_are_refused(owned: int, covered: int, days: tuple[date, ...]) -> None:
    with pytest.raises(ValueError):
        CompanySeries("c", "C", tuple(Change(day, owned, covered) for day in days))


def test_two_series_with_one_slug_or_a_backwards_range_are_refused() -> None:
    with pytest.raises(ValueError, match="slug"):
        trend_chart([company("a", (START, 1, 1)), company("a", (START, 2, 2))], START, END)
    with pytest.raises(ValueError, match="after it ends"):
        trend_chart([], END, START)


# Properties over any input: a narrow range keeps the day-by-day reference check quick.
RANGE_START, RANGE_END = date(2020, 1, 1), date(2020, 12, 31)
NAMES = [
    "Alpha",
    "alpha",
    "Beta",
    "Ünïcödé Läbs",
    "深度求索",
    "An Extraordinarily Long Company Name",
]


@st.composite
def series_lists(draw: st.DrawFn) -> list[CompanySeries]:
    holdings = st.tuples(st.integers(0, 4), st.integers(0, 4)).map(sorted)
    days = st.dates(date(2019, 10, 1), date(2021, 3, 1))
    parents = st.sampled_from([None, None, None, "owner", "other-owner"])
    result = []
    for index in range(draw(st.integers(0, 6))):
        changes = sorted(
            draw(st.lists(st.tuples(days, holdings, parents), max_size=6)), key=lambda c: c[0]
        )
        name = draw(st.sampled_from(NAMES))
        result.append(
            CompanySeries(f"c{index}", name, tuple(Change(d, *h, p) for d, h, p in changes))
        )
    return result


def held_on(one: CompanySeries, day: date) -> tuple[int, int] | None:
    """The reference: the values of the latest change on or before `day`, unless it names a
    parent (or there is none)."""
    past = [change for change in one.changes if change.on <= day]
    if not past or past[-1].parent is not None:
        return None
    return (past[-1].owned, past[-1].covered)


def leaders_on(series: list[CompanySeries], day: date) -> tuple[set[str], tuple[int, int] | None]:
    """The reference: the best values held on `day` by companies without a parent."""
    held = {}
    for one in series:
        values = held_on(one, day)
        if values is not None:
            held[one.slug] = values
    lead = max(held.values(), default=None)
    if lead == (0, 0):  # companies exist but none holds a layer: nobody leads
        return set(), None
    return {slug for slug, values in held.items() if values == lead}, lead


@settings(max_examples=examples(60))
@given(series_lists())
def test_any_input_names_on_every_day_exactly_the_leaders_of_that_day(
    series: list[CompanySeries],
) -> None:
    chart = trend_chart(series, RANGE_START, RANGE_END)

    day = RANGE_START
    while day <= RANGE_END:
        leaders, lead = leaders_on(series, day)
        period = next((p for p in chart.leaders if p.start <= day <= p.end), None)
        assert (set(period.leaders) if period else set()) == leaders
        if period:
            assert (period.owned, period.covered) == lead
        day += timedelta(days=1)
    # Adjacent periods differ in who leads or in what they hold (periods apart, with nobody
    # leading between, may not).
    assert all(
        (left.leaders, left.owned, left.covered) != (right.leaders, right.owned, right.covered)
        for left, right in pairwise(chart.leaders)
        if right.start == left.end + timedelta(days=1)
    )


@given(series_lists())
def test_any_input_draws_owned_layers_never_above_covered_ones_and_true_to_the_segments(
    series: list[CompanySeries],
) -> None:
    for drawn in trend_chart(series, RANGE_START, RANGE_END).rows:
        covered = heights_along(drawn.covered_path, drawn.baseline)
        owned = heights_along(drawn.owned_path, drawn.baseline)
        for segment in drawn.segments:
            assert segment.owned <= segment.covered
            middle = (segment.x + segment.x_end) / 2
            assert height_at(owned, middle) == segment.owned * LAYER_HEIGHT
            assert height_at(covered, middle) == segment.covered * LAYER_HEIGHT
        xs = sorted({x for x0, x1, _ in covered + owned for x in (x0, x1)})
        for left, right in pairwise(xs):
            assert height_at(owned, (left + right) / 2) <= height_at(covered, (left + right) / 2)
        assert all(a.end < b.start for a, b in pairwise(drawn.segments))


@settings(max_examples=examples(40))
@given(series_lists())
def test_any_input_draws_a_company_exactly_on_the_days_it_has_no_parent(
    series: list[CompanySeries],
) -> None:
    chart = trend_chart(series, RANGE_START, RANGE_END)
    for one in series:
        drawn = row(chart, one.slug)
        day = RANGE_START
        while day <= RANGE_END:
            segment = next((s for s in drawn.segments if s.start <= day <= s.end), None)
            values = (segment.owned, segment.covered) if segment else None
            assert values == held_on(one, day), (one.slug, day)
            day += timedelta(days=1)
        at_end = held_on(one, RANGE_END)
        assert (drawn.owned_at_end, drawn.covered_at_end) == (at_end or (0, 0))


@given(series_lists(), st.randoms(use_true_random=False))
def test_any_input_in_any_order_gives_the_identical_chart(
    series: list[CompanySeries], rng: random.Random
) -> None:
    shuffled = rng.sample(series, len(series))

    assert trend_chart(shuffled, RANGE_START, RANGE_END) == trend_chart(
        series, RANGE_START, RANGE_END
    )


def test_a_step_area_steps_only_where_its_own_value_changes() -> None:
    series = company("c", (START, 1, 3), (date(2021, 1, 1), 2, 3))

    only = trend_chart([series], START, END).rows[0]

    assert len(heights_along(only.covered_path, only.baseline)) == 1
    assert len(heights_along(only.owned_path, only.baseline)) == 2
