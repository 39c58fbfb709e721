"""The `/graph` layout: straight bands, aligned columns, boxes that never collide, a stable order."""

from __future__ import annotations

import random
import re
from collections import Counter
from itertools import combinations, pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackline.web.pages.graph_layout import (
    BAND_PADDING,
    EDGE_KINDS,
    LAYERS_TOP_DOWN,
    MAX_NODE_WIDTH,
    MIN_NODE_WIDTH,
    Box,
    GraphEdge,
    GraphLayout,
    GraphNode,
    layout_graph,
    text_width,
)

NAMES = [
    "OpenAI",
    "Anthropic",
    "深度求索",
    "智谱华章科技有限公司",
    "Mistral AI",
    "Ünïcödé Läbs",
    "Σύνθεση Τεχνητής Νοημοσύνης",
    "Самолёт Искусственный Интеллект",
    "شركة الذكاء الاصطناعي",
    "An Extraordinarily Long Company Name That Could Never Fit Inside Any Column",
    "X",
    "🚀 Rocket ML",
    "Cohere",
    "NVIDIA",
    "Taiwan Semiconductor Manufacturing Company",
    "Graphcore",
    "Cerebras Systems",
    "Hugging Face",
    "Stability AI",
    "Perplexity",
    "AMD",
    "Groq",
    "CoreWeave",
    "Lambda",
    "Aleph Alpha",
    "Sakana AI",
    "Naver",
    "Baidu 百度",
    "Samsung Electronics",
    "Inflection",
]
ASSET_WORDS = ["GPT", "Claude", "H100", "Cluster", "Chat", "Vision", "模型", "Ассистент", "α", "🧠"]
ASSET_KINDS = ["runs_on", "trained_on", "fine_tuned_from", "built_with"]


def company(slug: str, name: str | None = None) -> GraphNode:
    return GraphNode(f"company:{slug}", "company", slug, None, name or slug.title(), "available")


def asset(owner: str, layer: str, name: str) -> GraphNode:
    return GraphNode(f"asset:{owner}|{layer}|{name}", "asset", owner, layer, name, "available")


def overlaps(first: Box, second: Box) -> bool:
    return (
        first.x < second.right
        and second.x < first.right
        and first.y < second.bottom
        and second.y < first.bottom
    )


def inside(inner: Box, outer: Box) -> bool:
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.right <= outer.right
        and inner.bottom <= outer.bottom
    )


def seeded_graph(seed: int = 2024) -> tuple[list[GraphNode], list[GraphEdge]]:
    """30 companies (two known only as owners) and 150 assets, spread unevenly; 120 edges."""
    rng = random.Random(seed)
    slugs = [f"co{index:02d}" for index in range(30)]
    nodes = [company(slug, name) for slug, name in zip(slugs[:28], NAMES, strict=False)]
    owners = rng.choices(slugs, weights=[1 / (index + 1) for index in range(30)], k=150)
    owners[:2] = slugs[28:]  # the two companies without a company node still own something
    for number, owner in enumerate(owners):
        layer = rng.choices(LAYERS_TOP_DOWN, weights=[4, 5, 2, 1])[0]
        words = rng.choices(ASSET_WORDS, k=rng.choice([1, 2, 3, 12]))
        nodes.append(asset(owner, layer, f"{' '.join(words)} {number}"))
    companies = [node for node in nodes if node.type == "company"]
    assets = [node for node in nodes if node.type == "asset"]
    edges: set[GraphEdge] = set()
    while len(edges) < 30:
        source, target = rng.sample(companies, 2)
        edges.add(GraphEdge(source.id, target.id, ("owns", "partner", "stake")[len(edges) % 3]))
    for owned in rng.sample([a for a in assets if a.company in slugs[:28]], 15):
        edges.add(GraphEdge(f"company:{owned.company}", owned.id, "has"))
    while len(edges) < 120:
        source, target = rng.sample(assets, 2)
        edges.add(GraphEdge(source.id, target.id, ASSET_KINDS[len(edges) % 4]))
    return nodes, sorted(edges, key=lambda edge: (edge.source, edge.target, edge.kind))


@pytest.fixture(scope="module")
def big() -> GraphLayout:
    return layout_graph(*seeded_graph())


def band_of(layout: GraphLayout, layer: str) -> Box:
    return next(band.box for band in layout.bands if band.layer == layer)


