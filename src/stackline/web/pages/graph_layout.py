"""The supply-chain graph of page `/graph` as plain SVG geometry: bands, columns, boxes and edges.

Pure and deterministic (everything is sorted before it is placed, so input order never matters);
a template draws the result. The rules:
- Four bands, application on top, hardware at the bottom: stripes across the whole width, each as
  tall as the tallest stack of assets any company has in it (at least one row), on one grid of
  columns and rows (`graph_grid`).
- One column per company with a node; an asset whose owner has no company node still gets one,
  headed by the owner's slug. The header sits above the application band; in each band the
  company's assets stack one row each, by label (casefold) then id, so rows line up across columns.
- A column's boxes are as wide as its longest label needs, estimated at 7 px a character at 12 px
  (wide characters double, combining and format characters nothing), within `MIN_NODE_WIDTH` and
  `MAX_NODE_WIDTH`; a longer label is cut and ends in "…", the full one kept for the tooltip.
  Whitespace runs print as one space, control characters not at all.
- Columns are ordered to reduce crossings (`graph_order.order_columns`), ties by company label
  (casefold) then slug; companies without drawn edges go to the right, by label.
- "has" edges are not drawn: the column shows ownership. Every other edge is a line of straight
  runs along the gaps between boxes, never through one (`graph_routing`). Duplicate edges are
  drawn once; an edge with an end not among the nodes, or from a node to itself, is dropped and
  counted.
- Node ids are unique, a company has at most one company node and an asset's layer is one of the
  four; anything else raises ValueError, as the layout cannot guess what was meant.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from stackline.web.pages.graph_grid import BAND_PADDING as BAND_PADDING
from stackline.web.pages.graph_grid import LAYERS_TOP_DOWN, Box, LayoutGrid, grid_of
from stackline.web.pages.graph_order import ColumnLink, edge_sort_key, order_columns
from stackline.web.pages.graph_routing import Point, Slot, draw_routes, plan_routes

COMPANY_EDGE_KINDS = ("owns", "stake", "partner")
ASSET_EDGE_KINDS = ("runs_on", "trained_on", "fine_tuned_from", "built_with")
EDGE_KINDS: tuple[str, ...] = COMPANY_EDGE_KINDS + ASSET_EDGE_KINDS  # the legend's order
ELLIPSIS = "…"

FONT_SIZE, CHAR_WIDTH, LINE_HEIGHT = 12, 7.0, 16.0
LABEL_PADDING, MIN_NODE_WIDTH, MAX_NODE_WIDTH = 6.0, 72.0, 168.0
HEADER_BOLDNESS = 1.15  # a header's label is bold: that much wider than the estimate


@dataclass(frozen=True)
class GraphNode:
    id: str
    type: Literal["company", "asset"]
    company: str  # the company's slug; for an asset, its owner's
    layer: str | None  # one of LAYERS_TOP_DOWN for an asset, None for a company
    label: str
    status: str


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    kind: str


@dataclass(frozen=True)
class PlacedNode:
    """A node in its box; a company node's box is its column's header."""

    node: GraphNode
    box: Box
    label_box: Box  # where the printed label goes, inside `box`
    label: str  # what is printed, cut to fit
    full_label: str  # the tooltip


@dataclass(frozen=True)
class Band:
    layer: str
    box: Box
    title: str


@dataclass(frozen=True)
class Column:
    """A company's column; it draws the header even when the company has no node of its own."""

    company: str
    box: Box  # from the header's top to the hardware band's bottom, as wide as its boxes
    header: Box
    label_box: Box
    label: str
    full_label: str


@dataclass(frozen=True)
class RoutedEdge:
    edge: GraphEdge
    kind: str
    path: str  # an SVG path `d`, from the source's box to the target's
    target_type: Literal["company", "asset"]
    points: tuple[Point, ...]  # the polyline the path draws


