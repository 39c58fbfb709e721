"""`/trends`: the thesis over time — owned and covered layers for every top-level company, ranked,
the leaders of each day named, the same data as a table, and plans against their outcomes.

By default the range starts on January 1st of the first year a company without a parent owned two
layers, where the story of integration starts (a `from` given wins). A company is drawn, counted
among the leaders and listed in the table only on the days it has no parent: from the day it
became part of another, its owner holds what it holds (the API's series keep every day)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request

from stackline.domain.integration import Change, CompanySeries
from stackline.services import integration, parameters, stacks, supply_chain
from stackline.web.context import database, today
from stackline.web.limits import expensive_read
from stackline.web.pages import bp
from stackline.web.pages import trend_chart as chart
from stackline.web.pages.plans import STATES

CHART_ROWS, MOST_CHART_ROWS = 25, 200


@bp.get("/trends")
@expensive_read(always=True)
def trends() -> str:
    args = request.args
    end = parameters.day_until(args.get("to"), "to", today())
    history = integration.history(database())
    start = parameters.day_from(args.get("from")) or _default_start(history, end)
    rows = parameters.page_size(args.get("rows"), CHART_ROWS, MOST_CHART_ROWS, "rows")
    found = integration.integration(database(), start, end)
    series = [_chart_series(s) for s in found.series]
    drawn = chart.trend_chart(series, found.start, found.end)
    drawn_slugs = {row.slug for row in drawn.rows[:rows]}
    table_series = [s for s in found.series if s.slug in drawn_slugs]  # the CSV holds them all
    leading = {slug for band in drawn.leaders for slug in band.leaders}
    days = integration.shown_days(
        database(), [s for s in found.series if s.slug in drawn_slugs | leading]
    )
    plans = supply_chain.plans_of(database(), end)
    names = stacks.company_names(database())
    return render_template(
        "trends.html",
        found=found,
        history=history,
        names=names,
        table_series=[(s, _independent_changes(s)) for s in table_series],
        under_parents=[
            (s, change, days.get((s.slug, change.on), change.on.isoformat()))
            for s in found.series
            if s.slug in drawn_slugs
            for change in _independent_changes(s)
            if change.parent is not None
        ],
        shown_days=days,
        one_day=timedelta(days=1),
        band_starts=[_band_start(band, days, found.start) for band in drawn.leaders],
        chart=drawn,
        max_named=chart.MAX_NAMED_LEADERS,
        chart_rows=drawn.rows[:rows],
        axis_y=_axis_y(min(rows, len(drawn.rows))),
        chart_height=_axis_y(min(rows, len(drawn.rows))) + chart.AXIS_HEIGHT,
        rows_shown=rows,
        start=found.start,
        end=found.end,
        start_given=args.get("from", ""),
        plans_by_state={state: [p for p in plans if p.state == state] for state in STATES},
        states=[state for state in STATES if state != "undated"],  # dated plans only here
    )


def _default_start(history: integration.History, end: date) -> date | None:
    """Where integration starts, unless that is after `end` (then the whole history)."""
    starts = history.integration_starts
    return starts if starts is not None and starts <= end else None


def _independent_changes(series: CompanySeries) -> list[Change]:
    """The changes on days without a parent, and the first day of each stretch under one (the
    changes under a parent count for the parent, not for the company)."""
    kept: list[Change] = []
    for change in series.changes:
        if change.parent is None or not kept or kept[-1].parent != change.parent:
            kept.append(change)
    return kept


def _band_start(band: chart.LeaderPeriod, days: dict[tuple[str, date], str], first: date) -> str:
    """The day a band of leaders starts, at the precision of the change that started it (the
    range's first day is that day: nothing changed on it within the range)."""
    if band.start == first:
        return first.isoformat()
    return next(
        (days[(slug, band.start)] for slug in band.leaders if (slug, band.start) in days),
        band.start.isoformat(),
    )


def _chart_series(series: CompanySeries) -> chart.CompanySeries:
    changes = tuple(
        chart.Change(c.on, len(c.owned_layers), len(c.covered_layers), c.parent)
        for c in series.changes
    )
    return chart.CompanySeries(series.slug, series.name, changes)


def _axis_y(rows_drawn: int) -> float:
    """Where the time axis sits under `rows_drawn` rows (the chart may be cut short)."""
    return chart.ROWS_TOP + max(rows_drawn, 1) * (chart.ROW_HEIGHT + chart.ROW_GAP)