def column_of(layout: GraphLayout, slug: str) -> Box:
    return next(column.box for column in layout.columns if column.company == slug)


def endpoints(path: str) -> tuple[tuple[float, float], tuple[float, float]]:
    numbers = [float(number) for number in re.findall(r"-?\d+(?:\.\d+)?", path)]
    return (numbers[0], numbers[1]), (numbers[-2], numbers[-1])


def points_of(path: str) -> list[tuple[float, float]]:
    """The corners of the polyline a path draws (straight runs only: M, then L)."""
    assert re.fullmatch(r"M -?[\d.]+ -?[\d.]+( L -?[\d.]+ -?[\d.]+)+", path), path
    n = [float(number) for number in re.findall(r"-?\d+(?:\.\d+)?", path)]
    return list(zip(n[0::2], n[1::2], strict=True))


Segment = tuple[tuple[float, float], tuple[float, float]]


def segments_of(path: str) -> list[Segment]:
    return list(pairwise(points_of(path)))


def runs_through(segment: Segment, box: Box, margin: float = 0.5) -> bool:
    """Whether a straight run enters a box's inside (its border shrunk by `margin`)."""
    (x1, y1), (x2, y2) = segment
    left, right = sorted((x1, x2))
    top, bottom = sorted((y1, y2))
    return (
        left < box.right - margin
        and right > box.x + margin
        and top < box.bottom - margin
        and bottom > box.y + margin
    )


def every_box(layout: GraphLayout) -> list[tuple[str, Box]]:
    """Every drawn box: asset boxes and every column header (with a company node or not)."""
    boxes = [(p.node.id, p.box) for p in layout.nodes if p.node.type == "asset"]
    return boxes + [(f"company:{c.company}", c.header) for c in layout.columns]


def overlapping_runs(first: Segment, second: Segment) -> bool:
    """Whether two straight runs lie on one line and share more than a point."""
    (a1, a2), (b1, b2) = first, second
    if a1[0] == a2[0] == b1[0] == b2[0]:
        low, high = (
            max(min(a1[1], a2[1]), min(b1[1], b2[1])),
            min(max(a1[1], a2[1]), max(b1[1], b2[1])),
        )
        return high - low > 0.05
    if a1[1] == a2[1] == b1[1] == b2[1]:
        low, high = (
            max(min(a1[0], a2[0]), min(b1[0], b2[0])),
            min(max(a1[0], a2[0]), max(b1[0], b2[0])),
        )
        return high - low > 0.05
    return False


def on_border(point: tuple[float, float], box: Box) -> bool:
    x, y = point
    within = box.x - 0.1 <= x <= box.right + 0.1 and box.y - 0.1 <= y <= box.bottom + 0.1
    touching = min(abs(x - box.x), abs(x - box.right), abs(y - box.y), abs(y - box.bottom))
    return within and touching <= 0.1


def arc_crossings(layout: GraphLayout) -> int:
    """Crossings among company → company edges, read from the columns' order on the page."""
    x_of = {f"company:{column.company}": column.box.x for column in layout.columns}
    spans = [
        sorted((x_of[routed.edge.source], x_of[routed.edge.target]))
        for routed in layout.edges
        if routed.target_type == "company"
    ]
    return sum(1 for (a, b), (c, d) in combinations(spans, 2) if a < c < b < d or c < a < d < b)


def test_the_seeded_graph_has_30_columns_150_assets_and_every_kind_of_edge() -> None:
    nodes, edges = seeded_graph()
    layout = layout_graph(nodes, edges)

    assert len(layout.columns) == 30
    assert sum(1 for placed in layout.nodes if placed.node.type == "asset") == 150
    assert {edge.kind for edge in edges} == {*EDGE_KINDS, "has"}
    assert len(edges) == 120
    assert len(layout.edges) == 120 - 15  # "has" edges are shown by the columns, not drawn
    assert layout.dropped_edges == 0


def test_no_two_node_boxes_overlap(big: GraphLayout) -> None:
    placed_ids = {placed.node.id for placed in big.nodes}
    headers_without_node = [
        column.header for column in big.columns if f"company:{column.company}" not in placed_ids
    ]
    boxes = [placed.box for placed in big.nodes] + headers_without_node

    assert len(boxes) == 28 + 150 + 2
    assert not [pair for pair in combinations(boxes, 2) if overlaps(*pair)]


