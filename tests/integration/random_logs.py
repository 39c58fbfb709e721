"""Random but plausible event logs: backdated events, acquisition chains, partnerships that end,
retractions, supersessions, renames and retirements. Deterministic for a given seed.

Every action draws from a random stream of its own, and the next action is the winner of a race
in which each draws from a stream of its own too: adding an action (a new event type) adds a
competitor but changes no other action's numbers, so most of an old seed's log stays as it was.
Regressions are pinned as logs, not seeds (`pinned_logs/`), so they reproduce whatever changes
here. Every type of the registry must have an action that proposes it (`PROPOSED_TYPES`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from stackline.domain.errors import InvalidEvent
from stackline.services.recording import record_event
from stackline.store.units_of_work import Database
from tests.integration.builders import event

LAYERS = ["hardware", "compute", "model", "application"]
KINDS = {"hardware": "chip", "compute": "compute", "model": "model", "application": "product"}


def partial(rng: random.Random, day: date) -> str:
    """The day written at a random precision."""
    form = rng.choice(["day", "day", "month", "quarter", "half", "year"])
    if form == "day":
        return day.isoformat()
    if form == "month":
        return f"{day.year}-{day.month:02d}"
    if form == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if form == "half":
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    return str(day.year)


# The actions a random log takes, with their weights, and the event types each proposes.
ACTIONS: dict[str, tuple[int, tuple[str, ...]]] = {
    "launch": (8, ("chip.launched", "compute.launched", "model.released", "product.launched")),
    "relaunch": (3, ()), "retire": (2, ("asset.retired",)),
    "acquire": (3, ("acquisition.completed",)), "partner": (3, ("partnership.formed",)),
    "end": (2, ("partnership.ended",)), "invest": (2, ("investment.made",)),
    "rename": (1, ("company.renamed",)), "retract": (1, ("event.retracted",)),
    "supersede": (1, ()), "announce": (1, ("acquisition.announced",)),
    "activate": (2, ("partnership.activated",)), "abandon": (1, ("acquisition.abandoned",)),
    "depend": (3, ("dependency.formed",)), "undepend": (2, ("dependency.ended",)),
    "plan": (1, ()), "alias_company": (1, ("company.aliased",)),
    "alias_asset": (1, ("asset.aliased",)), "expand": (2, ("compute.expanded",)),
}  # fmt: skip
PROPOSED_TYPES = {"company.registered"} | {t for _, types in ACTIONS.values() for t in types}


class RandomLog:
    """Proposes events; the store may refuse some (that is part of the test)."""

    def __init__(self, seed: int, companies: int = 6) -> None:
        self.seed = seed
        self.streams: dict[str, random.Random] = {}
        self.rng = self.stream("companies")
        self.slugs = [f"c{i}" for i in range(companies)]
        self.registered: list[str] = []
        self.assets: list[tuple[str, str, str]] = []
        self.partnerships: list[str] = []
        self.announcements: list[str] = []
        self.dependencies: list[str] = []
        self.ids: list[str] = []

    def stream(self, name: str) -> random.Random:
        """The random stream of one action (or of the race between them)."""
        if name not in self.streams:
            self.streams[name] = random.Random(f"{self.seed}:{name}")
        return self.streams[name]

    def day(self) -> date:
        return date(2010, 1, 1) + timedelta(days=self.rng.randrange(0, 16 * 365))

    def propose(self) -> dict[str, Any]:
        unregistered = [s for s in self.slugs if s not in self.registered]
        registering = self.stream("register").random()
        if unregistered and (len(self.registered) < 2 or registering < 0.15):
            slug = unregistered[0]
            self.rng = self.stream("register")
            return event(
                "company.registered",
                str(self.rng.randint(2005, 2012)),
                {"company": slug, "name": slug.upper()},
            )
        action = min(ACTIONS, key=self._race_time)
        self.rng = self.stream(action)
        proposed: dict[str, Any] = getattr(self, f"_{action}")()
        return proposed

    def _race_time(self, action: str) -> float:
        """An exponential clock of the action's weight, drawn from its own race stream."""
        return -math.log(1.0 - self.stream("race:" + action).random()) / ACTIONS[action][0]

    def note(self, document: dict[str, Any]) -> None:
        """Remember an accepted event so later proposals can refer to it."""
        self.ids.append(document["id"])
        payload = document["payload"]
        if document["type"] == "company.registered":
            self.registered.append(payload["company"])
        elif document["type"] == "partnership.formed":
            self.partnerships.append(document["id"])
        elif document["type"] == "acquisition.announced":
            self.announcements.append(document["id"])
        elif document["type"] == "dependency.formed":
            self.dependencies.append(document["id"])
        elif document["type"].endswith((".launched", ".released")):
            name = (
                payload.get("chip")
                or payload.get("facility")
                or payload.get("model")
                or payload.get("product")
            )
            layer = {
                "chip.launched": "hardware",
                "compute.launched": "compute",
                "model.released": "model",
            }.get(document["type"], "application")
            self.assets.append((payload["company"], layer, name))

    def _company(self) -> str:
        return self.rng.choice(self.registered)

    def _launch(self) -> dict[str, Any]:
        layer = self.rng.choice(LAYERS)
        company = self._company()
        name = f"{layer[:3]}-{self.rng.randint(1, 5)}"
        return self._launch_of(company, layer, name)

    def _launch_of(self, company: str, layer: str, name: str) -> dict[str, Any]:
        rng = self.rng
        status = rng.choice(["available", "available", "announced"])
        partners = [
            p for p in rng.sample(self.registered, k=min(2, len(self.registered))) if p != company
        ]
        if layer == "hardware":
            payload = {"company": company, "chip": name, "status": status}
        elif layer == "compute":
            payload = {"company": company, "facility": name, "kind": "datacenter", "status": status}
            payload.update(self._sizes())
        elif layer == "model":
            payload = {"company": company, "model": name, "access": "closed"}
            if status == "announced":
                payload["status"] = "announced"
        else:
            payload = {"company": company, "product": name, "status": status}
        if layer in ("hardware", "compute") and rng.random() < 0.4:
            payload["partners"] = partners[:1]
        type_name = {
            "hardware": "chip.launched",
            "compute": "compute.launched",
            "model": "model.released",
            "application": "product.launched",
        }[layer]
        return event(
            type_name,
            partial(rng, self.day()),
            payload,
            confidence=rng.choice(["confirmed", "likely"]),
        )

    def _relaunch(self) -> dict[str, Any]:
        if not self.assets:
            return self._launch()
        company, layer, name = self.rng.choice(self.assets)
        return self._launch_of(company, layer, "  " + name.upper() + " ")

    def _retire(self) -> dict[str, Any]:
        if not self.assets:
            return self._launch()
        company, layer, name = self.rng.choice(self.assets)
        return event(
            "asset.retired",
            partial(self.rng, self.day()),
            {"company": company, "layer": layer, "asset": name},
        )

    def _acquire(self) -> dict[str, Any]:
        acquirer, target = self.rng.sample(self.registered, 2)
        return event(
            "acquisition.completed",
            partial(self.rng, self.day()),
            {"acquirer": acquirer, "target": target},
        )

    def _activate(self) -> dict[str, Any]:
        if not self.partnerships:
            return self._partner()
        return event(
            "partnership.activated",
            partial(self.rng, self.day()),
            {"partnership": self.rng.choice(self.partnerships)},
        )

    def _abandon(self) -> dict[str, Any]:
        if not self.announcements:
            return self._announce()
        return event(
            "acquisition.abandoned",
            partial(self.rng, self.day()),
            {"announcement": self.rng.choice(self.announcements), "reason": "called off"},
        )

    def _depend(self) -> dict[str, Any]:
        if len(self.assets) < 2:
            return self._launch()
        dependent, on = self.rng.sample(self.assets, 2)
        payload: dict[str, Any] = {
            "from": {"company": dependent[0], "layer": dependent[1], "asset": dependent[2]},
            "on": {"company": on[0], "layer": on[1], "asset": on[2]},
            "kind": self.rng.choice(["runs_on", "trained_on", "fine_tuned_from", "built_with"]),
            "status": self.rng.choice(["active", "announced"]),
        }
        start = self.day()
        if self.rng.random() < 0.3:
            payload["ends_on"] = partial(
                self.rng, start + timedelta(days=self.rng.randint(30, 900))
            )
        return event("dependency.formed", partial(self.rng, start), payload)

    def _undepend(self) -> dict[str, Any]:
        if not self.dependencies:
            return self._depend()
        return event(
            "dependency.ended",
            partial(self.rng, self.day()),
            {"dependency": self.rng.choice(self.dependencies)},
        )

    def _plan(self) -> dict[str, Any]:
        """A model announced with a target date, sometimes fine-tuned from another."""
        company = self._company()
        payload: dict[str, Any] = {
            "company": company, "model": f"mod-{self.rng.randint(1, 5)}", "access": "closed",
            "status": "announced", "target_on": str(self.rng.randint(2012, 2027)),
        }  # fmt: skip
        if self.rng.random() < 0.5:
            base = self.rng.choice(
                [a for a in self.assets if a[1] == "model"] or [(None, "model", "Base-X")]
            )
            payload["base_model"] = {"model": base[2], **({"company": base[0]} if base[0] else {})}
        return event("model.released", partial(self.rng, self.day()), payload)

    def _alias_company(self) -> dict[str, Any]:
        company = self._company()
        aliases = [f"{company.upper()} Labs", f"{company} {self.rng.randint(1, 3)}"]
        payload = {"company": company, "aliases": aliases[: self.rng.randint(1, 2)]}
        return event("company.aliased", partial(self.rng, self.day()), payload)

    def _alias_asset(self) -> dict[str, Any]:
        if not self.assets:
            return self._launch()
        company, layer, name = self.rng.choice(self.assets)
        payload = {"company": company, "layer": layer, "asset": name,
                   "aliases": [f"{name} {self.rng.choice(['Pro', 'XL', '80GB'])}"]}  # fmt: skip
        return event("asset.aliased", partial(self.rng, self.day()), payload)

    def _expand(self) -> dict[str, Any]:
        facilities = [a for a in self.assets if a[1] == "compute"]
        if not facilities:
            return self._launch()
        company, _, name = self.rng.choice(facilities)
        payload: dict[str, Any] = {"company": company, "facility": name,
                                   "capacity_mw": self.rng.choice([50, 150, 300]),
                                   "status": self.rng.choice(["available", "announced"])}  # fmt: skip
        if self.rng.random() < 0.5:
            payload["h100e"] = self.rng.choice([10_000, 100_000])
        if payload["status"] == "announced" and self.rng.random() < 0.5:
            payload["target_on"] = str(self.rng.randint(2015, 2027))
        return event("compute.expanded", partial(self.rng, self.day()), payload)

    def _sizes(self) -> dict[str, Any]:
        """A facility's size at launch (its own stream: older actions draw as they did)."""
        rng = self.stream("sizes")
        sizes: dict[str, Any] = {}
        if rng.random() < 0.7:
            sizes["capacity_mw"] = rng.choice([20, 100, 250.5])
        if rng.random() < 0.6:
            sizes["h100e"] = rng.choice([5_000, 50_000])
        return sizes

    def _contract(self, parties: list[str]) -> dict[str, Any]:
        """A compute partnership's provider, the facility it names (often one of the provider's
        or of its group, by name or alias; sometimes one that does not exist) and an amount."""
        rng = self.stream("contract")
        terms: dict[str, Any] = {"provider": rng.choice(parties)}
        facilities = [name for _, layer, name in self.assets if layer == "compute"]
        if facilities and rng.random() < 0.8:
            name = rng.choice(facilities)
            spelling = rng.random()  # its name, another case of it, or maybe an alias
            terms["asset"] = (
                name.upper() if spelling < 0.2 else f"{name} XL" if spelling < 0.4 else name
            )
        elif rng.random() < 0.5:
            terms["asset"] = "Nowhere"
        if rng.random() < 0.4:
            terms["amount"] = {"amount": rng.choice([1e9, 2.5e8]), "currency": "USD",
                               "basis": rng.choice(["total", "per_month"]), "estimated": False}  # fmt: skip
        return terms

    def _announce(self) -> dict[str, Any]:
        acquirer, target = self.rng.sample(self.registered, 2)
        payload: dict[str, Any] = {"acquirer": acquirer, "target": target}
        if self.rng.random() < 0.5:
            payload["terms"] = self.rng.choice(["cash", "stock", "mixed"])
        if self.rng.random() < 0.5:
            payload["target_on"] = str(self.rng.randint(2012, 2027))
        return event("acquisition.announced", partial(self.rng, self.day()), payload)

    def _partner(self) -> dict[str, Any]:
        rng = self.rng
        parties = rng.sample(self.registered, k=min(len(self.registered), rng.choice([2, 2, 3])))
        payload: dict[str, Any] = {
            "parties": parties,
            "layer": rng.choice(LAYERS),
            "status": rng.choice(["active", "announced"]),
        }
        if rng.random() < 0.6:
            payload["provider"] = parties[0]
        if rng.random() < 0.4:
            payload["asset"] = f"deal-{rng.randint(1, 3)}"
        if payload["layer"] == "compute":  # a contract for capacity: it names a facility
            payload.update(self._contract(parties))
        if payload["status"] == "announced" and rng.random() < 0.5:
            payload["target_on"] = str(rng.randint(2012, 2027))
        start = self.day()
        if rng.random() < 0.3:
            payload["ends_on"] = partial(rng, start + timedelta(days=rng.randint(30, 2000)))
        return event("partnership.formed", partial(rng, start), payload)

    def _end(self) -> dict[str, Any]:
        if not self.partnerships:
            return self._partner()
        return event(
            "partnership.ended",
            partial(self.rng, self.day()),
            {"partnership": self.rng.choice(self.partnerships)},
        )

    def _invest(self) -> dict[str, Any]:
        investor, investee = self.rng.sample(self.registered, 2)
        return event(
            "investment.made",
            partial(self.rng, self.day()),
            {"investor": investor, "investee": investee},
        )

    def _rename(self) -> dict[str, Any]:
        company = self._company()
        return event(
            "company.renamed",
            partial(self.rng, self.day()),
            {"company": company, "name": f"{company.upper()} {self.rng.randint(2, 9)}"},
        )

    def _retract(self) -> dict[str, Any]:
        if not self.ids:
            return self._launch()
        return event(
            "event.retracted", "2020", {"event": self.rng.choice(self.ids), "reason": "mistaken"}
        )

    def _supersede(self) -> dict[str, Any]:
        replacement = self._launch()
        if self.ids:
            replacement["supersedes"] = self.rng.choice(self.ids)
        return replacement


def append_random_log(database: Database, seed: int, proposals: int) -> Iterator[dict[str, Any]]:
    """Propose `proposals` events through the real store, yielding each one it accepts (just
    after its append) and skipping the ones it refuses."""
    writer = RandomLog(seed)
    for _ in range(proposals):
        document = writer.propose()
        try:
            record_event(database, document, "fuzzer")
        except InvalidEvent:
            continue
        writer.note(document)
        yield document
