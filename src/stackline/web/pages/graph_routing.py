"""Where the `/graph` page's edges go: the column order that keeps them apart, and their SVG paths.

Order. Columns stand in one line, so each link between two companies is an arc over it, and two
arcs cross when one has exactly one end strictly inside the other. An order costs (crossings among
company → company arcs, crossings among all links, total link length), compared in that order.
Each connected group is ordered on its own. Several starting orders (the tie-break order, the
order that a few barycentre sweeps reach (each company moving to the mean position of its
neighbours), and depth-first orders out of the least linked companies, which are crossing-free for
a tree or a ring) are each refined by sifting (every company in turn moves to its cheapest place)
and the cheapest result wins. Groups follow one another, largest first.

Paths. Company → company edges are arcs between the tops of the headers, rising with the number of
columns spanned, staggered when they join the same columns. Other edges are cubic curves between
the facing sides of their boxes (top and bottom across rows, left and right along a row), except
where that would run through the boxes between: within a column they loop out of the right sides,
along a row with boxes between they sag from the bottoms. Ends on one side of a box spread along
it in the order of where they lead.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from stackline.web.pages.graph_layout import Box, GraphEdge

Side = Literal["top", "bottom", "left", "right"]
Point = tuple[float, float]
Cost = tuple[int, int, int]

BARYCENTRE_SWEEPS, SIFT_PASSES = 8, 3
# Depth-first starts per group: from every company of a small group, from a few of a big one, as
# each start's sifting costs grow with the square of the group's size.
MIN_DEPTH_FIRST_STARTS, DEPTH_FIRST_BUDGET = 2, 120
ARC_BASE, ARC_RISE, ARC_STAGGER = 18.0, 12.0, 8.0
ARC_PEAK = 0.75  # a cubic whose control points both sit h above its ends peaks at 3/4 h
LOOP_BULGE_MIN, LOOP_BULGE_MAX = 10.0, 28.0
SAG_MIN, SAG_MAX = 16.0, 64.0


@dataclass(frozen=True)
class ColumnLink:
    """The edges joining two columns (company slugs, `first` < `second`), counted by `weight`."""

    first: str
    second: str
    weight: int
    arc: bool  # company → company edges, drawn as arcs over the header row


def edge_sort_key(edge: GraphEdge) -> tuple[str, str, str]:
    return edge.source, edge.target, edge.kind


class Neighbour(NamedTuple):
    """A column linked to another, seen from that other."""

    company: str
    weight: int
    arc: bool


Neighbours = Mapping[str, list[Neighbour]]


def order_columns(companies: Sequence[str], links: Sequence[ColumnLink]) -> list[str]:
    """Linked companies by connected group (largest first), then unlinked ones in given order.

    `companies` come in tie-break order, which settles every tie.
    """
    rank = {company: index for index, company in enumerate(companies)}
    neighbours: dict[str, list[Neighbour]] = defaultdict(list)
    for link in links:
        neighbours[link.first].append(Neighbour(link.second, link.weight, link.arc))
        neighbours[link.second].append(Neighbour(link.first, link.weight, link.arc))
    ordered: list[str] = []
    unlinked = [company for company in companies if company not in neighbours]
    for group in _connected_groups([c for c in companies if c in neighbours], neighbours, rank):
        members = set(group)
        group_links = [link for link in links if link.first in members]
        ordered += _order_group(group, group_links, neighbours, rank)
    return ordered + unlinked


def _connected_groups(
    linked: list[str], neighbours: Neighbours, rank: Mapping[str, int]
) -> list[list[str]]:
    groups: list[list[str]] = []
    seen: set[str] = set()
    for start in linked:
        if start not in seen:
            group = _depth_first(start, neighbours, rank)
            seen.update(group)
            groups.append(sorted(group, key=rank.__getitem__))
    return sorted(groups, key=lambda group: (-len(group), rank[group[0]]))


def _order_group(
    group: list[str], links: list[ColumnLink], neighbours: Neighbours, rank: Mapping[str, int]
) -> list[str]:
    barycentric = group
    for _ in range(BARYCENTRE_SWEEPS):
        barycentric = _barycentre_sort(barycentric, neighbours, rank)
    best, best_cost = group, _cost(_positions(group), links)
    for start in [group, barycentric, *_depth_first_orders(group, neighbours, rank)]:
        order = _sift_until_settled(start, neighbours)
        if (cost := _cost(_positions(order), links)) < best_cost:
            best, best_cost = order, cost
    return best


def _sift_until_settled(order: list[str], neighbours: Neighbours) -> list[str]:
    for _ in range(SIFT_PASSES):
        order, previous = _sift(order, neighbours), order
        if order == previous:
            break
    return order


def _depth_first_orders(
    group: list[str], neighbours: Neighbours, rank: Mapping[str, int]
) -> list[list[str]]:
    """Depth-first orders from the least linked companies, the likeliest ends of the line: one
    of them is crossing-free when the group is a tree or a ring."""

    def weight(company: str) -> int:
        return sum(neighbour.weight for neighbour in neighbours[company])

    starts = sorted(group, key=lambda company: (weight(company), rank[company]))
    count = max(MIN_DEPTH_FIRST_STARTS, DEPTH_FIRST_BUDGET // len(group))
    return [_depth_first(start, neighbours, rank) for start in starts[:count]]


def _depth_first(start: str, neighbours: Neighbours, rank: Mapping[str, int]) -> list[str]:
    order: list[str] = []
    seen: set[str] = set()
    stack = [start]
    while stack:
        company = stack.pop()
        if company in seen:
            continue
        seen.add(company)
        order.append(company)
        unseen = {neighbour.company for neighbour in neighbours[company]} - seen
        stack.extend(sorted(unseen, key=rank.__getitem__, reverse=True))
    return order


def _barycentre_sort(
    order: list[str], neighbours: Neighbours, rank: Mapping[str, int]
) -> list[str]:
    position = _positions(order)

    def barycentre(company: str) -> float:
        around = neighbours[company]
        pull = sum(n.weight * position[n.company] for n in around)
        return pull / sum(n.weight for n in around)

    return sorted(order, key=lambda company: (barycentre(company), rank[company]))


def _sift(order: list[str], neighbours: Neighbours) -> list[str]:
    """Move each company in turn to the place where the order costs least, staying put on a tie;
    the company walks from the front to the back one swap at a time, each weighed on its own."""
    for company in list(order):
        current = order.index(company)
        rest = order[:current] + order[current + 1 :]
        position = _positions([company, *rest])
        changes: list[Cost] = [(0, 0, 0)]
        for index, neighbour in enumerate(rest):
            changes.append(
                _plus(changes[-1], _swap_change(position, company, neighbour, neighbours))
            )
            position[company], position[neighbour] = index + 1, index
        best = min(range(len(changes)), key=lambda place: (changes[place], place != current))
        order = [*rest[:best], company, *rest[best:]]
    return order


def _swap_change(
    position: Mapping[str, int], left: str, right: str, neighbours: Neighbours
) -> Cost:
    """What swapping the neighbours `left` and `right` changes: only a pair of one link at each
    can cross or uncross, and only their links change length."""
    at = position[left]
    left_ends = [(position[c], w, a) for c, w, a in neighbours[left] if c != right]
    right_ends = [(position[c], w, a) for c, w, a in neighbours[right] if c != left]
    arc_crossings = crossings = length = 0
    for x, weight, arc in left_ends:
        length += weight if x < at else -weight
        for y, other_weight, other_arc in right_ends:
            if x == y:
                continue
            if (x < at) == (y < at):  # both ends on one side: the pair's crossing flips
                change = weight * other_weight if y < x else -weight * other_weight
            else:  # ends on both sides: they cross once `left` passes `right` going away from x
                change = weight * other_weight if x < at else -weight * other_weight
            crossings += change
            arc_crossings += change if arc and other_arc else 0
    length += sum(weight if y > at else -weight for y, weight, _ in right_ends)
    return arc_crossings, crossings, length


def _plus(cost: Cost, change: Cost) -> Cost:
    return cost[0] + change[0], cost[1] + change[1], cost[2] + change[2]


def _positions(order: Sequence[str]) -> dict[str, int]:
    return {company: index for index, company in enumerate(order)}


def _cost(position: Mapping[str, int], links: Sequence[ColumnLink]) -> Cost:
    spans: list[tuple[int, int, ColumnLink]] = []
    for link in links:
        start, end = sorted((position[link.first], position[link.second]))
        spans.append((start, end, link))
    arc_crossings = crossings = length = 0
    for index, (start, end, link) in enumerate(spans):
        length += link.weight * (end - start)
        for other_start, other_end, other in spans[index + 1 :]:
            if start < other_start < end < other_end or other_start < start < other_end < end:
                crossings += link.weight * other.weight
                arc_crossings += link.weight * other.weight if link.arc and other.arc else 0
    return arc_crossings, crossings, length


def arc_heights(arcs: Sequence[GraphEdge], column_of: Mapping[str, int]) -> dict[GraphEdge, float]:
    """How far each arc's control points rise over its ends (`column_of`: node id → column)."""
    heights: dict[GraphEdge, float] = {}
    seen_pairs: Counter[tuple[int, int]] = Counter()
    for edge in sorted(arcs, key=edge_sort_key):
        start, end = sorted((column_of[edge.source], column_of[edge.target]))
        stagger = seen_pairs[(start, end)]
        heights[edge] = ARC_BASE + ARC_RISE * (end - start) + ARC_STAGGER * stagger
        seen_pairs[(start, end)] += 1
    return heights


