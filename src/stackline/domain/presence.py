"""Presence over all of time, composed from intervals: what the stored presence projection keeps.

A company's presence in a layer (DESIGN §3) is, on each day, the strongest of: its own rows
(an available owned asset, an active partnership, anything merely announced), a stake (an
investee, or one of its subsidiaries, owning an available asset in the layer), and the presence
of each company it owns that day. As step functions of time that is a `max` of step functions,
composed once per company (memoised down the ownership tree) instead of once per day.
`matrix_rows` cuts a company's history into rows that hold one matrix row each: its four
presences, its parent and its name.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from stackline.domain.stack import PRESENCE_ORDER, Presence
from stackline.domain.values import LAYERS

# Levels, strongest last: presence is the level's word.
LEVEL_WORDS: tuple[Presence, ...] = ("none", "planned", "stake", "partner", "owned")
OWNED, PARTNER, STAKE, PLANNED = 4, 3, 2, 1
_TOP = 1 << 30  # above every level: bisecting (day, _TOP) finds the last point on or before day


@dataclass(frozen=True)
class StepFunction:
    """A step function of days: `points[i][1]` holds from `points[i][0]` until the next point;
    0 before the first."""

    points: tuple[tuple[date, int], ...] = ()

    def at(self, day: date) -> int:
        index = bisect_right(self.points, (day, _TOP)) - 1
        return self.points[index][1] if index >= 0 else 0

    def intervals(self) -> list[tuple[date, date | None, int]]:
        if not self.points:
            return []
        ends: list[date | None] = [start for start, _ in self.points[1:]]
        ends.append(None)
        return [(start, end, level) for (start, level), end in zip(self.points, ends, strict=True)]

    def within(self, start: date, end: date | None) -> StepFunction:
        """This function on `[start, end)`, 0 elsewhere."""
        points = [(start, self.at(start))]
        points += [p for p in self.points if p[0] > start and (end is None or p[0] < end)]
        if end is not None and end > start:
            points.append((end, 0))
        elif end is not None:
            return StepFunction()
        return _steps(points)


def _steps(points: Iterable[tuple[date, int]]) -> StepFunction:
    """A step function from (day, level) points in day order: leading zeros and repeats dropped."""
    kept: list[tuple[date, int]] = []
    for day, level in points:
        if kept and kept[-1][0] == day:
            kept.pop()
        if (kept and kept[-1][1] == level) or (not kept and level == 0):
            continue
        kept.append((day, level))
    return StepFunction(tuple(kept))


def max_of_intervals(intervals: Iterable[tuple[date, date | None, int]]) -> StepFunction:
    """The step function that is, on each day, the highest level among the intervals holding it."""
    changes: list[tuple[date, int, int]] = []
    for start, end, level in intervals:
        if level <= 0 or (end is not None and end <= start):
            continue
        changes.append((start, level, 1))
        if end is not None:
            changes.append((end, level, -1))
    changes.sort()
    holding = [0] * len(LEVEL_WORDS)  # how many intervals hold each level
    points: list[tuple[date, int]] = []
    for day, level, delta in changes:
        holding[level] += delta
        points.append((day, _top(holding)))
    return _steps(points)


def _top(holding: list[int]) -> int:
    for level in range(len(holding) - 1, 0, -1):
        if holding[level]:
            return level
    return 0


def maximum(functions: Iterable[StepFunction]) -> StepFunction:
    """The pointwise maximum, by one sweep over every function's points."""
    changes = sorted(
        (day, index, level)
        for index, function in enumerate(functions)
        for day, level in function.points
    )
    current: dict[int, int] = {}
    holding = [0] * len(LEVEL_WORDS)  # how many functions are at each level above 0
    points: list[tuple[date, int]] = []
    for day, index, level in changes:
        before = current.get(index, 0)
        if before:
            holding[before] -= 1
        if level:
            holding[level] += 1
        current[index] = level
        points.append((day, _top(holding)))
    return _steps(points)


@dataclass(frozen=True)
class Row:
    """A stack row as presence needs it: who holds what, how, over `[valid_from, valid_to)`;
    a partner row names the companies on the other side (`counterparts`)."""

    layer: str
    relation: str  # owned or partner
    available: bool
    valid_from: date
    valid_to: date | None
    counterparts: tuple[str, ...] = ()

    @property
    def level(self) -> int:
        """The presence this row gives its holder while it holds."""
        if not self.available:
            return PLANNED
        return OWNED if self.relation == "owned" else PARTNER


Span = tuple[date, date | None, str]  # [valid_from, valid_to) and what holds: a name, an owner


