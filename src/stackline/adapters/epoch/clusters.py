"""Epoch AI's GPU Clusters file → supercomputers, their phases, users and chips.

Rows skipped (and listed): a row marked `Possible Duplicate Of` another; a row without an
`Owner`; an `Existing` or `Decommissioned` row without a `First Operational Date`.

A row's dates: `Existing` → available on its first operational date, at the precision its
`First Operational Date Note` gives when that is coarser (`2016`, `Q4 2023`); `Planned` →
announced in the snapshot's month, with `target_on` the row's date — its first operational date,
else the date its note states (`Planned H2 2026`) — when that lies after the snapshot (otherwise
no target, noted); `Decommissioned` → available, then `asset.retired` on its decommissioned date
(no date: the launch only, noted). `Certainty` Confirmed/Likely/Unlikely → confirmed/likely/
speculative, for every event of the row.

A row with `Builds Upon` is a phase of the facility at the root of its chain (followed through
the file): a `compute.expanded` of that facility, named and owned as the root row names it, with
the phase row's own figures — Epoch gives a phase's cumulative size (Colossus Phase 2: 150k H100
and 50k H200 = 200k H100e). A chain that leaves the file ends at the name it builds upon (noted).
A cluster the same-site table maps to a data centre gives no facility or capacity (see
`same_site`). Users and chips already named by an earlier phase of the chain are not repeated.
"""

from __future__ import annotations

from dataclasses import dataclass

from stackline.domain.dates import PartialDate
from stackline.domain.values import fold_name

from .cells import date_in_words
from .cluster_events import ClusterFacts, Facility, Timing
from .events import Outcomes, RowEvents, Snapshot, link_sources, megawatts, whole
from .reading import Candidate, Confidence, Org
from .rows import LoadedFile, Row
from .same_site import same_site
from .tables import CLUSTERS

_STATUSES = ("existing", "planned", "decommissioned")
_CERTAINTY: dict[str, Confidence] = {
    "confirmed": "confirmed",
    "likely": "likely",
    "unlikely": "speculative",
    "": "confirmed",
}


@dataclass(frozen=True, slots=True)
class ClusterRow:
    """The cells of a cluster row that the adapter reads, parsed."""

    key: str
    row: Row
    name: str
    status: str
    confidence: Confidence
    owners: list[str]
    users: list[str]
    operational: PartialDate | None
    stated: PartialDate | None
    decommissioned: PartialDate | None
    h100e: int | None
    chip_count: int | None
    capacity_mw: float | None
    chip: str
    location: str | None
    builds_upon: str
    duplicate_of: list[str]
    possible_duplicate: bool

    @classmethod
    def parse(cls, key: str, row: Row) -> ClusterRow:
        return cls(
            key=key,
            row=row,
            name=row.name("Name"),
            status=_status(row),
            confidence=_certainty(row),
            owners=row.names("Owner"),
            users=row.names("Users"),
            operational=_operational(row),
            stated=date_in_words(row.text("First Operational Date Note")),
            decommissioned=row.date("Decommissioned Date (if applicable)"),
            h100e=whole(row.number("H100 equivalents")),
            chip_count=whole(row.number("Chip quantity (primary)")),
            capacity_mw=megawatts(row.number("Power Capacity (MW)")),
            chip=row.name("Chip type (primary)"),
            location=row.words("Location") or row.words("Country") or None,
            builds_upon=row.name("Builds Upon"),
            duplicate_of=row.names("Possible Duplicate Of"),
            possible_duplicate=row.flag("Possible Duplicate"),
        )

    def skip_reason(self) -> tuple[str, str] | None:
        if self.duplicate_of:
            return "possible duplicate", f"possible duplicate of {', '.join(self.duplicate_of)}"
        if not self.owners:
            return "no owner", "the row names no Owner"
        if self.status != "planned" and self.operational is None:
            return "no first operational date", f"{self.status} without First Operational Date"
        return None


def _status(row: Row) -> str:
    status = row.text("Status").casefold()
    if status not in _STATUSES:
        raise row.malformed(
            "Status", f"{row.text('Status')!r} is not Existing/Planned/Decommissioned"
        )
    return status


def _certainty(row: Row) -> Confidence:
    certainty = _CERTAINTY.get(row.text("Certainty").casefold())
    if certainty is None:
        raise row.malformed(
            "Certainty", f"{row.text('Certainty')!r} is not Confirmed/Likely/Unlikely"
        )
    return certainty


def _operational(row: Row) -> PartialDate | None:
    """The first operational date, at the coarser precision its note gives (`2016`, `Q4 2023`)."""
    day = row.date("First Operational Date")
    note = row.text("First Operational Date Note")
    stated = None if note.casefold().startswith("planned") else date_in_words(note)
    if day is None or stated is None or stated == day:
        return day
    return stated if stated.start <= day.start and day.end <= stated.end else day


