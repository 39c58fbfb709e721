"""Epoch AI's Frontier Data Centers (`data_centers.csv` + `data_center_timelines.csv`) → events.

One candidate per data centre (key: its `Handle`), from its row and its timeline rows (those
whose `Data center` is the handle), taken in date order:
- `compute.launched` `datacenter` by `Owner`, named by `Title` with the handle as an alias,
  announced on the first timeline row with that row's power and H100e (available at once when
  that row already has power); `target_on` the first day with power when that is a plan;
- a `compute.expanded` per later row whose power or H100e changed (a blank is unknown, so no
  change), with the row's cumulative figures: `available` for rows up to the snapshot, and for
  rows after it `announced`, dated the snapshot's month with `target_on` the row's date. Its role
  is `expansion-n`, n the row's place among the data centre's timeline rows in file order (§9.7);
- each `User` other than the owner: a compute `partnership.formed` announced with the launch
  (owner as provider, the facility as asset) and `partnership.activated` on the first day with
  power, when that is not after the snapshot.
A `#confident`/`#likely`/`#speculative` tag sets confidence: the owner's for the facility's
events, the user's for its partnership. Sources: the URLs in the rows' `Construction status`.
Skipped: a data centre without owner or without timeline rows; timeline rows of no data centre.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from stackline.domain.dates import PartialDate
from stackline.domain.values import fold_name

from .events import (
    Outcomes,
    RowEvents,
    Snapshot,
    figures,
    link_sources,
    megawatts,
    possessive,
    whole,
)
from .reading import Candidate, Confidence, EventRef, Org, Source
from .rows import LoadedFile, Row
from .tables import DATA_CENTRES


@dataclass(frozen=True, slots=True)
class Milestone:
    """A timeline row: the data centre's power and H100e from its date."""

    row: Row
    n: int
    on: PartialDate
    power_mw: float | None
    h100e: int | None

    def sources(self, title: str) -> list[Source]:
        urls = self.row.urls("Construction status")
        return link_sources(urls, f"{title}: Epoch AI's note of {self.on}")


@dataclass(frozen=True, slots=True)
class Site:
    """A data centre row's facts with its milestones in date order."""

    key: str
    row: Row
    title: str
    owner: Org
    confidence: Confidence
    milestones: list[Milestone]

    @property
    def first_with_power(self) -> Milestone | None:
        return next((m for m in self.milestones if (m.power_mw or 0) > 0), None)


def data_centre_candidates(
    centres: LoadedFile, timelines: LoadedFile, snapshot: Snapshot, outcomes: Outcomes
) -> list[Candidate]:
    by_handle = _milestones(timelines)
    candidates = []
    for key, row in centres.keyed():
        milestones = by_handle.pop(fold_name(row.name("Handle")), [])
        owner, confidence = row.tagged("Owner")
        if not owner:
            outcomes.skip(row, key, "no owner", "the data centre names no Owner")
        elif not milestones:
            outcomes.skip(row, key, "no timeline rows", "no row of the timelines names it")
        else:
            title = row.name("Title") or key
            site = Site(key, row, title, Org(owner, "owner"), confidence or "confirmed", milestones)
            candidates.append(_site_events(site, snapshot, outcomes).candidate(key, row))
    for orphans in by_handle.values():
        first = orphans[0].row
        name = first.name("Data center")
        detail = f"{len(orphans)} timeline rows name no row of the data centres file"
        outcomes.skip(first, name, "no data centre row", detail)
    return candidates


def _milestones(timelines: LoadedFile) -> dict[str, list[Milestone]]:
    by_handle: dict[str, list[Milestone]] = defaultdict(list)
    for row in timelines.rows:
        handle = fold_name(row.name("Data center"))
        on = row.date("Date")
        if on is None:
            raise row.malformed("Date", "a timeline row needs its date")
        if not handle:
            raise row.malformed("Data center", "a timeline row needs its data centre's handle")
        power, h100e = megawatts(row.number("Power (MW)")), whole(row.number("H100 equivalents"))
        n = len(by_handle[handle]) + 1
        by_handle[handle].append(Milestone(row, n, on, power, h100e))
    for milestones in by_handle.values():
        milestones.sort(key=lambda m: (m.on.start, m.on.end))
    return by_handle


@dataclass(frozen=True, slots=True)
class Opening:
    """When a data centre is announced and first has power, as the snapshot sees it."""

    announced_on: str
    available: bool
    powered: Milestone | None
    target_on: str | None


