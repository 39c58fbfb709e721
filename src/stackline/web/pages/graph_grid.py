"""The `/graph` page's grid in coordinates: columns and the gutters between them, rows and the
channels between them, each gap as wide as its lanes need (`graph_routing`), and the four bands.

Left to right: the band titles, then gutter 0, column 0, gutter 1, … column n−1, gutter n, a
margin. Top down: channel 0 (the sky, where company → company edges run), the header row,
channel 1, the application band's rows with a channel above each, and so on down to the
hardware band's last row and the channel below it. A band runs from the middle of the channel
above its first row to the middle of the one below its last (the bottom of the page's last).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from stackline.web.pages.graph_routing import Grid, RoutePlan, Slot, gap_size

LAYERS_TOP_DOWN = ("application", "model", "compute", "hardware")
ROW_HEIGHT, ROW_GAP, BAND_PADDING = 22.0, 6.0, 8.0
HEADER_HEIGHT, HEADER_GAP = 28.0, 12.0
COLUMN_GAP = 14.0
BAND_TITLE_WIDTH, MARGIN, MIN_WIDTH = 92.0, 12.0, 480.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class LayoutGrid:
    width: float
    height: float
    column_xs: Sequence[float]
    column_widths: Sequence[float]
    row_ys: Sequence[float]  # row 0 is the header row
    bands: Mapping[str, Box]  # top down
    gaps: Grid

    @property
    def bottom(self) -> float:
        """The bottom of the last band."""
        return self.bands[LAYERS_TOP_DOWN[-1]].bottom

    def cell(self, slot: Slot) -> Box:
        height = HEADER_HEIGHT if slot.row == 0 else ROW_HEIGHT
        x, width = self.column_xs[slot.column], self.column_widths[slot.column]
        return Box(x, self.row_ys[slot.row], width, height)


def grid_of(plan: RoutePlan, widths: Sequence[float], band_rows: Mapping[str, int]) -> LayoutGrid:
    """The grid for columns of `widths` and bands of `band_rows` rows, its gaps fitting `plan`."""
    gutters, column_xs = _across(plan, widths)
    least = _least_channels(band_rows)
    channels: list[tuple[float, float]] = []
    row_ys: list[float] = []
    y = 0.0
    for index, smallest in enumerate(least):
        size = gap_size(*plan.lanes_of(("channel", index)), smallest)
        channels.append((y, size))
        y += size
        if index < len(least) - 1:
            row_ys.append(y)
            y += HEADER_HEIGHT if index == 0 else ROW_HEIGHT
    bands = _bands(channels, band_rows, max(MIN_WIDTH, gutters[-1][0] + gutters[-1][1] + MARGIN))
    width = max(MIN_WIDTH, gutters[-1][0] + gutters[-1][1] + MARGIN)
    height = bands[LAYERS_TOP_DOWN[-1]].bottom + MARGIN
    return LayoutGrid(width, height, column_xs, list(widths), row_ys, bands,
                      Grid(gutters, channels))  # fmt: skip


def _across(
    plan: RoutePlan, widths: Sequence[float]
) -> tuple[list[tuple[float, float]], list[float]]:
    gutters: list[tuple[float, float]] = []
    column_xs: list[float] = []
    x = BAND_TITLE_WIDTH
    for index in range(len(widths) + 1):
        size = gap_size(*plan.lanes_of(("gutter", index)), COLUMN_GAP)
        gutters.append((x, size))
        x += size
        if index < len(widths):
            column_xs.append(x)
            x += widths[index]
    return gutters, column_xs


def _least_channels(band_rows: Mapping[str, int]) -> list[float]:
    """The least height of each channel, top down: the sky, below the headers, then the rows'."""
    least = [MARGIN, HEADER_GAP + BAND_PADDING]
    for index, layer in enumerate(LAYERS_TOP_DOWN):
        if index:
            least.append(2 * BAND_PADDING)
        least += [ROW_GAP] * (band_rows[layer] - 1)
    return [*least, BAND_PADDING]


def _bands(
    channels: Sequence[tuple[float, float]], band_rows: Mapping[str, int], width: float
) -> dict[str, Box]:
    bands: dict[str, Box] = {}
    first_row = 1
    for index, layer in enumerate(LAYERS_TOP_DOWN):
        top_channel, bottom_channel = channels[first_row], channels[first_row + band_rows[layer]]
        top = top_channel[0] + top_channel[1] / 2
        last = index == len(LAYERS_TOP_DOWN) - 1
        bottom = bottom_channel[0] + (bottom_channel[1] if last else bottom_channel[1] / 2)
        bands[layer] = Box(0.0, top, width, bottom - top)
        first_row += band_rows[layer]
    return bands
