"""The supply-chain graph cut into pages a person can read: ownership groups and neighbourhoods.

- A company's **group** is the company and every company it owns on the day, down the `owns`
  edges; the **ownership groups** of a day are those of the companies without a parent.
- The **neighbourhood** of a set of companies (the focus) holds every edge with an end in the
  focus (a focus company, or an asset a focus company owns), `has` aside, and the nodes those
  edges join; the companies owning those nodes come along as nodes, for their names. An edge
  between two outsiders is not in it, however close they are: on Anthropic's page, "Nvidia is
  supplied by TSMC" is not an edge of Anthropic's.
- The focus's own assets that no edge of the neighbourhood touches are its **idle** assets:
  listed beside the drawing, not drawn.
- A day whose graph has few companies is one page; a larger one is a page per ownership group,
  the groups with the most edges first, then by the top company's name.
- Edges sort by kind (the legend's order), by date, or by date newest first; ties by names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from stackline.domain.graph import Edge, Graph, Node, company_id

EdgeOrder = Literal["kind", "date", "-date"]
EDGE_ORDERS: tuple[EdgeOrder, ...] = ("kind", "date", "-date")
KIND_ORDER = ("owns", "stake", "partner", "runs_on", "trained_on", "fine_tuned_from",
              "built_with", "has")  # fmt: skip
ONE_PAGE_COMPANIES = 8  # a day with at most this many companies drawn is one page


@dataclass(frozen=True)
class GraphPage:
    """What one page draws: its focus companies, their neighbourhood and their idle assets."""

    title: str  # the focus companies' names, the top company first
    focus: frozenset[str]
    graph: Graph
    idle: tuple[Node, ...]  # the focus's assets no edge of the page touches, by owner then name


def group_of(graph: Graph, slug: str) -> list[str]:
    """The company and every company below it on the day, the company first, then by slug."""
    owned: dict[str, set[str]] = defaultdict(set)
    for edge in graph.edges:
        if edge.kind == "owns":
            owned[_slug(edge.source)].add(_slug(edge.target))
    found, frontier = {slug}, [slug]
    while frontier:
        for child in owned[frontier.pop()] - found:
            found.add(child)
            frontier.append(child)
    return [slug, *sorted(found - {slug})]


def ownership_groups(graph: Graph) -> list[list[str]]:
    """The group of every company without a parent, by its name (casefold), then slug."""
    owned = {_slug(edge.target) for edge in graph.edges if edge.kind == "owns"}
    tops = [node for node in graph.nodes.values() if node.type == "company"]
    tops = [node for node in tops if node.company not in owned]
    tops.sort(key=lambda node: (node.name.casefold(), node.id))
    return [group_of(graph, node.company or "") for node in tops]


def neighbourhood(graph: Graph, focus: Collection[str]) -> Graph:
    """The edges with an end in `focus`, their nodes and those nodes' owners (module docstring)."""
    focus = set(focus)
    edges = [
        edge
        for edge in graph.edges
        if edge.kind != "has" and (_owner(graph, edge.source) in focus
                                   or _owner(graph, edge.target) in focus)
    ]  # fmt: skip
    kept = {end for edge in edges for end in (edge.source, edge.target)}
    owners = {node.company for key in kept if (node := graph.nodes[key]).company} | focus
    kept |= {company_id(slug) for slug in owners if company_id(slug) in graph.nodes}
    nodes = {key: node for key, node in graph.nodes.items() if key in kept}
    has = [edge for edge in graph.edges if edge.kind == "has" and edge.target in kept]
    return Graph(graph.as_of, graph.known_on, nodes, edges + has)


def page_of(graph: Graph, focus: list[str]) -> GraphPage:
    """The page of `focus` (its first company the top one)."""
    drawn = neighbourhood(graph, focus)
    idle = [
        node
        for node in graph.nodes.values()
        if node.type == "asset" and node.company in focus and node.id not in drawn.nodes
    ]
    idle.sort(key=lambda node: (focus.index(node.company or ""), node.name.casefold(), node.id))
    names = [_name(graph, slug) for slug in focus]
    return GraphPage(", ".join(names), frozenset(focus), drawn, tuple(idle))


def pages_of(graph: Graph) -> list[list[str]]:
    """The focus of each page of the day: everything on one page, or one per ownership group,
    the groups with the most edges first (ties by name), so the first page has the most to show."""
    groups = [group for group in ownership_groups(graph) if _holds_anything(graph, group)]
    companies = [slug for group in groups for slug in group]
    if len(companies) <= ONE_PAGE_COMPANIES:
        return [companies] if companies else []
    drawn = {
        tuple(group): sum(1 for e in neighbourhood(graph, group).edges if e.kind != "has")
        for group in groups
    }
    return sorted(groups, key=lambda group: -drawn[tuple(group)])  # stable: by name on a tie


def sort_edges(edges: Iterable[Edge], nodes: Mapping[str, Node], order: EdgeOrder) -> list[Edge]:
    """`edges` in `order` (module docstring); ties by the names at both ends, then the kind."""

    def names(edge: Edge) -> tuple[str, str]:
        return nodes[edge.source].name.casefold(), nodes[edge.target].name.casefold()

    def kind(edge: Edge) -> int:
        return KIND_ORDER.index(edge.kind) if edge.kind in KIND_ORDER else len(KIND_ORDER)

    ordered = sorted(edges, key=lambda edge: (*names(edge), kind(edge), edge.since.start))
    if order == "kind":
        return sorted(ordered, key=lambda edge: (kind(edge), edge.since.start))
    if order == "date":
        return sorted(ordered, key=lambda edge: (edge.since.start, edge.since.end))
    return sorted(ordered, key=lambda e: (-e.since.start.toordinal(), -e.since.end.toordinal()))


def _holds_anything(graph: Graph, group: Iterable[str]) -> bool:
    members = set(group)
    return any(
        node.company in members for node in graph.nodes.values() if node.type == "asset"
    ) or any(_owner(graph, e.source) in members or _owner(graph, e.target) in members
             for e in graph.edges if e.kind != "has")  # fmt: skip


def _owner(graph: Graph, key: str) -> str | None:
    return graph.nodes[key].company if key in graph.nodes else None


def _slug(key: str) -> str:
    return key.removeprefix("company:")


def _name(graph: Graph, slug: str) -> str:
    node = graph.nodes.get(company_id(slug))
    return node.name if node else slug
