"""The "layers over time" chart as plain SVG geometry, computed on the server (no JavaScript).

It starts on the company's founding (the first point of its history) and runs to the later of
the day shown and today; years are labelled in full.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from stackline.domain.values import LAYERS
from stackline.services.history import HistoryPoint

WIDTH, ROW_HEIGHT, LABEL_WIDTH, AXIS_HEIGHT = 760, 26, 100, 22


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    presence: str
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    rows: list[tuple[str, int]]
    marker: float | None
    label_width: int = LABEL_WIDTH

    @property
    def empty(self) -> bool:
        return not self.bars


def layer_chart(points: list[HistoryPoint], as_of: date, end: date) -> Chart:
    """One row per layer (application on top); a bar per stretch of unchanged presence."""
    layers = [layer.value for layer in reversed(LAYERS)]
    rows = [(layer, AXIS_HEIGHT + i * ROW_HEIGHT) for i, layer in enumerate(layers)]
    height = AXIS_HEIGHT + len(layers) * ROW_HEIGHT + 4
    if not points:
        return Chart(WIDTH, height, [], [], rows, None)
    start = points[0].day  # the company's founding
    span = max((end - start).days, 1)
    plot = WIDTH - LABEL_WIDTH - 10

    def x_of(day: date) -> float:
        return LABEL_WIDTH + plot * min(max((day - start).days, 0), span) / span

    bars = []
    for index, point in enumerate(points):
        until = points[index + 1].day if index + 1 < len(points) else end
        for layer, y in rows:
            presence = point.presence[layer]
            if presence == "none":
                continue
            title = f"{layer}: {presence} from {point.day.isoformat()}"
            bars.append(
                Bar(
                    x_of(point.day), y + 3, max(x_of(until) - x_of(point.day), 1.5), presence, title
                )
            )
    ticks = date_ticks(start, end, x_of)
    marker = x_of(as_of) if start <= as_of <= end else None
    return Chart(WIDTH, height, bars, ticks, rows, marker)


def date_ticks(start: date, end: date, x_of: Callable[[date], float]) -> list[Tick]:
    """Year marks for long histories; quarter or month marks when the history is short."""
    years = end.year - start.year
    if years >= 3:
        step = max(1, years // 8)
        return [
            Tick(x_of(date(y, 1, 1)), str(y)) for y in range(start.year + 1, end.year + 1, step)
        ]
    months = 3 if years >= 1 else 1
    ticks: list[Tick] = []
    day = date(start.year, start.month, 1)
    while day <= end:
        if day > start:
            label = day.strftime("%b %Y") if day.month == 1 or not ticks else day.strftime("%b")
            ticks.append(Tick(x_of(day), label))
        month = day.month - 1 + months
        day = date(day.year + month // 12, month % 12 + 1, 1)
    return ticks