@dataclass(frozen=True)
class GraphLayout:
    """Band titles go left of the first gutter (`graph_grid.BAND_TITLE_WIDTH`); headers are drawn from `columns`,
    asset boxes from `nodes`."""

    width: float
    height: float
    bands: tuple[Band, ...]  # top down
    columns: tuple[Column, ...]  # left to right
    nodes: tuple[PlacedNode, ...]  # column by column: the company node, then its assets top down
    edges: tuple[RoutedEdge, ...]
    dropped_edges: int

    @property
    def empty(self) -> bool:
        return not self.columns


def text_width(text: str) -> float:
    """The estimated width of `text` printed at FONT_SIZE."""
    return CHAR_WIDTH * sum(_character_cells(character) for character in text)


def _character_cells(character: str) -> int:
    if unicodedata.combining(character) or unicodedata.category(character) in ("Cf", "Cc"):
        return 0
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def fit_label(label: str, width: float) -> str:
    """`label` as printed within `width`: one line, cut and ended with "…" when too long."""
    text = _printable(label)
    if text_width(text) <= width:
        return text
    room, kept = width - text_width(ELLIPSIS), 0
    for character in text:
        room -= CHAR_WIDTH * _character_cells(character)
        if room < 0:
            break
        kept += 1
    return text[:kept].rstrip() + ELLIPSIS


def _printable(label: str) -> str:
    # SVG text never wraps: a line break would print as a space anyway, a control character not
    # at all (or break the XML).
    return "".join(c for c in " ".join(label.split()) if unicodedata.category(c) != "Cc")


