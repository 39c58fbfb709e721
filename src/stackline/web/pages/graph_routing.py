"""Where the `/graph` page's edges run: orthogonal routes in the gaps between boxes, never across.

The page is a grid: company columns with a **gutter** left of each (and one after the last), rows
(the header row, then the bands' rows) with a **channel** above each (and one below the last). Boxes
sit only in the cells, so a line that keeps to gutters and channels crosses no box. So:

- A company → company edge leaves its header's top, runs along the channel above the header row
  (the sky) and drops onto the other header's top.
- An asset edge leaves the side of its box facing the target (the right side when both share a
  column), runs along the gutter beside it; if the target is in the next column (or its own) it
  goes straight along that gutter to the target's row, else it turns along the channel next to the
  target's row (on the source's side) to the gutter beside the target, and in.
- Lines share a lane only where they carry one **net**: the edges of one kind entering one side
  of one box share their last lanes (a bundle that merges into the target), and those leaving one
  side of one box share their first gutter lane. Other lines get lanes of their own, the shortest
  nearest the cells; in a gutter the lanes serving the left column keep to its left side, those
  serving the right column to its right, so a line leaving a box crosses no lane before its own.
- Ends of one net meet a box side at one port; a side's ports spread evenly along it, those of
  the right and left sides a little apart, so lines from two facing boxes never run on one line.

`plan_routes` does the grid part (which gutters, channels and lanes), so the layout can size the
gaps; `draw_routes` turns the plan into polylines once the grid has coordinates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from stackline.web.pages.graph_grid import Box
    from stackline.web.pages.graph_layout import GraphEdge

Side = Literal["top", "bottom", "left", "right"]
Point = tuple[float, float]
Medium = tuple[Literal["gutter", "channel"], int]
Net = tuple[str, ...]
End = Literal["low", "high"]

LANE_GAP = 5.0  # between two lanes, and between a lane and a box
PORT_STAGGER = 1.5  # right-side ports sit this much above the middle, left-side ones below


class Slot(NamedTuple):
    """Where a node sits: its column, and its row (0 is the header row)."""

    column: int
    row: int


class Port(NamedTuple):
    node: str
    side: Side
    key: tuple[str, str]  # ("in" or "out", the edge's kind): one port per net on a side


class Segment(NamedTuple):
    """A straight run along one gutter (vertical) or channel (horizontal), in grid units: row r
    and column c are 2r + 1 and 2c + 1, the channel above row r and gutter left of c are 2r, 2c."""

    medium: Medium
    low: int
    high: int
    net: Net
    end: End  # which side of the medium its lanes are counted from


@dataclass(frozen=True)
class PlannedRoute:
    edge: GraphEdge
    start: Port
    end: Port
    segments: tuple[Segment, ...]  # in the order the line runs


@dataclass(frozen=True)
class RoutePlan:
    routes: tuple[PlannedRoute, ...]
    lanes: Mapping[tuple[PlannedRoute, int], int]  # (route, segment index) → lane on its end
    lane_counts: Mapping[tuple[Medium, str], int]  # (medium, end) → lanes used

    def lanes_of(self, medium: Medium) -> tuple[int, int]:
        """How many lanes `medium` needs from its low end and from its high end."""
        return self.lane_counts.get((medium, "low"), 0), self.lane_counts.get((medium, "high"), 0)


def plan_routes(
    edges: Sequence[GraphEdge],
    slots: Mapping[str, Slot],
    sort_key: Callable[[GraphEdge], tuple[str, ...]],
) -> RoutePlan:
    """The grid route of every edge; company → company edges are those between two row-0 slots."""
    routes = tuple(_plan(edge, slots[edge.source], slots[edge.target]) for edge in edges)
    by_medium: dict[tuple[Medium, str], list[tuple[PlannedRoute, int]]] = defaultdict(list)
    for route in sorted(routes, key=lambda route: sort_key(route.edge)):
        for index, segment in enumerate(route.segments):
            by_medium[segment.medium, segment.end].append((route, index))
    lanes: dict[tuple[PlannedRoute, int], int] = {}
    counts: dict[tuple[Medium, str], int] = {}
    for key, members in by_medium.items():
        counts[key] = _assign_lanes(members, lanes)
    return RoutePlan(routes, lanes, counts)


def _plan(edge: GraphEdge, source: Slot, target: Slot) -> PlannedRoute:
    kind = edge.kind
    into: Net = (edge.target, "in", kind)
    if source.row == 0 and target.row == 0:
        low, high = _span(2 * source.column + 1, 2 * target.column + 1)
        sky = Segment(("channel", 0), low, high, into, "high")
        return PlannedRoute(edge, Port(edge.source, "top", ("out", kind)),
                            Port(edge.target, "top", ("in", kind)), (sky,))  # fmt: skip
    out_side: Side = "left" if target.column < source.column else "right"
    in_side: Side = "left" if target.column > source.column else "right"
    first = source.column + (1 if out_side == "right" else 0)
    last = target.column + (1 if in_side == "right" else 0)
    start = Port(edge.source, out_side, ("out", kind))
    end = Port(edge.target, in_side, ("in", kind))
    source_end: End = "low" if out_side == "right" else "high"
    target_end: End = "low" if in_side == "right" else "high"
    row_from, row_to = 2 * source.row + 1, 2 * target.row + 1
    if first == last:
        segment = Segment(("gutter", first), *_span(row_from, row_to), into, target_end)
        return PlannedRoute(edge, start, end, (segment,))
    # Along the channel next to the target's row, on the source's side (above it on one row).
    channel = target.row + 1 if target.row < source.row else target.row
    leaving_net: Net = (edge.source, out_side, "out", kind)
    leaving = Segment(("gutter", first), *_span(row_from, 2 * channel), leaving_net, source_end)
    across_end: End = "high" if target.row >= channel else "low"
    across = Segment(("channel", channel), *_span(2 * first, 2 * last), into, across_end)
    arriving = Segment(("gutter", last), *_span(2 * channel, row_to), into, target_end)
    return PlannedRoute(edge, start, end, (leaving, across, arriving))


def _span(first: int, second: int) -> tuple[int, int]:
    return min(first, second), max(first, second)


def _assign_lanes(
    members: list[tuple[PlannedRoute, int]], lanes: dict[tuple[PlannedRoute, int], int]
) -> int:
    """Shortest runs first, each in the first lane where whatever it overlaps is of its net."""
    taken: list[list[Segment]] = []

    def length(member: tuple[PlannedRoute, int]) -> int:
        segment = member[0].segments[member[1]]
        return segment.high - segment.low

    for member in sorted(members, key=length):  # stable: ties keep the edges' order
        segment = member[0].segments[member[1]]
        for lane, occupied in enumerate(taken):
            if all(other.net == segment.net or not _overlap(other, segment) for other in occupied):
                occupied.append(segment)
                lanes[member] = lane
                break
        else:
            taken.append([segment])
            lanes[member] = len(taken) - 1
    return len(taken)


def _overlap(first: Segment, second: Segment) -> bool:
    return first.low <= second.high and second.low <= first.high


@dataclass(frozen=True)
class Grid:
    """The coordinates of the grid's gaps: each gutter's (left, width), each channel's (top,
    height)."""

    gutters: Sequence[tuple[float, float]]
    channels: Sequence[tuple[float, float]]

    def lane(self, medium: Medium, end: str, lane: int) -> float:
        start, size = (self.gutters if medium[0] == "gutter" else self.channels)[medium[1]]
        offset = (lane + 1) * LANE_GAP
        return round(start + offset if end == "low" else start + size - offset, 1)


def gap_size(low_lanes: int, high_lanes: int, least: float) -> float:
    """How wide a gutter (or tall a channel) must be for its lanes, `least` at the least."""
    return max(least, (low_lanes + high_lanes + 1) * LANE_GAP)


class Route(NamedTuple):
    points: tuple[Point, ...]
    path: str  # an SVG path `d`: straight runs only


def draw_routes(plan: RoutePlan, boxes: Mapping[str, Box], grid: Grid) -> dict[GraphEdge, Route]:
    """Each planned route as a polyline on the grid's coordinates."""
    ports = _port_points(plan.routes, boxes)
    drawn: dict[GraphEdge, Route] = {}
    for route in plan.routes:
        start, end = ports[route.start], ports[route.end]
        lanes = [
            grid.lane(segment.medium, segment.end, plan.lanes[route, index])
            for index, segment in enumerate(route.segments)
        ]
        points = _polyline(start, end, route, lanes)
        drawn[route.edge] = Route(points, _path(points))
    return drawn


