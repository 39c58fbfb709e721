"""The `/trends` chart as plain SVG geometry: owned and covered layers over time for every top-level
company, one ranked row each, under a strip marking the leaders of each day.

Pure and deterministic (rows and leaders are sorted before they are placed, so input order never
matters); a template draws the result with CSS classes. The rules:
- A company holds the values of its latest change on or before a day; before its first change it
  does not exist (nothing is drawn and it cannot lead). Of two changes on one day the last wins.
  A change naming a parent starts days on which the company is part of another: nothing is drawn
  for them and it cannot lead (its owner counts what it holds), until a change without one.
- Rows are ranked by owned layers on `end`, then covered layers on `end` (0 for a company that does
  not exist or has a parent then), then the owned area over the range in layer-days (who held more, longer), then
  name (casefold), then slug. A duplicate slug raises ValueError: the rows could not be told apart.
- A row prints the name cut to the label box with "…" (the full name kept for the tooltip) and two
  step areas on a 0–4 scale, covered (light) behind owned (dark): each a closed SVG path, and the
  segments of unchanged values for a text alternative.
- The leaders of a day are the existing companies with the most owned layers, ties broken by
  covered layers; all still tied lead together, named in name order. A band spans a run of days
  with the same leaders holding the same values: a leader whose lead grows starts a new band on
  the day it reached the new count, so a band's first day is when its leaders got there. Days on
  which no company exists, or none holds a layer, have no band. A band lists every leader; its
  tooltip names the first `MAX_NAMED_LEADERS` and counts the rest (on a long log hundreds of
  companies can tie at one layer). A band's text is never cut: it is those names when they fit the
  band, else the band's number (its place in the list of bands, 1 first, which the page prints
  beside the chart with the names whole), else nothing.
- Day d starts at `x(d)` and `end` ends at the plot's right edge, so every day is equally wide.
  Ranges of 36 months or more get year ticks ("2019") every 1, 2, 5, 10, 20, … years, at most
  `MAX_YEAR_TICKS`; 12 to 35 months get calendar quarters, shorter ranges months, labelled
  "Jan 2024" on January and on the first tick, "Apr" otherwise. Ticks fall strictly inside the plot.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import MAXYEAR, date, timedelta
from itertools import pairwise

MAX_LAYERS, LAYER_HEIGHT, ROW_PADDING, ROW_GAP = 4, 4.0, 4.0, 4.0
ROW_HEIGHT = MAX_LAYERS * LAYER_HEIGHT + 2 * ROW_PADDING
WIDTH, LABEL_WIDTH, LABEL_GAP, RIGHT_MARGIN = 760.0, 160.0, 8.0, 12.0
PLOT_LEFT = LABEL_WIDTH + LABEL_GAP
PLOT_WIDTH = WIDTH - PLOT_LEFT - RIGHT_MARGIN
STRIP_HEIGHT, STRIP_GAP, AXIS_HEIGHT = 20.0, 6.0, 22.0
ROWS_TOP = STRIP_HEIGHT + STRIP_GAP
CHAR_WIDTH, TEXT_PADDING, ELLIPSIS = 7.0, 6.0, "…"  # a 12 px font's average advance
MAX_YEAR_TICKS, YEAR_STEPS = 10, (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ONE_DAY = timedelta(days=1)
MAX_NAMED_LEADERS = 12


@dataclass(frozen=True)
class Change:
    """From this day on (until the next change) the company holds these values."""

    on: date
    owned: int  # layers owned
    covered: int  # layers owned or reached through a partner
    parent: str | None = None  # from this day the company is part of `parent`: not drawn

    def __post_init__(self) -> None:
        if not 0 <= self.owned <= self.covered <= MAX_LAYERS:
            raise ValueError(f"need 0 ≤ owned ≤ covered ≤ {MAX_LAYERS}, got {self}")


@dataclass(frozen=True)
class CompanySeries:
    slug: str
    name: str
    changes: tuple[Change, ...]  # sorted by day; the first is the state on the range's first day

    def __post_init__(self) -> None:
        if any(later.on < earlier.on for earlier, later in pairwise(self.changes)):
            raise ValueError(f"changes of {self.slug} are not sorted by day")


@dataclass(frozen=True)
class Segment:
    """Days `start` to `end` (inclusive) of unchanged values, drawn from `x` to `x_end`."""

    start: date
    end: date
    owned: int
    covered: int
    x: float
    x_end: float

    @property
    def width(self) -> float:
        return self.x_end - self.x


@dataclass(frozen=True)
class Row:
    rank: int  # 1 for the top row
    slug: str
    name: str  # the tooltip
    label: str  # what is printed, cut to fit the label box
    y: float  # the row's top; the label box is `LABEL_WIDTH` by `ROW_HEIGHT` at x = 0
    baseline: float  # y of 0 layers; `MAX_LAYERS` sit `MAX_LAYERS * LAYER_HEIGHT` above it
    owned_at_end: int  # 0 when it does not exist or has a parent on the last day
    covered_at_end: int
    drawn_until: date | None  # the last day drawn, when it has a parent on the range's last day
    segments: tuple[Segment, ...]  # days apart where it had a parent in between
    covered_path: str  # SVG path `d`, empty for a company that never exists in the range
    owned_path: str


@dataclass(frozen=True)
class LeaderPeriod:
    start: date
    end: date  # inclusive
    leaders: tuple[str, ...]  # slugs, in name order
    names: tuple[str, ...]
    owned: int  # the lead: the leaders' owned and covered layers
    covered: int
    x: float
    x_end: float
    number: int  # its place among the bands, 1 first
    text: str  # the names when they fit the band, else its number when that fits, else empty
    title: str  # the tooltip

    @property
    def width(self) -> float:
        return self.x_end - self.x


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class LegendEntry:
    css_class: str
    label: str


LEGEND = (LegendEntry("owned", "owned layers"), LegendEntry("covered", "covered layers"))


@dataclass(frozen=True)
class TrendChart:
    """The strip is `STRIP_HEIGHT` tall at y = 0 over the plot; ticks are labelled below `axis_y`."""

    start: date
    end: date
    height: float
    axis_y: float
    rows: tuple[Row, ...]  # top down, by rank
    leaders: tuple[LeaderPeriod, ...]  # left to right
    ticks: tuple[Tick, ...]
    legend: tuple[LegendEntry, ...] = LEGEND
    width: float = WIDTH
    plot_left: float = PLOT_LEFT
    plot_width: float = PLOT_WIDTH
    label_width: float = LABEL_WIDTH
    strip_height: float = STRIP_HEIGHT

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class _Axis:
    start: date
    end: date

    def x(self, day: date, *, after: bool = False) -> float:
        days_before = (day - self.start).days + int(
            after
        )  # counted, not added: `end` may be date.max
        return round(PLOT_LEFT + PLOT_WIDTH * days_before / ((self.end - self.start).days + 1), 2)

    def x_end(self, day: date) -> float:
        return self.x(day, after=True)


def trend_chart(series: Sequence[CompanySeries], start: date, end: date) -> TrendChart:
    """The chart of `series` from `start` to `end` (inclusive)."""
    if start > end:
        raise ValueError(f"the range starts ({start}) after it ends ({end})")
    slugs = [company.slug for company in series]
    if len(set(slugs)) != len(slugs):
        raise ValueError("two series share a slug")
    axis = _Axis(start, end)
    tracks = sorted(
        ((c, _segments(c.changes, axis)) for c in series), key=lambda t: _rank_key(t, end)
    )
    rows = tuple(_row(rank, *track, end) for rank, track in enumerate(tracks, start=1))
    axis_y = ROWS_TOP + max(len(rows), 1) * (ROW_HEIGHT + ROW_GAP)
    return TrendChart(
        start=start,
        end=end,
        height=axis_y + AXIS_HEIGHT,
        axis_y=axis_y,
        rows=rows,
        leaders=_leader_periods(rows, axis),
        ticks=_ticks(axis),
    )


def _segments(changes: Sequence[Change], axis: _Axis) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    for index, change in enumerate(changes):
        following = changes[index + 1].on - ONE_DAY if index + 1 < len(changes) else axis.end
        first, last = max(change.on, axis.start), min(following, axis.end)
        if first > last or change.parent is not None:
            continue  # before the range, after it, overridden on the same day, or not independent
        previous = segments[-1] if segments else None
        if (
            previous
            and previous.end + ONE_DAY == first
            and (previous.owned, previous.covered) == (change.owned, change.covered)
        ):
            first = segments.pop().start
        segments.append(
            Segment(first, last, change.owned, change.covered, axis.x(first), axis.x_end(last))
        )
    return tuple(segments)


def _last_day(segments: Sequence[Segment], end: date) -> Segment | None:
    """The segment holding on `end`, if any."""
    return segments[-1] if segments and segments[-1].end == end else None


def _rank_key(
    track: tuple[CompanySeries, tuple[Segment, ...]], end: date
) -> tuple[int, int, int, str, str]:
    company, segments = track
    last = _last_day(segments, end)
    owned_area = sum(s.owned * ((s.end - s.start).days + 1) for s in segments)
    return (
        -(last.owned if last else 0),
        -(last.covered if last else 0),
        -owned_area,
        company.name.casefold(),
        company.slug,
    )


def _row(rank: int, company: CompanySeries, segments: tuple[Segment, ...], end: date) -> Row:
    y = ROWS_TOP + (rank - 1) * (ROW_HEIGHT + ROW_GAP)
    baseline = y + ROW_HEIGHT - ROW_PADDING
    last = _last_day(segments, end)
    return Row(
        rank=rank,
        slug=company.slug,
        name=company.name,
        label=fit_text(company.name, LABEL_WIDTH - 2 * TEXT_PADDING),
        y=y,
        baseline=baseline,
        owned_at_end=last.owned if last else 0,
        covered_at_end=last.covered if last else 0,
        drawn_until=segments[-1].end if segments and not last else None,
        segments=segments,
        covered_path=_step_path(segments, baseline, lambda s: s.covered),
        owned_path=_step_path(segments, baseline, lambda s: s.owned),
    )


def _step_path(
    segments: Sequence[Segment], baseline: float, value: Callable[[Segment], int]
) -> str:
    """One closed area per run of days drawn (a company under a parent leaves a gap)."""
    runs: list[list[Segment]] = []
    for segment in segments:
        if runs and runs[-1][-1].end + ONE_DAY == segment.start:
            runs[-1].append(segment)
        else:
            runs.append([segment])
    return " ".join(_run_path(run, baseline, value) for run in runs)


def _run_path(segments: Sequence[Segment], baseline: float, value: Callable[[Segment], int]) -> str:
    points = [(segments[0].x, baseline)]
    for segment in segments:
        top = baseline - LAYER_HEIGHT * value(segment)
        if len(points) > 1 and points[-1][1] == top:  # the other value changed: no step here
            points[-1] = (segment.x_end, top)
        else:
            points += [(segment.x, top), (segment.x_end, top)]
    points.append((segments[-1].x_end, baseline))
    return "M" + " L".join(f"{_number(x)},{_number(y)}" for x, y in points) + " Z"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _leader_periods(rows: Sequence[Row], axis: _Axis) -> tuple[LeaderPeriod, ...]:
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.slug))
    place = {row.slug: index for index, row in enumerate(by_name)}
    # Nobody's values change between two segment starts, so each such stretch has one set of
    # leaders. Walk the starts in order, keeping who holds which values (a segment lasts until
    # the row's next one begins): each day costs its changes, not every row.
    # A company leaves the contest the day after a segment not followed by the next day's.
    starting: defaultdict[date, list[tuple[Row, tuple[int, int] | None]]] = defaultdict(list)
    for row in rows:
        for index, segment in enumerate(row.segments):
            starting[segment.start].append((row, (segment.owned, segment.covered)))
            following = row.segments[index + 1].start if index + 1 < len(row.segments) else None
            if following != segment.end + ONE_DAY and segment.end < axis.end:
                starting[segment.end + ONE_DAY].append((row, None))
    days = sorted(starting)
    if not days:
        return ()
    held: dict[str, tuple[int, int]] = {}
    holders: defaultdict[tuple[int, int], set[str]] = defaultdict(set)
    runs: list[_Run] = []
    leaders: tuple[Row, ...] = ()
    for first, last in zip(days, [*(day - ONE_DAY for day in days[1:]), axis.end], strict=True):
        touched = set()
        for row, values in starting[first]:
            if row.slug in held:
                before = held.pop(row.slug)
                holders[before].discard(row.slug)
                touched.add(before)
            if values is not None:
                held[row.slug] = values
                holders[values].add(row.slug)
                touched.add(values)
        lead = max((values for values, slugs in holders.items() if slugs), default=None)
        if lead is None or lead == (0, 0):  # nobody holds a layer yet: nobody leads
            continue
        if lead in touched or not runs or runs[-1].lead != lead:
            leaders = tuple(by_name[i] for i in sorted(place[slug] for slug in holders[lead]))
        if (
            runs
            and (runs[-1].leaders, runs[-1].lead) == (leaders, lead)
            and (runs[-1].end + ONE_DAY == first)
        ):
            runs[-1] = _Run(runs[-1].start, last, leaders, lead)
        else:
            runs.append(_Run(first, last, leaders, lead))
    return tuple(_leader_period(run, axis, n) for n, run in enumerate(runs, start=1))


@dataclass(frozen=True)
class _Run:
    start: date
    end: date
    leaders: tuple[Row, ...]
    lead: tuple[int, int]  # the leaders' (owned, covered)


def _leader_period(run: _Run, axis: _Axis, number: int) -> LeaderPeriod:
    start, end = run.start, run.end
    named = [row.name for row in run.leaders[:MAX_NAMED_LEADERS]]
    others = len(run.leaders) - len(named)
    names = ", ".join(named) + (f" and {others:,} others" if others else "")
    owned, covered = run.lead
    x, x_end = axis.x(start), axis.x_end(end)
    return LeaderPeriod(
        start=start,
        end=end,
        leaders=tuple(row.slug for row in run.leaders),
        names=tuple(row.name for row in run.leaders),
        owned=owned,
        covered=covered,
        x=x,
        x_end=x_end,
        number=number,
        text=_band_text(names, str(number), x_end - x - 2 * TEXT_PADDING),
        title=f"{start.isoformat()} to {end.isoformat()}: {names} "
        f"({owned} owned, {covered} covered layers)",
    )


def _band_text(names: str, number: str, width: float) -> str:
    """The names whole when they fit, else the band's number when it fits, else nothing."""
    for text in (names, number):
        if _width(text) <= width:
            return text
    return ""