class Route(NamedTuple):
    path: str  # an SVG path `d`
    bottom: float  # the largest y the curve reaches (y grows downwards)


def route_edges(
    edges: Sequence[GraphEdge], boxes: Mapping[str, Box], heights: Mapping[GraphEdge, float]
) -> dict[GraphEdge, Route]:
    """A route per edge; the edges in `heights` are arcs, the others curves between boxes."""
    lefts_by_row: dict[float, list[float]] = defaultdict(list)
    for box in boxes.values():
        lefts_by_row[box.y].append(box.x)
    sides = {
        edge: _facing_sides(boxes[edge.source], boxes[edge.target], edge in heights, lefts_by_row)
        for edge in edges
    }
    ports = _ports(sides, boxes, heights)
    return {
        edge: _path(ports[edge, 0], ports[edge, 1], sides[edge], heights.get(edge, 0.0))
        for edge in edges
    }


def _facing_sides(
    source: Box, target: Box, arc: bool, lefts_by_row: Mapping[float, list[float]]
) -> tuple[Side, Side]:
    if arc:
        return "top", "top"
    if source.x == target.x:  # one column: every box in a column shares its x
        return "right", "right"
    if target.bottom <= source.y:
        return "top", "bottom"
    if target.y >= source.bottom:
        return "bottom", "top"
    low, high = sorted((source.x, target.x))
    if any(low < x < high for x in lefts_by_row[source.y]):  # boxes between, in the same row
        return "bottom", "bottom"
    return ("right", "left") if target.x > source.x else ("left", "right")