def test_columns_do_not_overlap_and_stay_inside_the_page(big: GraphLayout) -> None:
    columns = [column.box for column in big.columns]

    assert not [pair for pair in combinations(columns, 2) if overlaps(*pair)]
    assert all(inside(box, Box(0, 0, big.width, big.height)) for box in columns)


def test_every_asset_box_lies_inside_its_band_and_its_companys_column(big: GraphLayout) -> None:
    for placed in big.nodes:
        if placed.node.type == "asset":
            assert placed.node.layer is not None
            assert inside(placed.box, band_of(big, placed.node.layer)), placed.node.id
            assert inside(placed.box, column_of(big, placed.node.company)), placed.node.id


def test_company_headers_sit_above_the_application_band_in_their_column(big: GraphLayout) -> None:
    application = band_of(big, "application")
    header_of = {f"company:{column.company}": column.header for column in big.columns}
    for column in big.columns:
        assert column.header.bottom <= application.y
        assert inside(column.header, column.box)
    for placed in big.nodes:
        if placed.node.type == "company":
            assert placed.box == header_of[placed.node.id]


def test_bands_run_from_hardware_at_the_bottom_to_application_on_top(big: GraphLayout) -> None:
    tops = [band_of(big, layer).y for layer in ("hardware", "compute", "model", "application")]

    assert tops == sorted(tops, reverse=True)
    assert [band.layer for band in big.bands] == list(LAYERS_TOP_DOWN)
    assert [band.title for band in big.bands] == ["Application", "Model", "Compute", "Hardware"]
    for upper, lower in pairwise(big.bands):
        assert upper.box.bottom == lower.box.y
    assert all(band.box.x == 0 and band.box.width == big.width for band in big.bands)


def test_every_band_is_as_tall_as_its_tallest_stack(big: GraphLayout) -> None:
    for band in big.bands:
        in_band = [placed for placed in big.nodes if placed.node.layer == band.layer]
        tallest_stack = max(Counter(placed.node.company for placed in in_band).values())
        rows = {placed.box.y for placed in in_band}  # rows line up across columns

        assert len(rows) == tallest_stack
        assert band.box.bottom - max(placed.box.bottom for placed in in_band) >= BAND_PADDING


def test_every_printed_label_fits_its_box_by_the_width_estimate(big: GraphLayout) -> None:
    printed = [(p.label, p.label_box, p.box) for p in big.nodes]
    printed += [(c.label, c.label_box, c.header) for c in big.columns]
    for label, label_box, box in printed:
        assert inside(label_box, box), label
        assert text_width(label) <= label_box.width, label
    assert any(p.label.endswith("…") and p.label != p.full_label for p in big.nodes)
    assert all(MIN_NODE_WIDTH <= c.header.width <= MAX_NODE_WIDTH for c in big.columns)


def test_the_layout_is_identical_when_the_input_lists_are_shuffled(big: GraphLayout) -> None:
    nodes, edges = seeded_graph()
    for seed in range(3):
        rng = random.Random(seed)
        shuffled_nodes, shuffled_edges = nodes[:], edges[:]
        rng.shuffle(shuffled_nodes)
        rng.shuffle(shuffled_edges)
        assert layout_graph(shuffled_nodes, shuffled_edges) == big


def test_every_drawn_edge_runs_from_its_source_box_to_its_target_box(big: GraphLayout) -> None:
    boxes = {placed.node.id: placed.box for placed in big.nodes}
    for routed in big.edges:
        start, end = endpoints(routed.path)
        assert routed.path.startswith("M ") and " L " in routed.path
        assert on_border(start, boxes[routed.edge.source]), routed.edge
        assert on_border(end, boxes[routed.edge.target]), routed.edge
        assert routed.kind == routed.edge.kind
        assert points_of(routed.path) == [tuple(point) for point in routed.points]


def test_every_edge_runs_in_horizontal_and_vertical_stretches(big: GraphLayout) -> None:
    for routed in big.edges:
        for (x1, y1), (x2, y2) in segments_of(routed.path):
            assert x1 == x2 or y1 == y2, routed.edge


