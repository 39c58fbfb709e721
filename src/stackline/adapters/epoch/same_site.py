"""Which GPU clusters describe the site of a Frontier Data Center (§9.7, no double counting).

Epoch's GPU Clusters and Frontier Data Centers datasets overlap: xAI's Colossus, OpenAI's
Abilene campus and others appear in both. Where they describe the same site only the data centre
counts. A cluster here (the root of its `Builds Upon` chain, so its phases follow it) gives no
facility and no capacity of its own: no `compute.launched`, no `compute.expanded`. Its other facts
— users' compute partnerships and the `built_with` chip — are emitted against the data centre,
named by its `Handle` (the data centre's alias, which stays put when Epoch retitles it) and owned
by the data centre's owner.

The table was built by reading both files (names, owners, addresses) and is tested row by row
against them. A site stays out when its data centre has no owner (Crusoe's Goodnight campus):
that row is skipped, so the cluster is the only record of the site.
"""

from __future__ import annotations

from dataclasses import dataclass

from stackline.domain.values import fold_name


@dataclass(frozen=True, slots=True)
class SameSite:
    """A GPU cluster (as Epoch names it) that is the data centre with this `Handle`."""

    cluster: str
    data_centre: str
    owner: str
    evidence: str
    owners_differ: str | None = None


SAME_SITES: tuple[SameSite, ...] = (
    SameSite(
        "xAI Colossus Memphis Phase 1",
        "xAI Colossus 1 Memphis Tennessee",
        "xAI",
        "both at 3231 Riverport Rd, Memphis, TN",
    ),
    SameSite(
        "xAI Colossus 2 Memphis Phase 1",
        "xAI Colossus 2 Memphis Tennessee",
        "xAI",
        "both at 5420 Tulane Rd, Memphis, TN",
    ),
    SameSite(
        "OpenAI Stargate Abilene Oracle OCI Supercluster Phase 1",
        "OpenAI-Oracle Stargate Abilene Texas",
        "Oracle",
        "both at 5502 Spinks Rd, Abilene, TX",
    ),
    SameSite(
        "Project Rainier",
        "Anthropic-Amazon Project Rainier New Carlisle Indiana",
        "Amazon",
        "Amazon's Project Rainier campus for Anthropic in New Carlisle, IN 46552",
    ),
    SameSite(
        "Meta Louisiana Datacenter",
        "Meta Hyperion Holly Ridge Louisiana",
        "Meta",
        "Meta's campus in Holly Ridge, LA 71269",
    ),
    SameSite(
        "Meta Prometheus New Albany",
        "Meta Prometheus New Albany Ohio",
        "Meta",
        "both at 1 Community Cir, New Albany, OH",
    ),
    SameSite(
        "OpenAI/Microsoft Atlanta",
        "Microsoft Fairwater Fayetteville Georgia",
        "Microsoft",
        "both at 1435 Hwy 54 W, Fayetteville, GA",
    ),
    SameSite(
        "OpenAI/Microsoft Mt Pleasant, Wisconsin Phase 1",
        "Microsoft Fairwater Mount Pleasant Wisconsin",
        "Microsoft",
        "plus code M39X+XG, Mt Pleasant (42.670 N, 87.901 W) lies within 1 km of the data "
        "centre's coordinates (42°40'28\"N 87°53'42\"W)",
    ),
    SameSite(
        "Google Oklahoma TPU v4 Pods",
        "Google Mayes County Oklahoma",
        "Google Cloud",
        "both at 4581 Webb St, Pryor, OK: the pods are part of the Pryor campus",
    ),
    SameSite(
        "Google New Albany Ohio",
        "Google New Albany Ohio",
        "Google Cloud",
        "both at 1101 Beech Rd SW, New Albany, OH",
    ),
    SameSite(
        "Google Omaha Nebraska",
        "Google Omaha Nebraska",
        "Google Cloud",
        "both at 11110 State St, Omaha, NE",
    ),
    SameSite(
        "Stargate UAE Phase 1",
        "OpenAI-Oracle Stargate Abu Dhabi",
        "G42",
        "the Stargate UAE campus in Abu Dhabi: the cluster's 200 MW first phase is the data "
        "centre's first two buildings",
        owners_differ="Epoch names the cluster's owner `Stargate (OpenAI)` and the data centre's "
        "G42, which builds the campus; OpenAI is the data centre's user",
    ),
)

_BY_CLUSTER = {fold_name(site.cluster): site for site in SAME_SITES}


def same_site(cluster: str) -> SameSite | None:
    """The data centre a cluster (the root of its chain) describes, if the table names one."""
    return _BY_CLUSTER.get(fold_name(cluster))
