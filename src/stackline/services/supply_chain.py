"""The supply chain as the API and the pages read it: the graph of a day, and plans against
outcomes, read from the projection tables (as they stood on `known_on`, if given).
The page's view of a day also says which company a typed name means."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from stackline.domain.graph import Graph, compose_graph
from stackline.domain.plans import Plan, plans_as_of
from stackline.services.company_names import company_choices, company_named
from stackline.services.stacks import require_company
from stackline.store.footprints import snapshot
from stackline.store.reads.companies import current_names
from stackline.store.reads.plans import plan_events
from stackline.store.units_of_work import Database


def graph_of(
    db: Database, as_of: date, known_on: datetime | None = None, company: str | None = None
) -> Graph:
    """The day's graph; with `company`, what lies within two edges of that company."""
    with db.reading(known_on) as uow:
        if company is not None:
            require_company(uow, company)
        footprint = snapshot(uow, as_of, with_supply_chain=True)
    graph = compose_graph(footprint, known_on)
    return graph.around(company) if company is not None else graph


def plans_of(db: Database, as_of: date, known_on: datetime | None = None) -> list[Plan]:
    """Every plan announced by `as_of` (and every undated announcement nothing followed), with
    what had become of it that day, its parties named."""
    with db.reading(known_on) as uow:
        events = plan_events(uow, as_of)
        names = current_names(uow)
    return [plan.named(names) for plan in plans_as_of(events, as_of)]


@dataclass(frozen=True)
class GraphView:
    """What page `/graph` reads: the day's whole graph, the company typed (as its slug) and the
    names offered in the company box."""

    graph: Graph
    company: str | None
    company_name: str | None  # its latest name
    choices: list[str]


def graph_view(db: Database, as_of: date, company: str | None = None) -> GraphView:
    """The day's graph, and which company `company` names (a slug, a name or an alias)."""
    with db.reading() as uow:
        slug = company_named(uow, company) if company else None
        footprint = snapshot(uow, as_of, with_supply_chain=True)
        choices = company_choices(uow)
        name = current_names(uow).get(slug) if slug else None
    return GraphView(compose_graph(footprint), slug, name, choices)