def test_no_edge_runs_through_a_box_not_even_its_own(big: GraphLayout) -> None:
    boxes = every_box(big)
    through = [
        (routed.edge, node)
        for routed in big.edges
        for segment in segments_of(routed.path)
        for node, box in boxes
        if runs_through(segment, box)
    ]

    assert len(big.edges) == 105 and through == []


def test_two_edges_share_a_stretch_only_when_they_bundle_into_or_out_of_one_box(
    big: GraphLayout,
) -> None:
    for first, second in combinations(big.edges, 2):
        bundled = first.kind == second.kind and (
            first.edge.target == second.edge.target or first.edge.source == second.edge.source
        )
        if not bundled:
            shared = [
                (a, b)
                for a in segments_of(first.path)
                for b in segments_of(second.path)
                if overlapping_runs(a, b)
            ]
            assert shared == [], (first.edge, second.edge)


def test_edge_ends_share_a_point_on_a_box_only_within_one_bundle(big: GraphLayout) -> None:
    ends: dict[tuple[float, float], set[tuple[str, str, str]]] = {}
    for routed in big.edges:
        start, end = endpoints(routed.path)
        ends.setdefault(start, set()).add(("out", routed.edge.source, routed.kind))
        ends.setdefault(end, set()).add(("in", routed.edge.target, routed.kind))

    assert all(len(nets) == 1 for nets in ends.values())


def test_one_company_with_one_asset_per_layer_stacks_them_in_one_column() -> None:
    nodes = [company("acme", "Acme")] + [asset("acme", layer, layer) for layer in LAYERS_TOP_DOWN]
    layout = layout_graph(nodes, [GraphEdge("company:acme", n.id, "has") for n in nodes[1:]])

    [column] = layout.columns
    assert (column.company, column.label, column.full_label) == ("acme", "Acme", "Acme")
    assets = {p.node.layer: p for p in layout.nodes if p.node.type == "asset"}
    assert len({p.box.x for p in assets.values()}) == 1
    assert [assets[layer].box.y for layer in LAYERS_TOP_DOWN] == sorted(
        assets[layer].box.y for layer in LAYERS_TOP_DOWN
    )
    for layer, placed in assets.items():
        assert inside(placed.box, band_of(layout, layer))
    assert layout.edges == ()
    assert layout.dropped_edges == 0


def test_an_asset_whose_owner_has_no_company_node_gets_a_column_headed_by_the_slug() -> None:
    layout = layout_graph([asset("orphan-labs", "model", "Model")], [])

    [column] = layout.columns
    assert (column.company, column.label) == ("orphan-labs", "orphan-labs")
    assert [p.node.type for p in layout.nodes] == ["asset"]


def test_an_edge_to_an_unknown_node_is_dropped_and_counted() -> None:
    nodes = [company("a"), company("b")]
    edges = [
        GraphEdge("company:a", "company:b", "partner"),
        GraphEdge("company:a", "company:ghost", "stake"),
        GraphEdge("asset:ghost|model|m", "company:b", "owns"),
    ]
    layout = layout_graph(nodes, edges)

    assert [routed.edge for routed in layout.edges] == [edges[0]]
    assert layout.dropped_edges == 2


def test_an_empty_graph_gives_an_empty_layout_with_four_bands() -> None:
    layout = layout_graph([], [])

    assert layout.empty
    assert (layout.columns, layout.nodes, layout.edges, layout.dropped_edges) == ((), (), (), 0)
    assert [band.layer for band in layout.bands] == list(LAYERS_TOP_DOWN)
    assert layout.width >= 400 and layout.height >= 150


def test_a_long_label_is_cut_with_an_ellipsis_and_kept_whole_for_the_tooltip() -> None:
    long_name = "Very Large Language Model With An Unreasonably Long Name, Version 12"
    layout = layout_graph([company("acme", "Acme"), asset("acme", "model", long_name)], [])

    placed = next(p for p in layout.nodes if p.node.type == "asset")
    assert placed.label.endswith("…")
    assert long_name.startswith(placed.label[:-1])
    assert placed.full_label == long_name
    assert text_width(placed.label) <= placed.label_box.width
    assert placed.box.width == MAX_NODE_WIDTH


def test_wide_characters_count_double_and_combining_marks_not_at_all() -> None:
    assert text_width("深度") == text_width("abcd")
    assert text_width("e\u0301") == text_width("e")