def _ports(
    sides: Mapping[GraphEdge, tuple[Side, Side]],
    boxes: Mapping[str, Box],
    heights: Mapping[GraphEdge, float],
) -> dict[tuple[GraphEdge, int], Point]:
    """Ends on one side of one box, spread evenly along it in the order of where they lead."""
    attached: dict[tuple[str, Side], list[tuple[tuple[float, ...], GraphEdge, int]]]
    attached = defaultdict(list)
    for edge, (source_side, target_side) in sides.items():
        for end, node, side, other in (
            (0, edge.source, source_side, edge.target),
            (1, edge.target, target_side, edge.source),
        ):
            order = _port_order(boxes[node], boxes[other], side, heights.get(edge))
            attached[node, side].append((order, edge, end))
    points: dict[tuple[GraphEdge, int], Point] = {}
    for (node, side), ends in attached.items():
        ends.sort(key=lambda item: (item[0], edge_sort_key(item[1]), item[2]))
        for index, (_, edge, end) in enumerate(ends):
            points[edge, end] = _point_on_side(boxes[node], side, (index + 1) / (len(ends) + 1))
    return points


def _port_order(box: Box, other: Box, side: Side, arc_height: float | None) -> tuple[float, ...]:
    if arc_height is not None:
        # Arcs nest instead of crossing at their header: leftward arcs take the left ports,
        # nearest first, rightward ones the right ports, farthest first; the taller of two arcs
        # to one column sits outside.
        if other.x < box.x:
            return 0.0, -other.x, arc_height
        return 1.0, -other.x, -arc_height
    along = other.x + other.width / 2 if side in ("top", "bottom") else other.y + other.height / 2
    return 0.0, along, 0.0


def _point_on_side(box: Box, side: Side, fraction: float) -> Point:
    if side == "top":
        return box.x + box.width * fraction, box.y
    if side == "bottom":
        return box.x + box.width * fraction, box.bottom
    if side == "left":
        return box.x, box.y + box.height * fraction
    return box.right, box.y + box.height * fraction


def _path(start: Point, end: Point, sides: tuple[Side, Side], arc_height: float) -> Route:
    (start_x, start_y), (end_x, end_y) = start, end
    bottom = max(start_y, end_y)
    if sides == ("top", "top"):
        controls = (start_x, start_y - arc_height), (end_x, end_y - arc_height)
    elif sides == ("bottom", "bottom"):
        depth = min(SAG_MAX, SAG_MIN + abs(end_x - start_x) / 40)
        controls = (start_x, start_y + depth), (end_x, end_y + depth)
        bottom += ARC_PEAK * depth
    elif sides == ("right", "right"):
        bulge = min(LOOP_BULGE_MAX, LOOP_BULGE_MIN + abs(end_y - start_y) / 10)
        controls = (start_x + bulge, start_y), (end_x + bulge, end_y)
    elif sides[0] in ("top", "bottom"):
        middle_y = (start_y + end_y) / 2
        controls = (start_x, middle_y), (end_x, middle_y)
    else:
        middle_x = (start_x + end_x) / 2
        controls = (middle_x, start_y), (middle_x, end_y)
    (first_x, first_y), (second_x, second_y) = controls
    numbers = (start_x, start_y, first_x, first_y, second_x, second_y, end_x, end_y)
    path = "M {} {} C {} {}, {} {}, {} {}".format(*(_number(value) for value in numbers))
    return Route(path, bottom)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
