"""The "compute capacity" chart as plain SVG geometry, computed on the server (no JavaScript).

Two panels, megawatts above H100-equivalents, each a step chart of owned capacity (dark) with
contracted capacity stacked on it (light), from January 1st of the first year with any
capacity to the later of the day shown and today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stackline.domain.capacity import CapacityPoint
from stackline.web.pages.charts import LABEL_WIDTH, WIDTH, Tick, date_ticks

PANEL_HEIGHT, GAP, AXIS_HEIGHT = 110, 26, 22
FIGURES = (("Megawatts", "capacity_mw"), ("H100-equivalents", "h100e"))


@dataclass(frozen=True)
class Panel:
    title: str
    top: float
    base: float
    owned: str  # SVG polygon points
    total: str
    peak: str  # the axis's top value, written for people
    peak_y: float


@dataclass(frozen=True)
class CapacityChart:
    width: int
    height: int
    panels: list[Panel]
    ticks: list[Tick]
    marker: float | None
    label_width: int = LABEL_WIDTH

    @property
    def empty(self) -> bool:
        return not self.panels


def readable(value: float) -> str:
    """`1,879,735` → `1.88M`; `2,218` → `2,218`."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.2f}M"
    if value >= 100_000:
        return f"{value / 1_000:.0f}k"
    return f"{value:,.0f}" if value >= 10 else f"{value:g}"


def capacity_chart(points: list[CapacityPoint], as_of: date, end: date) -> CapacityChart:
    """The chart of a company's series (rows from its first day, one per change)."""
    busy = [p for p in points if any(p.totals)]
    if not busy:
        return CapacityChart(WIDTH, AXIS_HEIGHT, [], [], None)
    start = date(busy[0].on.year, 1, 1)
    span = max((end - start).days, 1)
    plot = WIDTH - LABEL_WIDTH - 10

    def x_of(day: date) -> float:
        return LABEL_WIDTH + plot * min(max((day - start).days, 0), span) / span

    panels = []
    for index, (title, figure) in enumerate(FIGURES):
        top = AXIS_HEIGHT + index * (PANEL_HEIGHT + GAP)
        owned = [(p.on, float(p.total("owned", figure))) for p in points]
        total = [(p.on, v + float(p.total("contracted", figure))) for (_, v), p in zip(owned, points, strict=True)]  # fmt: skip
        peak = max((v for _, v in total), default=0.0) or 1.0
        base = top + PANEL_HEIGHT

        def polygon(steps: list[tuple[date, float]], peak: float = peak, base: float = base) -> str:
            corners = [(x_of(start), base)]
            for i, (day, value) in enumerate(steps):
                until = steps[i + 1][0] if i + 1 < len(steps) else end
                y = base - PANEL_HEIGHT * value / peak
                corners += [(x_of(max(day, start)), y), (x_of(max(until, start)), y)]
            corners.append((x_of(end), base))
            return " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)

        panels.append(Panel(title, top, base, polygon(owned), polygon(total), readable(peak), top))
    height = AXIS_HEIGHT + len(FIGURES) * (PANEL_HEIGHT + GAP)
    marker = x_of(as_of) if start <= as_of <= end else None
    return CapacityChart(WIDTH, height, panels, date_ticks(start, end, x_of), marker)
