"""The supply-chain graph cut into pages (`domain.graph_pages`): a group is a company and what it
owns, a neighbourhood holds only edges with an end in the focus, pages follow ownership groups,
and edges sort by kind or date."""

from __future__ import annotations

from datetime import date

from stackline.domain.dates import PartialDate
from stackline.domain.graph import Edge, Graph, Node, company_id
from stackline.domain.graph_pages import (
    group_of,
    neighbourhood,
    ownership_groups,
    page_of,
    pages_of,
    sort_edges,
)


def company(slug: str) -> Node:
    return Node(company_id(slug), "company", slug, None, None, slug.upper(), "registered")


def asset(owner: str, layer: str, name: str) -> Node:
    return Node(f"asset:{owner}|{layer}|{name}", "asset", owner, layer, name, name, "available")


def edge(source: Node, target: Node, kind: str, since: str = "2024") -> Edge:
    return Edge(source.id, target.id, kind, PartialDate.parse(since), "active", ())


A, B, C, D = (company(slug) for slug in "abcd")
A1, A2 = asset("a", "model", "a-model"), asset("a", "model", "a-idle")
B1, C1, D1 = (
    asset("b", "compute", "b-cluster"),
    asset("c", "hardware", "c-chip"),
    asset("d", "hardware", "d-chip"),
)
EDGES = [
    edge(A, B, "owns", "2020"),
    *(edge(owner, held, "has") for owner, held in ((A, A1), (A, A2), (B, B1), (C, C1), (D, D1))),
    edge(A1, B1, "trained_on", "2023-05"),
    edge(B1, C1, "built_with", "2022"),
    edge(C1, D1, "built_with", "2021"),  # between two outsiders
    edge(A, C, "partner", "2024-Q2"),
    edge(D, C, "stake", "2019"),  # between two outsiders
]


def graph(*extra: Node) -> Graph:
    nodes = {node.id: node for node in (A, B, C, D, A1, A2, B1, C1, D1, *extra)}
    return Graph(date(2025, 1, 1), None, nodes, list(EDGES))


def test_a_group_is_a_company_and_every_company_below_it() -> None:
    assert group_of(graph(), "a") == ["a", "b"]
    assert group_of(graph(), "b") == ["b"]
    assert ownership_groups(graph()) == [["a", "b"], ["c"], ["d"]]


def test_a_neighbourhood_holds_only_edges_with_an_end_in_the_focus() -> None:
    around = neighbourhood(graph(), ["a", "b"])

    drawn = {(e.source, e.target, e.kind) for e in around.edges if e.kind != "has"}
    assert drawn == {
        (A.id, B.id, "owns"),
        (A1.id, B1.id, "trained_on"),
        (B1.id, C1.id, "built_with"),
        (A.id, C.id, "partner"),
    }
    assert set(around.nodes) == {A.id, B.id, C.id, A1.id, B1.id, C1.id}  # C for C1's name
    assert D.id not in around.nodes and D1.id not in around.nodes


def test_a_page_lists_the_focus_assets_no_edge_touches_as_idle() -> None:
    shown = page_of(graph(), ["a", "b"])

    assert shown.title == "A, B" and shown.focus == {"a", "b"}
    assert [node.id for node in shown.idle] == [A2.id]


def test_a_small_day_is_one_page_and_a_large_one_a_page_per_group_busiest_first() -> None:
    assert pages_of(graph()) == [["a", "b", "c", "d"]]

    many = graph(*(company(f"z{index}") for index in range(6)))
    many.nodes.update({f"asset:z{i}": asset(f"z{i}", "model", f"m{i}") for i in range(6)})
    pages = pages_of(many)
    assert pages[0] == ["a", "b"] and len(pages) == 3 + 6
    assert pages[1:3] == [["c"], ["d"]]  # c ties a-b on 4 edges, d has 2
    assert pages[3:] == [[f"z{index}"] for index in range(6)]  # no edges, by name


def test_edges_sort_by_kind_by_date_and_by_date_newest_first() -> None:
    edges = [e for e in EDGES if e.kind != "has"]
    nodes = graph().nodes

    kinds = [e.kind for e in sort_edges(edges, nodes, "kind")]
    assert kinds == ["owns", "stake", "partner", "trained_on", "built_with", "built_with"]
    dates = [str(e.since) for e in sort_edges(edges, nodes, "date")]
    assert dates == ["2019", "2020", "2021", "2022", "2023-05", "2024-Q2"]
    assert [str(e.since) for e in sort_edges(edges, nodes, "-date")] == dates[::-1]
