"""`/graph`: the supply chain of a day as an SVG in four bands, with the matrix's date controls."""

from __future__ import annotations

from flask import render_template, request

from stackline.domain.graph import Graph
from stackline.services import parameters, supply_chain, timeline
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
    company = (request.args.get("company") or "").strip() or None
    require_a_drawable_graph(as_of, company, page=True)
    graph = require_a_small_graph(
        supply_chain.graph_of(database(), as_of, None, company), page=True
    )
    steps = timeline.event_steps(database(), as_of)
    return render_template(
        "graph.html",
        graph=graph,
        layout=_layout(graph),
        as_of=as_of,
        company=company,
        previous_day=steps.previous,
        next_day=steps.next,
        edge_kinds=EDGE_KINDS,
        edge_words=EDGE_WORDS,
        names={node.company: node.name for node in graph.nodes.values() if node.type == "company"},
    )


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