def _polyline(
    start: Point, end: Point, route: PlannedRoute, lanes: list[float]
) -> tuple[Point, ...]:
    if route.start.side == "top":  # through the sky
        (sky,) = lanes
        points = [start, (start[0], sky), (end[0], sky), end]
    elif len(lanes) == 1:
        (x,) = lanes
        points = [start, (x, start[1]), (x, end[1]), end]
    else:
        first, along, last = lanes
        points = [start, (first, start[1]), (first, along), (last, along), (last, end[1]), end]
    return _simplified(points)


def _simplified(points: list[Point]) -> tuple[Point, ...]:
    """The polyline without repeated points or points in the middle of a straight run."""
    kept: list[Point] = []
    for point in points:
        if kept and point == kept[-1]:
            continue
        if len(kept) >= 2 and _collinear(kept[-2], kept[-1], point):
            kept[-1] = point
        else:
            kept.append(point)
    return tuple(kept)


def _collinear(a: Point, b: Point, c: Point) -> bool:
    same_x = a[0] == b[0] == c[0] and (a[1] - b[1]) * (b[1] - c[1]) >= 0
    same_y = a[1] == b[1] == c[1] and (a[0] - b[0]) * (b[0] - c[0]) >= 0
    return same_x or same_y


def _port_points(routes: Sequence[PlannedRoute], boxes: Mapping[str, Box]) -> dict[Port, Point]:
    sides: dict[tuple[str, Side], set[tuple[str, str]]] = defaultdict(set)
    for route in routes:
        for port in (route.start, route.end):
            sides[port.node, port.side].add(port.key)
    points: dict[Port, Point] = {}
    for (node, side), keys in sides.items():
        ordered = sorted(keys)  # "in" before "out", then by kind
        for index, key in enumerate(ordered):
            fraction = (index + 1) / (len(ordered) + 1)
            points[Port(node, side, key)] = _point_on_side(boxes[node], side, fraction)
    return points


def _point_on_side(box: Box, side: Side, fraction: float) -> Point:
    if side == "top":
        return round(box.x + box.width * fraction, 1), box.y
    if side == "bottom":
        return round(box.x + box.width * fraction, 1), box.bottom
    y = box.y + box.height * fraction
    if side == "left":
        return box.x, round(y + PORT_STAGGER, 1)
    return box.right, round(y - PORT_STAGGER, 1)


def _path(points: Sequence[Point]) -> str:
    (x, y), rest = points[0], points[1:]
    return f"M {_number(x)} {_number(y)} " + " ".join(
        f"L {_number(x)} {_number(y)}" for x, y in rest
    )


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