def test_a_label_with_line_breaks_prints_on_one_line() -> None:
    layout = layout_graph([company("acme", "Acme\nCorp\t Inc\x00")], [])

    assert layout.columns[0].label == "Acme Corp Inc"
    assert layout.columns[0].full_label == "Acme\nCorp\t Inc\x00"


def chain(order: list[str], names: dict[str, str]) -> tuple[list[GraphNode], list[GraphEdge]]:
    nodes = [company(slug, names[slug]) for slug in names]
    edges = [GraphEdge(f"company:{a}", f"company:{b}", "partner") for a, b in pairwise(order)]
    return nodes, edges


def test_a_chain_whose_labels_would_cross_is_laid_out_without_crossings() -> None:
    names = {"a": "Alpha", "b": "Bravo", "c": "Charlie", "d": "Delta", "e": "Echo", "f": "Foxtrot"}
    nodes, edges = chain(["a", "d", "b", "f", "c", "e"], names)

    alphabetical = sorted(
        (sorted((ord(e.source[-1]), ord(e.target[-1]))) for e in edges),
    )
    assert any(a < c < b < d for (a, b), (c, d) in combinations(alphabetical, 2))
    assert arc_crossings(layout_graph(nodes, edges)) == 0


def test_a_ring_and_a_tree_are_laid_out_without_crossings() -> None:
    names = {slug: name for slug, name in zip("abcdefghij", "QWERTYUIOP", strict=True)}
    ring = ["a", "e", "b", "h", "c", "j", "a"]
    tree = [("d", "f"), ("d", "g"), ("f", "i"), ("g", "j"), ("d", "a")]
    nodes = [company(slug, name) for slug, name in names.items()]
    edges = [GraphEdge(f"company:{a}", f"company:{b}", "stake") for a, b in pairwise(ring)]
    edges += [GraphEdge(f"company:{a}", f"company:{b}", "owns") for a, b in tree]

    assert arc_crossings(layout_graph(nodes, edges)) == 0


def test_companies_without_edges_go_to_the_right_by_label() -> None:
    nodes = [company("z", "Zeta"), company("y", "alpha"), company("x", "Beta"), company("w", "Mu")]
    edges = [GraphEdge("company:z", "company:w", "owns")]

    layout = layout_graph(nodes, edges)

    assert [column.company for column in layout.columns][2:] == ["y", "x"]


def test_company_edges_run_above_the_headers_the_farther_reaching_higher() -> None:
    nodes = [company(slug) for slug in "abc"]
    edges = [
        GraphEdge("company:a", "company:b", "partner"),
        GraphEdge("company:b", "company:c", "partner"),
        GraphEdge("company:c", "company:a", "partner"),
        GraphEdge("company:a", "company:c", "stake"),
    ]
    layout = layout_graph(nodes, edges)

    header_top = layout.columns[0].header.y
    column = {f"company:{c.company}": index for index, c in enumerate(layout.columns)}
    heights: dict[int, list[float]] = {}
    for routed in layout.edges:
        points = points_of(routed.path)
        assert points[0][1] == points[-1][1] == header_top
        assert len(points) == 4 and 0 < points[1][1] == points[2][1] < header_top
        reach = abs(column[routed.edge.source] - column[routed.edge.target])
        heights.setdefault(reach, []).append(points[1][1])
    assert max(heights[2]) < min(heights[1])  # higher is a smaller y
    assert len(set(heights[2])) == len(heights[2])  # two edges over the same columns apart


def test_an_asset_edge_leaves_the_side_of_its_box_facing_the_target() -> None:
    app = asset("a", "application", "App")
    model = asset("b", "model", "Model")
    twin = asset("c", "application", "Twin")
    sibling = asset("a", "model", "Sibling")
    edges = [
        GraphEdge(model.id, app.id, "built_with"),  # up to the band above
        GraphEdge(app.id, twin.id, "runs_on"),  # along one row
        GraphEdge(app.id, sibling.id, "fine_tuned_from"),  # within one column
    ]
    layout = layout_graph([app, model, twin, sibling], edges)

    box = {p.node.id: p.box for p in layout.nodes}
    path = {routed.edge: routed.path for routed in layout.edges}
    for edge in edges[:2]:
        (start_x, _), (end_x, _) = endpoints(path[edge])
        source, target = box[edge.source], box[edge.target]
        if source.x < target.x:
            assert (start_x, end_x) == (source.right, target.x)
        else:
            assert (start_x, end_x) == (source.x, target.right)
    start, end = endpoints(path[edges[2]])
    assert (start[0], end[0]) == (box[app.id].right, box[sibling.id].right)