def _ticks(axis: _Axis) -> tuple[Tick, ...]:
    months = (axis.end.year - axis.start.year) * 12 + axis.end.month - axis.start.month
    ticks = _year_ticks(axis) if months >= 36 else _month_ticks(axis, 3 if months >= 12 else 1)
    # Over millennia a day is narrower than the rounding of x: a tick may land on an edge.
    return tuple(tick for tick in ticks if PLOT_LEFT < tick.x < PLOT_LEFT + PLOT_WIDTH)


def _year_ticks(axis: _Axis) -> list[Tick]:
    # January 1st of the first year is on or before `start`, so never strictly inside the plot.
    years = range(axis.start.year + 1, axis.end.year + 1)
    for step in YEAR_STEPS:  # the last fits any range of years `date` can hold
        shown = [year for year in years if year % step == 0]
        if len(shown) <= MAX_YEAR_TICKS:
            break
    return [Tick(axis.x(date(year, 1, 1)), str(year)) for year in shown]


def _month_ticks(axis: _Axis, step: int) -> list[Tick]:
    ticks: list[Tick] = []
    for day in _month_starts(axis.start, axis.end, step):
        label = MONTHS[day.month - 1]
        ticks.append(
            Tick(axis.x(day), f"{label} {day.year}" if day.month == 1 or not ticks else label)
        )
    return ticks


def _month_starts(start: date, end: date, step: int) -> Iterator[date]:
    """First days of months after `start` up to `end`, on months aligned to `step` (quarters)."""
    months = start.year * 12 + (start.month - 1) // step * step
    while months < 12 * (MAXYEAR + 1) and (day := date(months // 12, months % 12 + 1, 1)) <= end:
        if day > start:
            yield day
        months += step


def fit_text(text: str, width: float) -> str:
    """`text` on one line within `width` (estimated), cut and ended with "…" when too long."""
    printable = "".join(c for c in " ".join(text.split()) if unicodedata.category(c) != "Cc")
    if _width(printable) <= width:
        return printable
    room, kept = width - _advance(ELLIPSIS), 0
    for character in printable:
        room -= _advance(character)
        if room < 0:
            break
        kept += 1
    if not kept:
        return ELLIPSIS if width >= _advance(ELLIPSIS) else ""
    return printable[:kept].rstrip() + ELLIPSIS


def _width(text: str) -> float:
    return sum(map(_advance, text))


def _advance(character: str) -> float:
    if unicodedata.combining(character) or unicodedata.category(character) == "Cf":
        return 0.0
    return CHAR_WIDTH * (2 if unicodedata.east_asian_width(character) in ("W", "F") else 1)
