"""Why a presence row starts: the events effective on its first day that reach its company.

A row of the presence projection lists as its causes the live events effective on its first day
that name a company its presence is composed from that day or the day before — itself, what it
owns, the ownership trees of what it holds stakes in (`Reach`) — but a founding or a rename
counts only for its own company's row. Events are found through an index of the day's events by
the companies they name, so a day with thousands of events costs what each row reaches, not
every event times every row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Set
from datetime import date, timedelta
from typing import NamedTuple

from stackline.domain.catalog import REGISTRY
from stackline.domain.presence import PresenceInputs

ONE_DAY = timedelta(days=1)
# Events that change no company's presence but their own row (its founding, its name).
OWN_ONLY = frozenset(
    name
    for name, entry in REGISTRY.items()
    if entry.unit is not None and entry.unit.kind == "company"
)


class Mention(NamedTuple):
    """An event, as a possible cause of rows starting on its effective `day`."""

    seq: int
    event_id: str
    event_type: str
    named: tuple[str, ...]  # a tuple, not a set: a write holds one per event until it ends
    day: date


def is_cause(mention: Mention, company: str, reached: Set[str]) -> bool:
    """Whether an event, effective on a row's first day, is one of its causes."""
    if mention.event_type in OWN_ONLY:
        return company in mention.named
    return not reached.isdisjoint(mention.named)


class DayIndex:
    """The mentions of some days, by day and by the companies they name."""

    def __init__(self, mentions: Iterable[Mention]) -> None:
        self.by_company: dict[tuple[date, str], list[Mention]] = defaultdict(list)
        for mention in mentions:
            for company in mention.named:
                self.by_company[(mention.day, company)].append(mention)

    def causes(self, company: str, day: date, reached: Set[str]) -> list[str]:
        """The ids of the day's events that cause `company`'s row starting on `day`, in `seq`
        order."""
        found: dict[int, Mention] = {}
        for other in reached:
            for mention in self.by_company.get((day, other), ()):
                if mention.seq not in found and is_cause(mention, company, reached):
                    found[mention.seq] = mention
        return [found[seq].event_id for seq in sorted(found)]


class Reach:
    """What a company's presence is composed from on a day: itself, the companies it owns that
    day (transitively), and the ownership trees of the companies any of those holds a stake in
    by then."""

    def __init__(self, inputs: PresenceInputs) -> None:
        self.spans = inputs.owned_spans()
        self.holdings = inputs.holdings
        self._found: dict[tuple[str, date], frozenset[str]] = {}

    def down(self, company: str, day: date) -> set[str]:
        found, frontier = {company}, [company]
        while frontier:
            for child, start, end in self.spans.get(frontier.pop(), ()):
                if start <= day and (end is None or day < end) and child not in found:
                    found.add(child)
                    frontier.append(child)
        return found

    def of(self, company: str, day: date) -> frozenset[str]:
        key = (company, day)
        if key not in self._found:
            owned = self.down(company, day)
            found = set(owned)
            for member in owned:
                for investee, since in self.holdings.get(member, ()):
                    if since <= day:
                        found |= self.down(investee, day)
            self._found[key] = frozenset(found)
        return self._found[key]

    def around(self, company: str, day: date) -> frozenset[str]:
        """What the row starting on `day` may have gained or lost: what it reaches that day or
        the day before."""
        return self.of(company, day) | self.of(company, day - ONE_DAY)
