"""`/graph`: the supply chain of a day as an SVG in four bands, a page at a time, with the matrix's
date controls and every edge of the page as a sortable list.

`company` (a slug, a name or an alias, in any case) shows that company's neighbourhood: the
company and its subsidiaries, and every edge with an end in them. Without it the day is one page,
or a page per ownership group (`page`, from 1). `sort` orders the edge list: `kind` (the
default), `date` or `-date`.
"""

from __future__ import annotations

from flask import render_template, request

from stackline.domain.graph import Graph, company_id
from stackline.domain.graph_pages import (
    EDGE_ORDERS,
    EdgeOrder,
    GraphPage,
    group_of,
    page_of,
    pages_of,
    sort_edges,
)
from stackline.services import parameters, supply_chain, timeline
from stackline.services.parameters import BadParameter
from stackline.web.context import database, today
from stackline.web.limits import expensive_read, require_a_drawable_graph, require_a_small_graph
from stackline.web.pages import bp
from stackline.web.pages.graph_layout import (
    EDGE_KINDS,
    GraphEdge,
    GraphLayout,
    GraphNode,
    layout_graph,
)

UNRECORDED = "unrecorded"  # the column of base models named without their company
EDGE_WORDS = {
    "owns": "owns", "stake": "holds a stake in", "partner": "is supplied by",
    "runs_on": "runs on", "trained_on": "is trained on", "fine_tuned_from": "is fine-tuned from",
    "built_with": "is built with", "has": "has",
}  # fmt: skip


@bp.get("/graph")
@expensive_read(always=True)
def graph_page() -> str:
    as_of = parameters.day_until(request.args.get("as_of"), "as_of", today())
    typed = " ".join((request.args.get("company") or "").split()) or None
    order = edge_order(request.args.get("sort"))
    number = parameters.page_number(request.args.get("page"))
    require_a_drawable_graph(as_of, typed, page=True)
    view = supply_chain.graph_view(database(), as_of, typed)
    if view.company is None:
        require_a_small_graph(view.graph, page=True)
    pages = pages_of(view.graph)
    if view.company is not None:
        shown = _around(view.graph, view.company)
    elif number > max(len(pages), 1):
        raise BadParameter.of("page", f"the graph of {as_of} has {len(pages)} pages")
    else:
        shown = page_of(view.graph, pages[number - 1] if pages else [])
    drawn = require_a_small_graph(shown.graph, page=True)
    steps = timeline.event_steps(database(), as_of)
    return render_template(
        "graph.html",
        graph=drawn,
        shown=shown,
        layout=_layout(drawn),
        edges=sort_edges((e for e in drawn.edges if e.kind != "has"), drawn.nodes, order),
        sort=order,
        as_of=as_of,
        company=view.company,
        company_name=view.company_name,
        choices=view.choices,
        pages=[(index, page_of_names(view.graph, focus)) for index, focus in enumerate(pages, 1)],
        page=None if view.company else number,
        previous_day=steps.previous,
        next_day=steps.next,
        edge_kinds=EDGE_KINDS,
        edge_words=EDGE_WORDS,
    )


def edge_order(text: str | None) -> EdgeOrder:
    """The edge list's order: `kind` when not given."""
    if not text:
        return "kind"
    for order in EDGE_ORDERS:
        if text == order:
            return order
    raise BadParameter.of("sort", "must be " + ", ".join(EDGE_ORDERS))


def page_of_names(graph: Graph, focus: list[str], shown: int = 3) -> str:
    """A page's name in the list of pages: its companies', the first few of a long list."""
    names = [_name(graph, slug) for slug in focus]
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _around(graph: Graph, slug: str) -> GraphPage:
    """The page of a company and its subsidiaries (the company alone when absent on the day)."""
    return page_of(graph, group_of(graph, slug) if company_id(slug) in graph.nodes else [slug])


def _name(graph: Graph, slug: str) -> str:
    node = graph.nodes.get(company_id(slug))
    return node.name if node else slug


def _layout(graph: Graph) -> GraphLayout:
    nodes = [
        GraphNode(
            node.id,
            "company" if node.type == "company" else "asset",
            node.company or UNRECORDED,
            node.layer,
            node.name,
            node.status,
        )
        for node in graph.nodes.values()
    ]
    edges = [GraphEdge(edge.source, edge.target, edge.kind) for edge in graph.edges]
    return layout_graph(nodes, edges)