@dataclass
class PresenceInputs:
    """Everything presence is composed from, for a set of companies and what they reach."""

    founded: dict[str, date] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    # Ownership: the spans of each target's owners; names: the spans of each company's names.
    links: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))
    names: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))
    holdings: dict[str, list[tuple[str, date]]] = field(default_factory=lambda: defaultdict(list))
    # The owners over time of every company a partner row or a stake may share a group with
    # (the holders, their counterparts and investees, and all their owners): `Groups`.
    owners: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))

    def owned_spans(self) -> dict[str, list[tuple[str, date, date | None]]]:
        """For each owner, (child, start, end): the days it owned the child."""
        spans: dict[str, list[tuple[str, date, date | None]]] = defaultdict(list)
        for child, links in self.links.items():
            for start, end, acquirer in links:
                spans[acquirer].append((child, start, end))
        return spans


class Groups:
    """Ownership groups over time (DESIGN §9.5): two companies are in one group on a day when
    they have the same top-level owner that day. A partnership or a stake within one group adds
    nothing to either side's presence, so those days are cut out of its row."""

    def __init__(self, owners: dict[str, list[Span]]) -> None:
        self.owners = {company: sorted(spans) for company, spans in owners.items()}
        self._spans: dict[tuple[str, ...], list[tuple[date, date | None]]] = {}

    def top(self, company: str, day: date) -> str:
        seen = {company}
        while (
            parent := _holding(sorted(self.owners.get(company, [])), day)
        ) and parent not in seen:
            seen.add(parent)
            company = parent
        return company

    def together(self, company: str, others: tuple[str, ...]) -> list[tuple[date, date | None]]:
        """The stretches of days `[start, end)` on which `company` and every one of `others`
        are in one group (none when `others` is empty)."""
        key = (company, *others)
        if key not in self._spans:
            self._spans[key] = self._together(company, others) if others else []
        return self._spans[key]

    def _together(self, company: str, others: tuple[str, ...]) -> list[tuple[date, date | None]]:
        chain, queue = set(), [company, *others]
        while queue:  # everyone who ever owned one of them, transitively
            current = queue.pop()
            if current not in chain:
                chain.add(current)
                queue.extend(owner for _, _, owner in self.owners.get(current, []))
        days = {d for c in chain for span in self.owners.get(c, []) for d in span[:2] if d}
        starts = [date.min, *sorted(days)]
        found: list[tuple[date, date | None]] = []
        for start, end in zip(starts, [*starts[1:], None], strict=True):
            group = self.top(company, start)
            if all(self.top(other, start) == group for other in others):
                if found and found[-1][1] == start:
                    found[-1] = (found[-1][0], end)
                else:
                    found.append((start, end))
        return found


def _without(
    start: date, end: date | None, cut: list[tuple[date, date | None]]
) -> list[tuple[date, date | None]]:
    """`[start, end)` less the stretches of `cut` (sorted, apart)."""
    kept: list[tuple[date, date | None]] = []
    low: date | None = start
    for cut_start, cut_end in cut:
        if low is None or (end is not None and cut_start >= end):
            break
        if cut_end is not None and cut_end <= low:
            continue
        if cut_start > low:
            kept.append((low, cut_start if end is None else min(cut_start, end)))
        low = cut_end
    if low is not None and (end is None or low < end):
        kept.append((low, end))
    return kept


Window = tuple[date | None, date | None]  # [start, end); None: unbounded
EVER: Window = (None, None)


def _narrowed(window: Window, start: date, end: date | None) -> tuple[date, date | None] | None:
    """`window` ∩ `[start, end)`, or None when they do not meet."""
    low = start if window[0] is None else max(window[0], start)
    high = end if window[1] is None else (window[1] if end is None else min(window[1], end))
    return None if high is not None and high <= low else (low, high)