def _opening(site: Site, snapshot: Snapshot) -> Opening:
    first, powered = site.milestones[0], site.first_with_power
    announced_on = snapshot.month if snapshot.precedes(first.on) else first.on.text
    if powered is None:
        return Opening(announced_on, False, None, None)
    if snapshot.precedes(powered.on):
        return Opening(announced_on, False, None, powered.on.text)
    if powered is first:
        return Opening(announced_on, True, None, None)
    return Opening(announced_on, False, powered, None)


def _site_events(site: Site, snapshot: Snapshot, outcomes: Outcomes) -> RowEvents:
    events = RowEvents(DATA_CENTRES, snapshot, site.milestones[0].sources(site.title))
    opening = _opening(site, snapshot)
    _launch(site, events, opening)
    _expansions(site, events, snapshot)
    for user, confidence in site.row.tagged_names("Users"):
        if fold_name(user) == fold_name(site.owner.name):
            outcomes.note(site.row, site.key, "user is an owner", f"{user}: no partnership")
        else:
            _partnership(site, events, opening, Org(user, "user"), confidence or "confirmed")
    return events


def _launch(site: Site, events: RowEvents, opening: Opening) -> None:
    first = site.milestones[0]
    payload: dict[str, object] = {
        "company": site.owner,
        "facility": site.title,
        "kind": "datacenter",
        "location": site.row.words("Address") or None,
        "capacity_mw": first.power_mw,
        "h100e": first.h100e,
        "aliases": [site.key] if fold_name(site.key) != fold_name(site.title) else None,
        "status": "available" if opening.available else "announced",
        "target_on": opening.target_on,
    }
    verb = "brings online" if opening.available else "announces"
    summary = f"{site.owner.name} {verb} the {site.title} data centre"
    role = "available" if opening.available else "launch"
    events.add(role, "compute.launched", opening.announced_on, site.confidence, summary, payload)


def _expansions(site: Site, events: RowEvents, snapshot: Snapshot) -> None:
    power, h100e = site.milestones[0].power_mw, site.milestones[0].h100e
    for milestone in site.milestones[1:]:
        changed = (milestone.power_mw not in (None, power)) or (
            milestone.h100e not in (None, h100e)
        )
        power = power if milestone.power_mw is None else milestone.power_mw
        h100e = h100e if milestone.h100e is None else milestone.h100e
        if changed:
            _expansion(site, events, snapshot, milestone, (power or 0) > 0)


def _expansion(
    site: Site, events: RowEvents, snapshot: Snapshot, milestone: Milestone, powered: bool
) -> None:
    planned = snapshot.precedes(milestone.on)
    payload: dict[str, object] = {
        "company": site.owner,
        "facility": site.title,
        "capacity_mw": milestone.power_mw,
        "h100e": milestone.h100e,
        "status": "available" if powered and not planned else "announced",
        "target_on": milestone.on.text if planned else None,
    }
    size = figures(milestone.power_mw, milestone.h100e)
    if planned:
        summary = f"{site.title} is expected to reach {size} by {milestone.on}"
    else:
        summary = f"{site.title} reaches {size}"
    occurred = snapshot.month if planned else milestone.on.text
    sources = milestone.sources(site.title)
    role = f"expansion-{milestone.n}"
    events.add(
        role, "compute.expanded", occurred, site.confidence, summary, payload, sources=sources
    )


def _partnership(
    site: Site, events: RowEvents, opening: Opening, user: Org, confidence: Confidence
) -> None:
    role = f"user:{fold_name(user.name)}"
    payload: dict[str, object] = {
        "parties": [site.owner, user],
        "layer": "compute",
        "provider": site.owner,
        "asset": site.title,
        "status": "active" if opening.available else "announced",
        "target_on": opening.target_on,
    }
    facility = f"{possessive(site.owner.name, site.title)} data centre"
    verb = "uses" if opening.available else "is to use"
    summary = f"{user.name} {verb} {facility}"
    events.add(role, "partnership.formed", opening.announced_on, confidence, summary, payload)
    if opening.powered is not None:
        started = f"{user.name} starts using {facility}"
        sources = opening.powered.sources(site.title)
        ref: dict[str, object] = {"partnership": EventRef(role)}
        on = opening.powered.on.text
        activated = f"{role}:activated"
        events.add(
            activated, "partnership.activated", on, confidence, started, ref, sources=sources
        )