class Chains:
    """The file's `Builds Upon` chains, followed by name (a name's first row counts)."""

    def __init__(self, rows: list[ClusterRow]) -> None:
        self._by_name: dict[str, ClusterRow] = {}
        for cluster in rows:
            self._by_name.setdefault(fold_name(cluster.name), cluster)

    def ancestors(self, cluster: ClusterRow) -> tuple[list[ClusterRow], str | None]:
        """The rows a row builds upon, nearest first, and the name the chain leaves the file by."""
        found: list[ClusterRow] = []
        seen = {fold_name(cluster.name)}
        name = cluster.builds_upon
        while name and fold_name(name) not in seen:
            seen.add(fold_name(name))
            parent = self._by_name.get(fold_name(name))
            if parent is None:
                return found, name
            found.append(parent)
            name = parent.builds_upon
        return found, None


def cluster_candidates(file: LoadedFile, snapshot: Snapshot, outcomes: Outcomes) -> list[Candidate]:
    clusters = [ClusterRow.parse(key, row) for key, row in file.keyed()]
    chains = Chains(clusters)
    candidates = []
    for cluster in clusters:
        skip = cluster.skip_reason()
        if skip is not None:
            outcomes.skip(cluster.row, cluster.key, *skip)
            continue
        if cluster.possible_duplicate:
            text = "marked a possible duplicate of no row named: read as a cluster of its own"
            outcomes.note(cluster.row, cluster.key, "possible duplicate", text)
        candidates.append(_candidate(cluster, chains, snapshot, outcomes))
    return candidates


def _candidate(
    cluster: ClusterRow, chains: Chains, snapshot: Snapshot, outcomes: Outcomes
) -> Candidate:
    ancestors, outside = chains.ancestors(cluster)
    facility = _facility(cluster, ancestors, outside)
    sources_columns = [c for c in cluster.row.cells if c.startswith("Source ")]
    sources = link_sources(
        cluster.row.urls(*sources_columns), f"{cluster.name}, source cited by Epoch AI"
    )
    events = RowEvents(CLUSTERS, snapshot, sources)
    facts = ClusterFacts(cluster, facility, _timing(cluster, snapshot, outcomes), events, outcomes)
    if facility.data_centre is not None:
        facts.note("same site as a data centre", f"counted as data centre {facility.name}")
    elif ancestors or outside:
        _note_chain(facts, ancestors, outside)
        facts.expansion()
    else:
        facts.launch()
    facts.partnerships({fold_name(user) for parent in ancestors for user in parent.users})
    facts.built_with({fold_name(parent.chip) for parent in ancestors if parent.chip})
    return events.candidate(cluster.key, cluster.row)


def _facility(cluster: ClusterRow, ancestors: list[ClusterRow], outside: str | None) -> Facility:
    root = ancestors[-1] if ancestors and outside is None else None
    root_name = outside or (root.name if root else cluster.name)
    site = same_site(root_name)
    if site is not None:
        return Facility(site.data_centre, Org(site.owner, "owner"), site.data_centre)
    owner = root.owners[0] if root is not None and root.owners else cluster.owners[0]
    return Facility(root_name, Org(owner, "owner"), None)


def _note_chain(facts: ClusterFacts, ancestors: list[ClusterRow], outside: str | None) -> None:
    if outside is not None:
        facts.note("builds upon a row not in the file", f"{outside}: expanded by name")
    elif ancestors and ancestors[-1].skip_reason() is not None:
        root = ancestors[-1]
        facts.note("builds upon a skipped row", f"{root.key} is skipped: expanded by name")


def _timing(cluster: ClusterRow, snapshot: Snapshot, outcomes: Outcomes) -> Timing:
    if cluster.status != "planned":
        assert cluster.operational is not None  # rows without one are skipped
        if not snapshot.precedes(cluster.operational):
            return Timing(cluster.operational.text, "available", None, None)
        detail = f"first operational date {cluster.operational} is after the snapshot"
        outcomes.note(cluster.row, cluster.key, "operational date after the snapshot", detail)
        return Timing(snapshot.month, "announced", cluster.operational.text, detail)
    planned = cluster.operational or cluster.stated
    if planned is None or snapshot.precedes(planned):
        return Timing(snapshot.month, "announced", planned.text if planned else None, None)
    detail = f"Epoch AI dates the plan {planned}, not after the snapshot {snapshot.date}"
    outcomes.note(cluster.row, cluster.key, "planned date not after the snapshot", detail)
    return Timing(snapshot.month, "announced", None, detail)
