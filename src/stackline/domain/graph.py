"""The supply-chain graph of a day (DESIGN §8): companies, their assets, and every dated edge.

One edge per fact: `owns` (parent → subsidiary), `partner` (the company supplied → its supplier:
a partnership's customer → its provider, a launch's owner → its co-developer), `stake` (investor
→ investee), `has` (company → its own asset), and the four dependency kinds (dependent asset →
the asset it depends on). A dependency is shown only while both its assets exist: a retired
asset takes its edges with it until it is launched again. A model's `base_model` that is not
recorded as an asset is a placeholder node, so the fine-tune still shows.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from stackline.domain.dates import PartialDate
from stackline.domain.documents import format_timestamp
from stackline.domain.footprint import AssetNode, Footprint


@dataclass(frozen=True)
class Node:
    id: str
    type: str  # company or asset
    company: str | None
    layer: str | None
    asset: str | None
    name: str
    status: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "company": self.company, "layer": self.layer,
                "asset": self.asset, "name": self.name, "status": self.status}  # fmt: skip


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    since: PartialDate
    status: str
    event_ids: tuple[UUID, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "kind": self.kind,
                "since": str(self.since), "status": self.status,
                "event_ids": [str(i) for i in self.event_ids]}  # fmt: skip


@dataclass
class Graph:
    as_of: date
    known_on: datetime | None
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "known_on": format_timestamp(self.known_on) if self.known_on else None,
            "nodes": [node.as_dict() for node in sorted(self.nodes.values(), key=_node_order)],
            "edges": [edge.as_dict() for edge in sorted(self.edges, key=_edge_order)],
        }

    def around(self, slug: str, depth: int = 2) -> Graph:
        """What lies within `depth` edges of the company's node, edges in either direction."""
        start = company_id(slug)
        if start not in self.nodes:
            return Graph(self.as_of, self.known_on)
        neighbours: dict[str, set[str]] = defaultdict(set)
        for edge in self.edges:
            neighbours[edge.source].add(edge.target)
            neighbours[edge.target].add(edge.source)
        reached, frontier = {start: 0}, deque([start])
        while frontier:
            node = frontier.popleft()
            if reached[node] < depth:
                for other in neighbours[node] - reached.keys():
                    reached[other] = reached[node] + 1
                    frontier.append(other)
        nodes = {key: node for key, node in self.nodes.items() if key in reached}
        edges = [e for e in self.edges if e.source in reached and e.target in reached]
        return Graph(self.as_of, self.known_on, nodes, edges)


def company_id(slug: str) -> str:
    return f"company:{slug}"


def asset_id(asset: AssetNode) -> str:
    return f"asset:{asset.key}"


def compose_graph(footprint: Footprint, known_on: datetime | None = None) -> Graph:
    """The day's graph from its footprint (the fold's, or the projection tables')."""
    graph = Graph(footprint.as_of, known_on)
    for slug, company in footprint.companies.items():
        graph.nodes[company_id(slug)] = Node(company_id(slug), "company", slug, None, None,
                                             company.name, "registered")  # fmt: skip
    _add_assets(graph, footprint)
    for links in footprint.children.values():
        for link in links:
            graph.edges.append(Edge(company_id(link.parent), company_id(link.child), "owns",
                                    link.since, "active", (link.event_id,)))  # fmt: skip
    _add_partners(graph, footprint)
    for investor, holdings in footprint.investments.items():
        for holding in holdings:
            graph.edges.append(Edge(company_id(investor), company_id(holding.investee), "stake",
                                    holding.since, "active", holding.event_ids))  # fmt: skip
    _add_dependencies(graph, footprint)
    return graph


def _add_assets(graph: Graph, footprint: Footprint) -> None:
    for owner, entries in footprint.entries.items():
        for entry in entries:
            if entry.relation != "owned" or entry.via:
                continue
            node = AssetNode(owner, entry.layer, entry.asset)
            key = asset_id(node)
            graph.nodes[key] = Node(key, "asset", owner, entry.layer.value, entry.asset,
                                    entry.asset, entry.status)  # fmt: skip
            graph.edges.append(Edge(company_id(owner), key, "has", entry.since, entry.status,
                                    entry.event_ids))  # fmt: skip


def _add_partners(graph: Graph, footprint: Footprint) -> None:
    """Supplies say who supplies whom; partnerships without a provider link their parties."""
    supplied: set[tuple[str, str, tuple[UUID, ...]]] = set()
    for supplier, supplies in footprint.supplied.items():
        for supply in supplies:
            for customer in supply.to:
                supplied.add((customer, supplier, supply.event_ids))
                graph.edges.append(Edge(company_id(customer), company_id(supplier), "partner",
                                        supply.since, supply.status, supply.event_ids))  # fmt: skip
    for holder, entries in footprint.entries.items():
        for entry in entries:
            if entry.kind != "partnership" or entry.relation != "partner":
                continue
            for other in entry.via:
                if holder < other and (holder, other, entry.event_ids) not in supplied:
                    graph.edges.append(Edge(company_id(holder), company_id(other), "partner",
                                            entry.since, entry.status, entry.event_ids))  # fmt: skip


def _add_dependencies(graph: Graph, footprint: Footprint) -> None:
    existing = {key for key, node in graph.nodes.items() if node.type == "asset"}
    records: dict[tuple[str, str, str], list[Edge]] = {}
    for dependency in footprint.dependencies:
        source, target = asset_id(dependency.dependent), asset_id(dependency.on)
        if source not in existing:
            continue
        if target not in existing:
            if dependency.kind != "fine_tuned_from":
                continue  # the asset it depends on does not exist on the day
            on = dependency.on
            known = graph.nodes.get(target)
            if known is None or _plainer(on.name, known.name):  # one spelling, in any order
                graph.nodes[target] = Node(target, "asset", on.company, on.layer.value, on.name,
                                           on.name, "placeholder")  # fmt: skip
        edge = Edge(source, target, dependency.kind, dependency.since, dependency.status,
                    dependency.event_ids)  # fmt: skip
        records.setdefault((source, target, dependency.kind), []).append(edge)
    # One dependency recorded more than once (a base_model and an explicit edge) is one edge.
    graph.edges.extend(_merged(edges) for edges in records.values())


def _plainer(name: str, other: str) -> bool:
    """Whether a placeholder is better named `name` than `other` (two fine-tunes may spell
    their base differently): a name without stray spaces first, then the smaller."""
    return (name != name.strip(), name) < (other != other.strip(), other)


def _merged(edges: list[Edge]) -> Edge:
    """One edge for the records of a dependency: the earliest start, the most advanced status
    (`active` over anything announced), the events of all — the earlier records' first, so
    the edge is the same in whatever order the records come."""
    ordered = sorted(edges, key=_edge_order)
    first = ordered[0]
    status = "active" if any(edge.status == "active" for edge in edges) else first.status
    ids = tuple(dict.fromkeys(i for edge in ordered for i in edge.event_ids))
    return Edge(first.source, first.target, first.kind, first.since, status, ids)


def _node_order(node: Node) -> tuple[str, str]:
    return (node.type, node.id)


def _edge_order(edge: Edge) -> tuple[Any, ...]:
    return (edge.kind, edge.source, edge.target, edge.since.start, edge.since.text, edge.status,
            [str(i) for i in edge.event_ids])  # fmt: skip
