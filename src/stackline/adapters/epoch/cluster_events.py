"""The events one GPU-cluster row gives, once its facility and its dates are known.

- a facility of its own: `compute.launched` (`supercomputer`; the first `Owner` as company, the
  others `partners`; `h100e`, `chip_count`, `capacity_mw`, `location`), and for a decommissioned
  one `asset.retired` on its date;
- a phase: `compute.expanded` of the root facility;
- every `User` other than the owners and the users of earlier phases: a compute
  `partnership.formed` with the facility's owner as provider, `active` when the row is available
  (on that day) and `announced` otherwise (with the row's target);
- `Chip type (primary)`: `dependency.formed built_with` from the facility to that chip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from stackline.domain.values import fold_name

from .events import Outcomes, RowEvents, figures, possessive
from .reading import AssetRef, Org

if TYPE_CHECKING:
    from .clusters import ClusterRow


@dataclass(frozen=True, slots=True)
class Facility:
    """The facility a row's facts are about: its own, its chain's root, or a data centre."""

    name: str
    owner: Org
    data_centre: str | None


@dataclass(frozen=True, slots=True)
class Timing:
    """When a row's events happen and in which state, as its status and dates make them."""

    occurred_on: str
    status: Literal["announced", "available"]
    target_on: str | None
    details: str | None

    @property
    def available(self) -> bool:
        return self.status == "available"


@dataclass(frozen=True, slots=True)
class ClusterFacts:
    """Adds one cluster row's events to its `RowEvents`."""

    cluster: ClusterRow
    facility: Facility
    timing: Timing
    events: RowEvents
    outcomes: Outcomes

    def note(self, topic: str, text: str) -> None:
        self.outcomes.note(self.cluster.row, self.cluster.key, topic, text)

    def launch(self) -> None:
        cluster, timing, owner = self.cluster, self.timing, self.facility.owner
        partners = [Org(name, "owner") for name in cluster.owners[1:]]
        payload: dict[str, object] = {
            "company": owner,
            "facility": self.facility.name,
            "kind": "supercomputer",
            "location": cluster.location,
            "capacity_mw": cluster.capacity_mw,
            "h100e": cluster.h100e,
            "chip_count": cluster.chip_count,
            "partners": partners or None,
            "status": timing.status,
            "target_on": timing.target_on,
        }
        verb = "brings online" if timing.available else "plans"
        summary = f"{owner.name} {verb} the {self.facility.name} supercomputer"
        role = "available" if timing.available else "launch"
        self._add(role, "compute.launched", summary, payload)
        if cluster.status == "decommissioned":
            self._retire()

    def _retire(self) -> None:
        retired = self.cluster.decommissioned
        if retired is None:
            self.note("decommissioned without a date", "launched, never retired")
            return
        owner, name = self.facility.owner, self.facility.name
        payload: dict[str, object] = {"company": owner, "layer": "compute", "asset": name}
        summary = f"{owner.name} retires the {name} supercomputer"
        confidence = self.cluster.confidence
        self.events.add("retirement", "asset.retired", retired.text, confidence, summary, payload)

    def expansion(self) -> None:
        cluster, timing, owner = self.cluster, self.timing, self.facility.owner
        payload: dict[str, object] = {
            "company": owner,
            "facility": self.facility.name,
            "capacity_mw": cluster.capacity_mw,
            "h100e": cluster.h100e,
            "status": timing.status,
            "target_on": timing.target_on,
        }
        size = figures(cluster.capacity_mw, cluster.h100e)
        verb = "grows to" if timing.available else "is to grow to"
        summary = f"{possessive(owner.name, self.facility.name)} {verb} {size} ({cluster.name})"
        self._add("expansion", "compute.expanded", summary, payload)

    def partnerships(self, earlier_users: set[str]) -> None:
        owners = {fold_name(name) for name in self.cluster.owners}
        owners.add(fold_name(self.facility.owner.name))
        provider, facility = self.facility.owner, self.facility.name
        for user in self.cluster.users:
            if fold_name(user) in owners:
                self.note("user is an owner", f"{user}: no partnership")
                continue
            if fold_name(user) in earlier_users:
                continue
            payload: dict[str, object] = {
                "parties": [provider, Org(user, "user")],
                "layer": "compute",
                "provider": provider,
                "asset": facility,
                "status": "active" if self.timing.available else "announced",
                "target_on": self.timing.target_on,
            }
            verb = "uses" if self.timing.available else "is to use"
            summary = f"{user} {verb} {possessive(provider.name, facility)}"
            self._add(f"user:{fold_name(user)}", "partnership.formed", summary, payload)

    def built_with(self, earlier_chips: set[str]) -> None:
        chip = self.cluster.chip
        if not chip or fold_name(chip) in earlier_chips:
            return
        payload: dict[str, object] = {
            "from": AssetRef("compute", self.facility.name, self.facility.owner),
            "on": AssetRef("hardware", chip, None),
            "kind": "built_with",
            "status": "active" if self.timing.available else "announced",
        }
        verb = "is built with" if self.timing.available else "is to be built with"
        summary = f"{self.facility.name} {verb} {chip} chips"
        self._add("built_with", "dependency.formed", summary, payload)

    def _add(self, role: str, type: str, summary: str, payload: dict[str, object]) -> None:
        timing = self.timing
        confidence = self.cluster.confidence
        self.events.add(
            role, type, timing.occurred_on, confidence, summary, payload, timing.details
        )