class PresenceComposer:
    """Composes presence (and available ownership) per company and layer, memoised.

    A company's presence takes in each subsidiary's over the days it owned it. Ownership can turn
    around over time (a bought its later owner b, years before b bought a), though never on one
    day: so a subsidiary is composed over a window — the days every link on the way down held —
    and a way back up to a company already on it finds an empty window and stops.
    """

    def __init__(self, inputs: PresenceInputs) -> None:
        self.inputs = inputs
        self.spans = inputs.owned_spans()
        self.groups = Groups(inputs.owners)
        self._presence: dict[tuple[str, str, Window], StepFunction] = {}
        self._available: dict[tuple[str, str, Window], StepFunction] = {}

    def presence(self, company: str, layer: str, window: Window = EVER) -> StepFunction:
        key = (company, layer, window)
        if key not in self._presence:
            parts = [self._own(company, layer), self._stake(company, layer)]
            for child, start, end in self.spans.get(company, []):
                narrowed = _narrowed(window, start, end)
                if narrowed is not None:
                    parts.append(self.presence(child, layer, narrowed).within(*narrowed))
            self._presence[key] = maximum(parts)
        return self._presence[key]

    def available_owned(self, company: str, layer: str, window: Window = EVER) -> StepFunction:
        key = (company, layer, window)
        if key not in self._available:
            parts = [
                max_of_intervals(
                    (r.valid_from, r.valid_to, 1)
                    for r in self.inputs.rows.get(company, [])
                    if r.layer == layer and r.relation == "owned" and r.available
                )
            ]
            for child, start, end in self.spans.get(company, []):
                narrowed = _narrowed(window, start, end)
                if narrowed is not None:
                    parts.append(self.available_owned(child, layer, narrowed).within(*narrowed))
            self._available[key] = maximum(parts)
        return self._available[key]

    def _own(self, company: str, layer: str) -> StepFunction:
        rows = self.inputs.rows.get(company, [])
        return max_of_intervals(
            (start, end, r.level)
            for r in rows
            if r.layer == layer
            for start, end in self._outside_group(company, r)
        )

    def _outside_group(self, company: str, row: Row) -> list[tuple[date, date | None]]:
        if row.relation != "partner" or not row.counterparts:
            return [(row.valid_from, row.valid_to)]
        cut = self.groups.together(company, row.counterparts)
        return (
            _without(row.valid_from, row.valid_to, cut) if cut else [(row.valid_from, row.valid_to)]
        )

    def _stake(self, company: str, layer: str) -> StepFunction:
        parts = []
        for investee, since in self.inputs.holdings.get(company, []):
            stake = StepFunction(
                tuple(
                    (day, STAKE if v else 0)
                    for day, v in self.available_owned(investee, layer).points
                )
            )
            for start, end in _without(since, None, self.groups.together(company, (investee,))):
                parts.append(stake.within(start, end))
        return maximum(parts)


class PresenceRow(NamedTuple):
    """From `valid_from` until `valid_to`, the company's matrix row (a tuple: matrices and
    series build thousands of them per answer)."""

    company: str
    valid_from: date
    valid_to: date | None
    presence: dict[str, Presence]
    parent: str | None
    name: str

    @property
    def owned_count(self) -> int:
        return sum(1 for p in self.presence.values() if p == "owned")

    @property
    def covered_count(self) -> int:
        return sum(1 for p in self.presence.values() if p in ("owned", "partner"))

    @property
    def strength(self) -> int:
        return sum(PRESENCE_ORDER.index(p) for p in self.presence.values())

    @property
    def rank(self) -> tuple[int, int, int, str, str]:
        """The matrix's order (`stack.compose_matrix`): most owned layers, most covered, the
        strongest presences, then name and slug."""
        return (
            4 - self.owned_count, 4 - self.covered_count, self.strength, self.name.casefold(),
            self.company,
        )  # fmt: skip


def matrix_rows(
    composer: PresenceComposer, company: str, since: date | None = None
) -> list[PresenceRow]:
    """The company's matrix row over time, from its founding (or from `since`, when later: the
    composer's inputs may then hold only what overlaps `[since, …)`), one row per stretch in
    which its presences, its parent and its name all stay the same."""
    inputs = composer.inputs
    founded = inputs.founded.get(company)
    if founded is None:
        return []
    start = max(founded, since) if since is not None else founded
    window: Window = (start, None) if since is not None else EVER
    layers = {layer.value: composer.presence(company, layer.value, window) for layer in LAYERS}
    parents = sorted(inputs.links.get(company, []))
    names = sorted(inputs.names.get(company, []))
    days = {start} | {d for f in layers.values() for d, _ in f.points}
    days |= {d for span in (*parents, *names) for d in span[:2] if d is not None}
    ordered = sorted(d for d in days if d >= start)
    rows: list[PresenceRow] = []
    for day in ordered:
        presence = {layer: LEVEL_WORDS[f.at(day)] for layer, f in layers.items()}
        parent = _holding(parents, day)
        name = _holding(names, day) or company
        if rows and (rows[-1].presence, rows[-1].parent, rows[-1].name) == (presence, parent, name):
            continue
        if rows:
            rows[-1] = _ending(rows[-1], day)
        rows.append(PresenceRow(company, day, None, presence, parent, name))
    return rows


def _holding(spans: list[Span], day: date) -> str | None:
    """What holds on `day` among spans that do not overlap, sorted by their start."""
    index = bisect_right(spans, day, key=lambda span: span[0]) - 1
    if index < 0:
        return None
    end = spans[index][1]
    return spans[index][2] if end is None or day < end else None


def _ending(row: PresenceRow, day: date) -> PresenceRow:
    return PresenceRow(row.company, row.valid_from, day, row.presence, row.parent, row.name)
