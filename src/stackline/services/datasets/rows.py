"""One dataset row's candidate events made into event documents of the log's companies and assets.

Epoch's spellings become slugs through names and aliases; a row whose asset the log already has
from a curated event (same folded name or alias, within the owner's ownership group) is
*matched*: its launch is not recorded again, and its other events attach to the curated asset
(DESIGN §9.2, §9.7). What cannot be resolved is left out and said: an unresolved owner skips the
row (`Unresolved`); an unresolved user, a chip not recorded by then, a user within the owner's
group drop one event (`Dropped`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stackline.adapters.epoch import AssetRef, Candidate, CandidateEvent, EventRef, Org
from stackline.domain.catalog import REGISTRY
from stackline.domain.dates import PartialDate
from stackline.services.datasets.log_view import KnownAsset, LogView

OWNING_ROLES = ("owner", "organization", "manufacturer")


class Unresolved(Exception):
    """An owner, organization or maker that names no company: the row is skipped."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass
class Dropped:
    """An event of a row left out, and why."""

    role: str
    why: str
    user: str | None = None  # an unresolved user's name (counted apart)


@dataclass
class Built:
    """A row's events as documents (without ids), and what became of the rest."""

    documents: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (role, doc)
    dropped: list[Dropped] = field(default_factory=list)
    matched: KnownAsset | None = None
    conflicts: list[str] = field(default_factory=list)
    same_group_users: int = 0


HoldsAsset = Callable[[str, str, str, date], bool]


