"""A realistic synthetic event log, deterministic by seed, that passes every append rule.

Thousands of companies, every event type, acquisition chains up to depth 3, partnerships that end,
about 1% retractions and 1% supersessions, and events arriving out of date order (backdated).
Events per company stay about constant as the log grows, so answers stay comparable across sizes.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

LAST_DAY = date(2026, 11, 1)
EVENTS_PER_COMPANY = 25
SOURCE = [{"title": "Synthetic benchmark source", "url": "https://example.com/bench"}]
LAUNCH = {
    "hardware": ("chip.launched", "chip"),
    "compute": ("compute.launched", "facility"),
    "model": ("model.released", "model"),
    "application": ("product.launched", "product"),
}


@dataclass
class _Company:
    slug: str
    founded: date
    parent: str | None = None
    height: int = 0  # levels of subsidiaries below
    depth: int = 0  # levels of parents above
    assets: list[tuple[str, str, date, str]] = field(default_factory=list)  # layer, name, day, id
    launches: int = 0


class SyntheticLog:
    def __init__(
        self, size: int, seed: int = 7, per_company: int = EVENTS_PER_COMPANY, fewest: int = 200
    ) -> None:
        self.size = size
        self.per_company, self.fewest = per_company, fewest
        self.rng = random.Random(seed)
        self.companies: list[_Company] = []
        self.retractable: list[str] = []
        self.dead: set[str] = set()  # retractable ids no longer eligible (removed lazily)
        self.partnerships: list[tuple[str, date]] = []
        self.launch_owner: dict[str, _Company] = {}
        self.count = 0

    def company_count(self) -> int:
        return max(self.fewest, self.size // self.per_company)

    def _id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _day_after(self, *starts: date) -> date:
        start = max(starts)
        span = (LAST_DAY - start).days
        return start + timedelta(days=self.rng.randrange(max(span, 1)))

    def _partial(self, day: date, not_before: date) -> str:
        """The day at a coarser precision, when that period does not start before `not_before`."""
        roll = self.rng.random()
        if roll < 0.75 or (day.year, day.month) == (not_before.year, not_before.month):
            return day.isoformat()
        quarter_start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        if roll < 0.93 or quarter_start < not_before:
            return f"{day.year}-{day.month:02d}"
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"

    def _event(self, kind: str, day: date, payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
        self.count += 1
        return {
            "id": extra.pop("id", None) or self._id(), "type": kind, "occurred_on": extra.pop("on", None) or day.isoformat(),
            "summary": f"{kind} #{self.count}", "confidence": "confirmed", "sources": SOURCE,
            "payload": payload, **extra,
        }  # fmt: skip

    def events(self) -> Iterator[dict[str, Any]]:
        count = self.company_count()
        for index in range(count):
            founded = date(1950, 1, 1) + timedelta(days=self.rng.randrange(65 * 365))
            company = _Company(f"co-{index:06d}", founded)
            self.companies.append(company)
            yield self._event(
                "company.registered", founded, {"company": company.slug, "name": f"Company {index}"}
            )
        while self.count < self.size:
            yield self._next()

    def _next(self) -> dict[str, Any]:
        kind = self.rng.choices(
            [
                "launch",
                "retire",
                "partner",
                "end",
                "acquire",
                "invest",
                "rename",
                "retract",
                "supersede",
            ],
            weights=[50, 3, 14, 3, 3, 14, 2, 1, 1],
        )[0]
        made = getattr(self, f"_{kind}")()
        return made if made is not None else self._launch()

    def _pick(self) -> _Company:
        return self.rng.choice(self.companies)

    def _launch(self) -> dict[str, Any]:
        company = self._pick()
        layer = self.rng.choice(list(LAUNCH))
        kind, field_name = LAUNCH[layer]
        day = self._day_after(company.founded)
        company.launches += 1
        name = f"{layer[:2].upper()}-{company.slug[-6:]}-{company.launches}"
        payload: dict[str, Any] = {"company": company.slug, field_name: name}
        if layer == "model":
            payload["access"] = self.rng.choice(["closed", "open_weights"])
        else:
            payload["status"] = self.rng.choice(["available", "available", "announced"])
        if layer == "compute":
            payload["kind"] = "datacenter"
        event = self._event(kind, day, payload, on=self._partial(day, company.founded))
        company.assets.append((layer, name, day, event["id"]))
        self.launch_owner[event["id"]] = company
        self.retractable.append(event["id"])
        return event

    def _retire(self) -> dict[str, Any] | None:
        company = self._pick()
        if not company.assets:
            return None
        index = self.rng.randrange(len(company.assets))
        layer, name, launched, launch_id = company.assets[index]
        if launched + timedelta(days=400) >= LAST_DAY:
            return None
        company.assets.pop(index)
        self.dead.add(launch_id)
        day = self._day_after(launched + timedelta(days=400))
        return self._event(
            "asset.retired", day, {"company": company.slug, "layer": layer, "asset": name}
        )

    def _partner(self) -> dict[str, Any]:
        a, b = self.rng.sample(self.companies, 2)
        day = self._day_after(a.founded, b.founded)
        payload = {
            "parties": [a.slug, b.slug],
            "layer": self.rng.choice(list(LAUNCH)),
            "provider": a.slug,
            "status": "active",
        }
        if self.rng.random() < 0.2:
            payload["ends_on"] = (day + timedelta(days=self.rng.randint(200, 2000))).isoformat()
        event = self._event("partnership.formed", day, payload)
        self.partnerships.append((event["id"], day))
        return event

    def _end(self) -> dict[str, Any] | None:
        if not self.partnerships:
            return None
        partnership, formed = self.partnerships.pop(self.rng.randrange(len(self.partnerships)))
        if formed + timedelta(days=30) >= LAST_DAY:
            return None
        return self._event(
            "partnership.ended",
            self._day_after(formed + timedelta(days=30)),
            {"partnership": partnership},
        )

    def _acquire(self) -> dict[str, Any] | None:
        for _ in range(5):
            acquirer, target = self.rng.sample(self.companies, 2)
            if (
                target.parent is None
                and acquirer.depth + 1 + target.height <= 3
                and not self._above(target, acquirer)
            ):
                target.parent, target.depth = acquirer.slug, acquirer.depth + 1
                self._raise_heights(acquirer, target.height + 1)
                day = self._day_after(acquirer.founded, target.founded)
                return self._event(
                    "acquisition.completed", day, {"acquirer": acquirer.slug, "target": target.slug}
                )
        return None

    def _above(self, target: _Company, company: _Company) -> bool:
        by_slug = {c.slug: c for c in self.companies} if len(self.companies) < 50 else None
        current: str | None = company.parent
        while current is not None:
            if current == target.slug:
                return True
            current = (by_slug or self._index())[current].parent
        return False

    def _index(self) -> dict[str, _Company]:
        if not hasattr(self, "_by_slug"):
            self._by_slug = {c.slug: c for c in self.companies}
        return self._by_slug

    def _raise_heights(self, company: _Company, height: int) -> None:
        current: _Company | None = company
        while current is not None and current.height < height:
            current.height = height
            height += 1
            current = self._index()[current.parent] if current.parent else None

    def _invest(self) -> dict[str, Any]:
        investor, investee = self.rng.sample(self.companies, 2)
        day = self._day_after(investor.founded, investee.founded)
        event = self._event(
            "investment.made", day, {"investor": investor.slug, "investee": investee.slug}
        )
        self.retractable.append(event["id"])
        return event

    def _rename(self) -> dict[str, Any]:
        company = self._pick()
        day = self._day_after(company.founded)
        return self._event(
            "company.renamed",
            day,
            {"company": company.slug, "name": f"{company.slug} renamed {self.count}"},
        )

    def _pop_retractable(self) -> str | None:
        while self.retractable:
            index = self.rng.randrange(len(self.retractable))
            self.retractable[index], self.retractable[-1] = (
                self.retractable[-1],
                self.retractable[index],
            )
            candidate = self.retractable.pop()
            if candidate not in self.dead:
                self.dead.add(candidate)
                return candidate
        return None

    def _retract(self) -> dict[str, Any] | None:
        target = self._pop_retractable()
        if target is None:
            return None
        owner = self.launch_owner.get(target)
        if owner is not None:  # a retracted launch no longer holds its asset
            owner.assets = [a for a in owner.assets if a[3] != target]
        return self._event(
            "event.retracted", LAST_DAY, {"event": target, "reason": "synthetic retraction"}
        )

    def _supersede(self) -> dict[str, Any] | None:
        company = self._pick()
        candidates = [a for a in company.assets if a[3] not in self.dead]
        if not candidates:
            return None
        layer, name, day, old_id = self.rng.choice(candidates)
        day = max(day, company.founded)
        self.dead.add(old_id)
        kind, field_name = LAUNCH[layer]
        payload: dict[str, Any] = {"company": company.slug, field_name: name}
        payload.update({"access": "closed"} if layer == "model" else {"status": "available"})
        if layer == "compute":
            payload["kind"] = "datacenter"
        event = self._event(kind, day, payload, supersedes=old_id)
        company.assets = [(*a[:3], event["id"]) if a[3] == old_id else a for a in company.assets]
        self.launch_owner[event["id"]] = company
        return event


def synthetic_events(size: int, seed: int = 7) -> list[dict[str, Any]]:
    return list(SyntheticLog(size, seed).events())


def industry_events(companies: int, per_company: int = 6, seed: int = 7) -> list[dict[str, Any]]:
    """A log of `companies` companies with `per_company` events each (the matrix benchmark:
    many companies, a few moves each)."""
    return list(SyntheticLog(companies * per_company, seed, per_company, fewest=1).events())
