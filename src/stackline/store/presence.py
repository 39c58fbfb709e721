"""The presence projection: each company's matrix row over time, kept in step with the log.

An event changes the presence of the companies whose facts it touches, and of everyone those
roll up to: their owners (at any time, transitively), the investors of any of them (a stake
follows the investee's assets), and those investors' owners. `PresenceProjector` collects these
companies across the batches of a write and, when the write finishes, recomputes their rows from
the projection tables (`domain/presence.py`), replacing the old ones. A rebuild recomputes all.

Most appends change no one's presence: a company that already owns a model releases another. So
a write that only adds stack rows (new assets or partnerships; no company, name, ownership or
stake changed, nothing voided or replaced) is first checked against the stored rows: when each
new row's level is already reached by its holder over all the days it holds, and no row of an
affected company starts on the write's days (whose causes it would join), nothing changes and
nothing is recomposed. Otherwise the write takes the general path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set
from datetime import date, timedelta
from typing import Any, NamedTuple

import orjson

from stackline.domain.presence import (
    LEVEL_WORDS,
    PresenceComposer,
    PresenceInputs,
    PresenceRow,
    Row,
    matrix_rows,
)
from stackline.domain.values import LAYERS
from stackline.store.statements import Sql, json_text
from stackline.store.tables import companies, company_names, investments, ownership_links, presence

_LIVE = "id NOT IN (SELECT event_id FROM voids)"
ONE_DAY = timedelta(days=1)
# Events that change no company's presence but their own row (its founding, its name).
OWN_ONLY = frozenset({"company.registered", "company.renamed"})
# The point tables presence is composed from (with stack_facts): see `_inputs`.
INPUT_TABLES = frozenset({companies, company_names, ownership_links, investments})
_LAYER_COLUMNS = frozenset(layer.value for layer in LAYERS)


def rank_key(row: PresenceRow) -> str:
    """`row.rank` as one text that sorts the same way (names hold no control characters)."""
    owned, covered, strength, name, slug = row.rank
    return f"{owned}{covered}{strength:02d}{name}\x1f{slug}"


class PresenceProjector:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.changed: set[str] = set()  # companies whose presence inputs changed
        self.mentions: list[_Mention] = []  # the write's events, as causes of rows
        self.added: list[dict[str, Any]] = []  # stack rows of new units, nothing else changed
        self.since: date | None = None  # the earliest day a change of this write takes effect

    def touched(self, companies: set[str], since: date) -> None:
        """Companies whose presence inputs a batch changed, from `since` on."""
        self.changed |= {c for c in companies if c}
        self._from(since)

    def mentioned(self, event_id: str, event_type: str, companies: set[str], day: date) -> None:
        """An event of the write names `companies` and takes effect on `day`: it may be a cause
        of rows starting that day, whether or not it changes anyone's presence."""
        named = frozenset(c for c in companies if c)
        self.mentions.append(_Mention(event_id, event_type, named, day))
        self._from(day)

    def added_rows(self, rows: list[dict[str, Any]], since: date) -> None:
        """Stack rows of units that had none before (a new asset, a new partnership)."""
        self.added.extend(rows)
        self._from(since)

    def _named(self) -> set[str]:
        """The companies the write's events name."""
        return {company for mention in self.mentions for company in mention.named}

    def _from(self, day: date) -> None:
        self.since = day if self.since is None else min(self.since, day)

    def finish(self, everyone: bool = False) -> None:
        """Recompute the rows of the changed companies and of all they roll up to — all of
        them, or (after appends) only from the earliest day the write changed: rows before it
        stay, and the row holding that day is cut there or carried on. A write that changes
        no one's presence (see the module's docstring) leaves every row as it is."""
        since = None if everyone else self.since
        holders = {row["holder"] for row in self.added}
        if everyone:
            affected = {row[0] for row in self.sql.rows("SELECT slug FROM companies")}
        elif not self.changed and all(self._reached_already(row) for row in self.added):
            self._add_causes()
            affected = set()
        else:
            affected = self._rolling_up(self.changed | self._named() | holders)
        self.changed, self.mentions, self.added, self.since = set(), [], [], None
        if not affected:
            return
        inputs = self._inputs(self._reached(affected), since)
        composer = PresenceComposer(inputs)
        wanted = sorted(affected)
        if since is None:
            rows = [row for company in wanted for row in matrix_rows(composer, company)]
            self.sql.run_in("DELETE FROM presence WHERE company IN (:values)", wanted)
        else:
            rows = self._replace_from(composer, wanted, since)
        causes = self._causes([(row.company, row.valid_from) for row in rows], inputs)
        self.sql.insert(presence, [_stored(row, causes) for row in rows])

    def _add_causes(self) -> None:
        """No one's presence moved: only rows that start on one of the write's days, of
        companies its events reach, may gain causes — the write's events, last in `seq` order."""
        starting = [
            (company, _day(start), event_ids)
            for day in sorted({mention.day for mention in self.mentions})
            for company, start, event_ids in self.sql.rows(
                "SELECT company, valid_from, event_ids FROM presence WHERE valid_from = :day",
                {"day": day.isoformat()},
            )
        ]
        if not starting:  # most days start no row at all: no need to know who is reached
            return
        reaching = self._rolling_up(self._named() | {row["holder"] for row in self.added})
        starts = [
            (company, day, orjson.loads(event_ids))
            for company, day, event_ids in starting
            if company in reaching
        ]
        if not starts:
            return
        reach = Reach(self._ownership_inputs(self._reached({company for company, *_ in starts})))
        for company, day, event_ids in starts:
            reached = reach.of(company, day) | reach.of(company, day - ONE_DAY)
            new = [m.event_id for m in self.mentions if m.day == day and m.causes(company, reached)]
            if new:
                self.sql.run(
                    "UPDATE presence SET event_ids = :ids WHERE company = :company "
                    "AND valid_from = :day",
                    {"ids": json_text(event_ids + new), "company": company, "day": day.isoformat()},
                )

    def _reached_already(self, row: dict[str, Any]) -> bool:
        """Whether the holder's stored presence already reaches the row's level on every day
        the row holds (then adding the row changes no one's presence)."""
        layer = row["layer"]
        if layer not in _LAYER_COLUMNS:
            return False
        added = _as_row(layer, row["relation"], row["status"], row["valid_from"], row["valid_to"])
        held = self.sql.rows(
            f"SELECT valid_from, {layer} FROM presence WHERE company = :holder "
            "AND (valid_to IS NULL OR valid_to > :start)"
            + ("" if added.valid_to is None else " AND valid_from < :end")
            + " ORDER BY valid_from",
            {"holder": row["holder"], "start": row["valid_from"], "end": row["valid_to"]},
        )
        return (
            bool(held)
            and _day(held[0][0]) <= added.valid_from
            and all(LEVEL_WORDS.index(word) >= added.level for _, word in held)
        )

    def _replace_from(
        self, composer: PresenceComposer, companies: list[str], since: date
    ) -> list[PresenceRow]:
        """Delete the companies' rows from `since` (all of them for a company founded on or
        after it, or no longer registered), end or extend the row holding `since`, and return
        the rows to insert."""
        founded = composer.inputs.founded
        whole = [c for c in companies if c not in founded or founded[c] >= since]
        partly = [c for c in companies if c in founded and founded[c] < since]
        day = since.isoformat()
        holding = {
            company: (start, tuple(layers), parent, name)
            for company, start, *layers, parent, name in self.sql.rows_in(
                "SELECT company, valid_from, hardware, compute, model, application, parent, name "
                "FROM presence WHERE valid_from < :since "
                "AND (valid_to IS NULL OR valid_to >= :since) AND company IN (:values)",
                partly,
                {"since": day},
            )
        }
        whole += [c for c in partly if c not in holding]  # no row to carry on: recompose all
        partly = [c for c in partly if c in holding]
        self.sql.run_in("DELETE FROM presence WHERE company IN (:values)", whole)
        self.sql.run_in(
            "DELETE FROM presence WHERE valid_from >= :since AND company IN (:values)",
            partly,
            {"since": day},
        )
        rows: list[PresenceRow] = []
        for company in whole:
            rows.extend(matrix_rows(composer, company))
        for company in partly:
            new = matrix_rows(composer, company, since)
            start, layers, parent, name = holding[company]
            first = new[0]
            if (tuple(first.presence.values()), first.parent, first.name) == (layers, parent, name):
                end = first.valid_to.isoformat() if first.valid_to else None
                new = new[1:]  # the same row carries on
            else:
                end = day
            self.sql.run(
                "UPDATE presence SET valid_to = :end WHERE company = :company AND valid_from = "
                ":start",
                {"end": end, "company": company, "start": _day(start).isoformat()},
            )
            rows.extend(new)
        return rows

    def _rolling_up(self, companies: set[str]) -> set[str]:
        owners = self._upwards(companies)
        investors = {
            row[0]
            for row in self.sql.rows_in(
                "SELECT DISTINCT investor FROM investments WHERE investee IN (:values)",
                sorted(owners),
            )
        }
        return owners | self._upwards(investors)

    def _upwards(self, companies: set[str]) -> set[str]:
        """`companies` and every company that ever owned one of them, transitively."""
        found, frontier = set(companies), set(companies)
        while frontier:
            rows = self.sql.rows_in(
                "SELECT DISTINCT acquirer FROM ownership_links WHERE target IN (:values)",
                sorted(frontier),
            )
            frontier = {row[0] for row in rows} - found
            found |= frontier
        return found

    def _reached(self, companies: set[str]) -> set[str]:
        """What the presence of `companies` is composed from: each one's ownership tree (everyone
        it ever owned, transitively), and the ownership tree of every company one of those ever
        invested in. A stake does not chain: an investee's own stakes are not the investor's."""
        owned = self._downwards(companies)
        investees = {
            row[0]
            for row in self.sql.rows_in(
                "SELECT DISTINCT investee FROM investments WHERE investor IN (:values)",
                sorted(owned),
            )
        }
        return owned | self._downwards(investees)

    def _downwards(self, companies: set[str]) -> set[str]:
        """`companies` and every company one of them ever owned, transitively."""
        found, frontier = set(companies), set(companies)
        while frontier:
            rows = self.sql.rows_in(
                "SELECT DISTINCT target FROM ownership_links WHERE acquirer IN (:values)",
                sorted(frontier),
            )
            frontier = {row[0] for row in rows} - found
            found |= frontier
        return found

    def _inputs(self, companies: set[str], since: date | None) -> PresenceInputs:
        """What presence is composed from; with `since`, only stack rows that hold on some day
        from `since` on (what came before is not recomposed)."""
        inputs = self._ownership_inputs(companies)
        wanted = sorted(companies)
        recent = "" if since is None else " AND (valid_to IS NULL OR valid_to > :since)"
        params = {} if since is None else {"since": since.isoformat()}
        for slug, founded in self.sql.rows_in(
            "SELECT slug, founded_start FROM companies WHERE slug IN (:values)", wanted
        ):
            inputs.founded[slug] = _day(founded)
        for holder, layer, relation, status, start, end in self.sql.rows_in(
            "SELECT holder, layer, relation, status, valid_from, valid_to FROM stack_facts "
            f"WHERE holder IN (:values){recent}",
            wanted,
            params,
        ):
            inputs.rows[holder].append(_as_row(layer, relation, status, start, end))
        for company, start, seq, name in self.sql.rows_in(
            "SELECT company, valid_from, seq, name FROM company_names WHERE company IN (:values)",
            wanted,
        ):
            inputs.names[company].append((_day(start), seq, name))
        return inputs

    def _ownership_inputs(self, companies: set[str]) -> PresenceInputs:
        """Who owned and held stakes in whom (what `Reach` needs), for `companies`."""
        inputs = PresenceInputs()
        wanted = sorted(companies)
        for target, start, seq, acquirer in self.sql.rows_in(
            "SELECT target, valid_from, seq, acquirer FROM ownership_links WHERE target IN (:values)",
            wanted,
        ):
            inputs.links[target].append((_day(start), seq, acquirer))
        for investor, investee, start in self.sql.rows_in(
            "SELECT investor, investee, valid_from FROM investments WHERE investor IN (:values)",
            wanted,
        ):
            inputs.holdings[investor].append((investee, _day(start)))
        return inputs

    def _causes(
        self, starts: list[tuple[str, date]], inputs: PresenceInputs
    ) -> dict[tuple[str, date], list[str]]:
        """For each row, by its (company, first day), the live events effective on that day
        that name a company its presence is composed from that day or the day before (`Reach`:
        what it gains or loses); a founding or a rename counts only for its own company's row.
        Rows with no such event are left out."""
        days = sorted({start.isoformat() for _, start in starts})
        on_day: dict[str, dict[str, tuple[str, set[str]]]] = defaultdict(dict)
        for event_id, event_type, effective_on, company in self.sql.rows_in(
            "SELECT e.id, e.type, e.effective_on, ec.company FROM events e JOIN event_companies "
            f"ec ON ec.seq = e.seq WHERE e.effective_on IN (:values) AND e.{_LIVE} ORDER BY e.seq",
            days,
        ):
            named = on_day[_day(effective_on).isoformat()].setdefault(event_id, (event_type, set()))
            named[1].add(company)
        reach = Reach(inputs)
        causes: dict[tuple[str, date], list[str]] = {}
        for company, day in starts:
            events = on_day.get(day.isoformat(), {})
            if events:
                reached = reach.of(company, day) | reach.of(company, day - ONE_DAY)
                causes[(company, day)] = [
                    event_id
                    for event_id, (event_type, named) in events.items()
                    if is_cause(event_type, named, company, reached)
                ]
        return causes


