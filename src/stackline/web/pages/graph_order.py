"""The order of the `/graph` page's company columns: the order that keeps their links apart.

Columns stand in one line, so each link between two companies spans the columns between, and two
links cross when one has exactly one end strictly inside the other. An order costs (crossings among
company → company links, crossings among all links, total link length), compared in that order.
Each connected group is ordered on its own. Several starting orders (the tie-break order, the
order that a few barycentre sweeps reach (each company moving to the mean position of its
neighbours), and depth-first orders out of the least linked companies, which are crossing-free for
a tree or a ring) are each refined by sifting (every company in turn moves to its cheapest place)
and the cheapest result wins. Groups follow one another, largest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from stackline.web.pages.graph_layout import GraphEdge

Cost = tuple[int, int, int]

BARYCENTRE_SWEEPS, SIFT_PASSES = 8, 3
# Depth-first starts per group: from every company of a small group, from a few of a big one, as
# each start's sifting costs grow with the square of the group's size.
MIN_DEPTH_FIRST_STARTS, DEPTH_FIRST_BUDGET = 2, 120


@dataclass(frozen=True)
class ColumnLink:
    """The edges joining two columns (company slugs, `first` < `second`), counted by `weight`."""

    first: str
    second: str
    weight: int
    arc: bool  # company → company edges, drawn over the header row


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