def layout_graph(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> GraphLayout:
    """Place `nodes` and route `edges` by the rules in this module's docstring."""
    nodes_by_id = _index_nodes(nodes)
    drawn, dropped = _drawable_edges(edges, nodes_by_id)
    owners = _owners(nodes_by_id.values())
    order = order_columns(list(owners), _column_links(drawn, nodes_by_id))
    band_rows = {
        layer: max([len(owner.stacks.get(layer, [])) for owner in owners.values()] + [1])
        for layer in LAYERS_TOP_DOWN
    }
    slots = _slots(order, owners, band_rows)
    plan = plan_routes(drawn, slots, edge_sort_key)
    widths = [_node_width(owners[company]) for company in order]
    grid = grid_of(plan, widths, band_rows)
    columns = tuple(_column(owners[c], grid, index) for index, c in enumerate(order))
    placed = [
        _placed(node, grid.cell(slot))
        for node_id, slot in sorted(slots.items(), key=lambda item: (item[1], item[0]))
        if (node := nodes_by_id.get(node_id)) is not None
    ]
    routes = draw_routes(plan, {p.node.id: p.box for p in placed}, grid.gaps)
    routed = [
        RoutedEdge(e, e.kind, routes[e].path, nodes_by_id[e.target].type, routes[e].points)
        for e in drawn
    ]
    bands = tuple(Band(layer, box, layer.capitalize()) for layer, box in grid.bands.items())
    return GraphLayout(grid.width, grid.height, bands, columns, tuple(placed), tuple(routed),
                       dropped)  # fmt: skip


def _slots(
    order: Sequence[str], owners: Mapping[str, _Owner], band_rows: Mapping[str, int]
) -> dict[str, Slot]:
    """Each node's cell: its company's column; the header row, or its row in its layer's band."""
    slots: dict[str, Slot] = {}
    for column, company in enumerate(order):
        owner = owners[company]
        if owner.node is not None:
            slots[owner.node.id] = Slot(column, 0)
        first_row = 1
        for layer in LAYERS_TOP_DOWN:
            for row, node in enumerate(owner.stacks.get(layer, [])):
                slots[node.id] = Slot(column, first_row + row)
            first_row += band_rows[layer]
    return slots


def _index_nodes(nodes: Iterable[GraphNode]) -> dict[str, GraphNode]:
    by_id: dict[str, GraphNode] = {}
    companies: set[str] = set()
    for node in sorted(set(nodes), key=lambda n: (n.id, n.type, n.company, n.label, n.status)):
        if node.id in by_id:
            raise ValueError(f"two different nodes have the id {node.id!r}")
        if node.type == "asset" and node.layer not in LAYERS_TOP_DOWN:
            raise ValueError(f"asset {node.id!r} has no layer of {LAYERS_TOP_DOWN}: {node.layer!r}")
        if node.type == "company":
            if node.company in companies:
                raise ValueError(f"company {node.company!r} has more than one company node")
            companies.add(node.company)
        by_id[node.id] = node
    return by_id


def _drawable_edges(
    edges: Iterable[GraphEdge], nodes_by_id: Mapping[str, GraphNode]
) -> tuple[list[GraphEdge], int]:
    drawn: list[GraphEdge] = []
    dropped = 0
    for edge in sorted(set(edges), key=edge_sort_key):
        known = edge.source in nodes_by_id and edge.target in nodes_by_id
        if not known or edge.source == edge.target:
            dropped += 1
        elif edge.kind != "has":
            drawn.append(edge)
    return drawn, dropped


def _is_arc(edge: GraphEdge, nodes_by_id: Mapping[str, GraphNode]) -> bool:
    return nodes_by_id[edge.source].type == nodes_by_id[edge.target].type == "company"


def _column_links(
    drawn: Iterable[GraphEdge], nodes_by_id: Mapping[str, GraphNode]
) -> list[ColumnLink]:
    counts: Counter[tuple[str, str, bool]] = Counter()
    for edge in drawn:
        source, target = nodes_by_id[edge.source].company, nodes_by_id[edge.target].company
        if source != target:
            first, second = sorted((source, target))
            counts[first, second, _is_arc(edge, nodes_by_id)] += 1
    return [ColumnLink(a, b, weight, arc) for (a, b, arc), weight in sorted(counts.items())]


@dataclass(frozen=True)
class _Owner:
    """What one column holds."""

    company: str
    node: GraphNode | None  # None when the company is known only as an asset's owner
    label: str
    stacks: Mapping[str, list[GraphNode]]  # layer → its assets, by label (casefold) then id


def _owners(nodes: Collection[GraphNode]) -> dict[str, _Owner]:
    """Every column's content, in tie-break order: label (casefold), then slug."""
    company_nodes = {node.company: node for node in nodes if node.type == "company"}
    stacks: dict[str, dict[str, list[GraphNode]]] = defaultdict(lambda: defaultdict(list))
    for node in sorted(nodes, key=lambda node: (node.label.casefold(), node.id)):
        if node.type == "asset" and node.layer:
            stacks[node.company][node.layer].append(node)
    owners = []
    for company in company_nodes.keys() | stacks.keys():
        header = company_nodes.get(company)
        label = header.label if header else company
        owners.append(_Owner(company, header, label, stacks[company]))
    owners.sort(key=lambda owner: (owner.label.casefold(), owner.company))
    return {owner.company: owner for owner in owners}


def _node_width(owner: _Owner) -> float:
    labels = [node.label for stack in owner.stacks.values() for node in stack]
    header = HEADER_BOLDNESS * text_width(_printable(owner.label))
    widest = max([header, *(text_width(_printable(label)) for label in labels)])
    return min(MAX_NODE_WIDTH, max(MIN_NODE_WIDTH, widest + 2 * LABEL_PADDING))


def _column(owner: _Owner, grid: LayoutGrid, index: int) -> Column:
    header = grid.cell(Slot(index, 0))
    box = Box(header.x, header.y, header.width, grid.bottom - header.y)
    label_box = _label_box(header)
    label = fit_label(owner.label, label_box.width / HEADER_BOLDNESS)
    return Column(owner.company, box, header, label_box, label, owner.label)


def _placed(node: GraphNode, box: Box) -> PlacedNode:
    label_box = _label_box(box)
    return PlacedNode(node, box, label_box, fit_label(node.label, label_box.width), node.label)


def _label_box(box: Box) -> Box:
    top = box.y + (box.height - LINE_HEIGHT) / 2
    return Box(box.x + LABEL_PADDING, top, box.width - 2 * LABEL_PADDING, LINE_HEIGHT)