def test_an_edge_along_a_row_with_boxes_between_runs_in_the_gap_beside_them() -> None:
    first, middle, last = (asset(owner, "model", "M") for owner in ("a", "b", "c"))
    edge = GraphEdge(first.id, last.id, "fine_tuned_from")
    # Twice as many edges through the middle company keep it between the other two.
    edges = [
        GraphEdge(a.id, b.id, kind)
        for a, b in ((first, middle), (middle, last))
        for kind in ("runs_on", "built_with")
    ]
    layout = layout_graph([first, middle, last], [edge, *edges])

    routed = next(routed for routed in layout.edges if routed.edge == edge)
    box = {p.node.id: p.box for p in layout.nodes}
    in_between = box[middle.id]
    assert (
        box[first.id].x < in_between.x < box[last.id].x
        or box[last.id].x < in_between.x < box[first.id].x
    )
    across = [
        (a, b) for a, b in segments_of(routed.path) if min(a[0], b[0]) <= in_between.x
        and max(a[0], b[0]) >= in_between.right
    ]  # fmt: skip
    assert across and all(a[1] == b[1] for a, b in across)
    assert all(not in_between.y <= a[1] <= in_between.bottom for a, _ in across)


def test_every_edge_stays_within_the_page(big: GraphLayout) -> None:
    page = Box(0, 0, big.width, big.height)
    for routed in big.edges:
        for x, y in points_of(routed.path):
            assert page.x <= x <= page.right and page.y <= y <= page.bottom, routed.edge


def test_nodes_that_contradict_each_other_are_refused() -> None:
    with pytest.raises(ValueError, match="id"):
        layout_graph([company("a", "A"), company("a", "Another")], [])
    with pytest.raises(ValueError, match="layer"):
        layout_graph([GraphNode("asset:x", "asset", "a", "cloud", "X", "available")], [])


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[GraphNode], list[GraphEdge]]:
    """Small graphs with labels of any Unicode, owners with and without a company node, and
    edges of every kind, some to nodes that do not exist."""
    labels = st.text(max_size=40)
    slugs = "abcdef"
    nodes = [company(slug, draw(labels)) for slug in sorted(draw(st.sets(st.sampled_from(slugs))))]
    for number, owner in enumerate(draw(st.lists(st.sampled_from(slugs), max_size=14))):
        layer = draw(st.sampled_from(LAYERS_TOP_DOWN))
        nodes.append(GraphNode(f"asset:{number}", "asset", owner, layer, draw(labels), "available"))
    ids = st.sampled_from([node.id for node in nodes] + ["asset:ghost"])
    kinds = st.sampled_from([*EDGE_KINDS, "has"])
    return nodes, draw(st.lists(st.builds(GraphEdge, ids, ids, kinds), max_size=20))


@given(graphs(), st.randoms(use_true_random=False))
def test_any_graph_keeps_boxes_apart_in_their_band_and_column_and_labels_fitting(
    graph: tuple[list[GraphNode], list[GraphEdge]], rng: random.Random
) -> None:
    nodes, edges = graph
    layout = layout_graph(nodes, edges)

    boxes = [placed.box for placed in layout.nodes]
    assert not [pair for pair in combinations(boxes, 2) if overlaps(*pair)]
    for placed in layout.nodes:
        assert inside(placed.label_box, placed.box)
        assert text_width(placed.label) <= placed.label_box.width
        if placed.node.layer is not None:
            assert inside(placed.box, band_of(layout, placed.node.layer))
            assert inside(placed.box, column_of(layout, placed.node.company))
    page = Box(0, 0, layout.width, layout.height)
    assert all(inside(Box(x, y, 0, 0), page) for r in layout.edges for x, y in points_of(r.path))
    boxes = every_box(layout)
    assert not [
        (routed.edge, node)
        for routed in layout.edges
        for segment in segments_of(routed.path)
        for node, box in boxes
        if runs_through(segment, box)
    ]
    rng.shuffle(nodes)
    rng.shuffle(edges)
    assert layout_graph(nodes, edges) == layout