def is_cause(event_type: str, named: Set[str], company: str, reached: Set[str]) -> bool:
    """Whether an event naming `named`, effective on a row's first day, is one of its causes."""
    if event_type in OWN_ONLY:
        return company in named
    return not named.isdisjoint(reached)


class _Mention(NamedTuple):
    """An event of the write being finished, as a possible cause of rows."""

    event_id: str
    event_type: str
    named: frozenset[str]
    day: date

    def causes(self, company: str, reached: Set[str]) -> bool:
        return is_cause(self.event_type, self.named, company, reached)


class Reach:
    """What a company's presence is composed from on a day (see `PresenceProjector._reached`):
    itself, the companies it owns that day (transitively), and the ownership trees of the
    companies any of those holds a stake in by then."""

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


def _stored(row: PresenceRow, causes: dict[tuple[str, date], list[str]]) -> dict[str, Any]:
    return {
        "company": row.company, "valid_from": row.valid_from.isoformat(),
        "valid_to": row.valid_to.isoformat() if row.valid_to else None,
        **row.presence, "owned_count": row.owned_count, "covered_count": row.covered_count,
        "strength": row.strength, "parent": row.parent, "name": row.name,
        "rank_key": rank_key(row),
        "event_ids": json_text(causes.get((row.company, row.valid_from), [])),
    }  # fmt: skip


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _maybe(value: Any) -> date | None:
    return _day(value) if value is not None else None


def _as_row(layer: str, relation: str, status: str, start: Any, end: Any) -> Row:
    """A stack_facts row as presence reads it: available or active, or merely planned."""
    return Row(layer, relation, status in ("available", "active"), _day(start), _maybe(end))