class RowBuilder:
    """Builds one candidate's documents against the log (`LogView`)."""

    def __init__(self, log: LogView, snapshot: str, holds: HoldsAsset) -> None:
        self.log = log
        self.snapshot = snapshot
        self.holds = holds

    def build(self, candidate: Candidate) -> Built:
        built = Built()
        own = self._own_asset(candidate, built)
        for event in candidate.events:
            try:
                document = self._document(candidate, event, own, built)
            except _Drop as drop:
                built.dropped.append(Dropped(event.role, drop.why, drop.user))
                continue
            if document is not None:
                built.documents.append((event.role, document))
        return built

    # --- the row's own asset, and matching ----------------------------------------------------
    def _own_asset(self, candidate: Candidate, built: Built) -> tuple[str, str, str] | None:
        """(owner, layer, name) of the asset the row is about — the one it launches, expands or
        retires — its curated twin's when the log has one (matched)."""
        named = next((_asset_named(e) for e in candidate.events if _asset_named(e)), None)
        if named is None:
            return None
        owner_value, layer, name, aliases = named
        owner = self._company(owner_value)
        group = self.log.group(owner)
        for spelling in (name, *aliases):
            found = self.log.assets.find(layer, spelling, group)
            if found is not None:
                built.matched = found if found.curated else None
                return found.owner, layer, found.name
        return owner, layer, name

    # --- one event ------------------------------------------------------------------------
    def _document(
        self, candidate: Candidate, event: CandidateEvent, own: tuple[str, str, str] | None,
        built: Built,
    ) -> dict[str, Any] | None:  # fmt: skip
        entry = REGISTRY[event.type]
        matched = built.matched
        if matched is not None and entry.launches:
            return self._matched_launch(event, matched, built)
        if matched is not None and PartialDate.parse(event.occurred_on).start < matched.first:
            on = matched.first.isoformat()
            built.conflicts.append(f"{event.type} on {event.occurred_on}, before the asset ({on})")
            raise _Drop(f"dated before the curated asset's first launch ({on})")
        payload = {k: self._value(k, v, event, own, built) for k, v in event.payload.items()}
        payload = {k: v for k, v in payload.items() if v is not None}
        if own is not None and entry.asset_field and payload.get("company") == own[0]:
            payload[entry.asset_field] = own[2]  # a matched asset's own name
        if own is not None and event.type in ("partnership.formed", "asset.retired"):
            payload["asset"] = own[2]
        return {
            "type": event.type,
            "occurred_on": event.occurred_on,
            "summary": event.summary,
            "details": event.details,
            "confidence": event.confidence,
            "sources": list(event.sources),
            "payload": payload,
        }

    def _matched_launch(
        self, event: CandidateEvent, matched: KnownAsset, built: Built
    ) -> dict[str, Any] | None:
        """A launch of a curated asset is not recorded again, but an available launch of one
        only ever announced is (the delivery); dates that disagree are a conflict."""
        status = REGISTRY[event.type].status_of(event.payload) or "available"
        on = PartialDate.parse(event.occurred_on)
        known = matched.launched(status)
        if known and not any(_overlap(on, other) for other in known):
            said = ", ".join(str(k) for k in known)
            built.conflicts.append(f"{status} on {on} here, {said} in the curated log")
        if status != "available" or known:
            return None
        payload = {**event.payload, "company": matched.owner}
        payload[REGISTRY[event.type].asset_field or ""] = matched.name
        payload.pop("aliases", None)
        return {
            "type": event.type, "occurred_on": event.occurred_on, "summary": event.summary,
            "details": event.details, "confidence": event.confidence,
            "sources": list(event.sources), "payload": payload,
        }  # fmt: skip

    def _value(
        self, key: str, value: Any, event: CandidateEvent, own: tuple[str, str, str] | None,
        built: Built,
    ) -> Any:  # fmt: skip
        if isinstance(value, Org):
            return self._org(value, event, own, built)
        if isinstance(value, AssetRef):
            return self._asset(key, value, event, own)
        if isinstance(value, EventRef):
            return value  # the reconciler gives it the id of the event with that role
        if isinstance(value, list) and key == "parties":
            return [self._org(v, event, own, built) for v in value]
        if isinstance(value, list) and key == "partners":
            slugs = [s for v in value if (s := self._partner(v, own)) is not None]
            return list(dict.fromkeys(slugs)) or None
        return value

    def _org(self, org: Org, event: CandidateEvent, own: tuple[str, str, str] | None,
             built: Built) -> str:  # fmt: skip
        if org.role in OWNING_ROLES:
            return own[0] if own is not None and org.role == "owner" else self._company(org)
        slug = self.log.company(org.name)
        if slug is None:
            raise _Drop(f"the user {org.name!r} names no company", user=org.name)
        owner = own[0] if own is not None else None
        if owner is not None and self.log.top(slug) == self.log.top(owner):
            built.same_group_users += 1
            raise _Drop(f"{org.name} is in the owner's ownership group: no partnership")
        return slug

    def _partner(self, org: Org, own: tuple[str, str, str] | None) -> str | None:
        slug = self.log.company(org.name)
        return None if slug is None or (own is not None and slug == own[0]) else slug

    def _company(self, value: Any) -> str:
        org = value if isinstance(value, Org) else Org(str(value), "owner")
        slug = self.log.company(org.name)
        if slug is None:
            raise Unresolved(org.name)
        return slug

    def _asset(
        self, key: str, ref: AssetRef, event: CandidateEvent, own: tuple[str, str, str] | None
    ) -> dict[str, Any]:
        """`from` (the row's own asset), `on` (another: found by name or alias, and existing on
        the event's date), or a `base_model` (a placeholder when the log has no such model)."""
        if key == "from" and own is not None and ref.layer == own[1]:
            return {"company": own[0], "layer": own[1], "asset": own[2]}
        owners = self.log.group(self._company(ref.org)) if ref.org is not None else None
        found = self.log.assets.find(ref.layer, ref.name, owners)
        if key == "base_model":
            if found is not None:
                return {"company": found.owner, "model": found.name}
            slug = self.log.company(ref.org.name) if ref.org is not None else None
            return {"model": ref.name, **({"company": slug} if slug else {})}
        if found is None:
            raise _Drop(f"no {ref.layer} asset named {ref.name!r} in the log")
        day = PartialDate.parse(event.occurred_on).start
        if not self.holds(found.owner, found.layer, found.name, day):
            raise _Drop(f"{found.name} is not an asset on {day}")
        return {"company": found.owner, "layer": found.layer, "asset": found.name}


def _asset_named(event: CandidateEvent) -> tuple[Any, str, str, list[str]] | None:
    """(owner, layer, name, aliases) of the asset an event launches, expands or retires."""
    entry, p = REGISTRY[event.type], event.payload
    if entry.asset_field and entry.fixed_layer:
        given: Any = p.get("aliases") or ()
        aliases = [str(a) for a in given]
        return p["company"], entry.fixed_layer.value, str(p[entry.asset_field]), aliases
    if event.type == "asset.retired":
        return p["company"], str(p["layer"]), str(p["asset"]), []
    return None


class _Drop(Exception):
    def __init__(self, why: str, user: str | None = None) -> None:
        super().__init__(why)
        self.why, self.user = why, user


def _overlap(a: PartialDate, b: PartialDate) -> bool:
    """Whether two dates can be the same day at their precisions."""
    return a.start <= b.end and b.start <= a.end
