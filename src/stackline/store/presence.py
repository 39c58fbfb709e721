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
nothing is recomposed. Otherwise the write takes the general path. Rows are versions
(`versions.py`): a recomposed row alike the standing one stays as it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

import orjson

from stackline.domain.dates import day_of, maybe_day
from stackline.domain.presence import (
    LEVEL_WORDS,
    PresenceComposer,
    PresenceInputs,
    PresenceRow,
    Row,
    matrix_rows,
)
from stackline.domain.values import LAYER_NAMES, LAYERS
from stackline.store.presence_causes import DayIndex, Mention, Reach
from stackline.store.statements import Sql, json_text
from stackline.store.tables import presence
from stackline.store.temporal import closure
from stackline.store.versions import Versions

_LIVE = "id NOT IN (SELECT event_id FROM voids)"
_COLUMNS = ", ".join(c.name for c in presence.c if c.name != "row_id")
# A part of the presence projection: a condition with `IN (:values)`, its values, its parameters.
Scope = tuple[str, list[str], dict[str, Any]]
_LAYER_COLUMNS = frozenset(layer.value for layer in LAYERS)


class Added(NamedTuple):
    """A stack row of a unit new in this write: what presence reads of it."""

    holder: str
    layer: str
    relation: str
    status: str
    valid_from: Any
    valid_to: Any


def rank_key(row: PresenceRow) -> str:
    """`row.rank` as one text that sorts the same way (names hold no control characters)."""
    owned, covered, strength, name, slug = row.rank
    return f"{owned}{covered}{strength:02d}{name}\x1f{slug}"


class PresenceProjector:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.versions = Versions(sql, "")  # the moment of the batches applied (the projector's)
        self.changed: set[str] = set()  # companies whose presence inputs changed
        self.mentions: list[Mention] = []  # the write's events, as causes of rows
        self.added: list[Added] = []  # stack rows of new units, nothing else changed
        self.since: date | None = None  # the earliest day a change of this write takes effect
        self.regrouped: set[str] = set()  # acquirers and targets whose ownership link changed

    def touched(self, companies: set[str], since: date) -> None:
        """Companies whose presence inputs a batch changed, from `since` on."""
        self.changed |= {c for c in companies if c}
        self._from(since)

    def regroup(self, companies: set[str], since: date) -> None:
        """An ownership link between `companies` changed: the groups they belong to changed, so
        deals and stakes between members may now count or stop counting (§9.5)."""
        self.regrouped |= {c for c in companies if c}
        self._from(since)

    def mentioned(
        self, seq: int, event_id: str, event_type: str, companies: set[str], day: date
    ) -> None:
        """An event of the write names `companies` and takes effect on `day`: it may be a cause
        of rows starting that day, whether or not it changes anyone's presence."""
        named = tuple(sorted({c for c in companies if c}))
        self.mentions.append(Mention(seq, event_id, event_type, named, day))
        self._from(day)

    def added_rows(self, rows: list[dict[str, Any]], since: date) -> None:
        """Stack rows of units that had none before (a new asset, a new partnership), kept
        until the write ends as the little presence needs of them."""
        self.added.extend(Added(*(row[name] for name in Added._fields)) for row in rows)
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
        holders = {row.holder for row in self.added}
        if self.regrouped:  # everyone ever in one group with them
            self.changed |= closure(self.sql, closure(self.sql, self.regrouped, "above"), "below")
        if everyone:
            affected = {row[0] for row in self.sql.rows("SELECT slug FROM companies")}
        elif not self.changed and all(self._reached_already(row) for row in self.added):
            self._add_causes()
            affected = set()
        else:
            affected = self._rolling_up(self.changed | self._named() | holders)
        self.changed, self.mentions, self.added, self.since = set(), [], [], None
        self.regrouped = set()
        if not affected:
            return
        inputs = self._inputs(self._reached(affected), since)
        composer = PresenceComposer(inputs)
        wanted = sorted(affected)
        if since is None:
            rows = [row for company in wanted for row in matrix_rows(composer, company)]
            carried: list[dict[str, Any]] = []
            scopes: list[Scope] = [("company IN (:values)", wanted, {})]
        else:
            rows, carried, scopes = self._replace_from(composer, wanted, since)
        causes = self._causes([(row.company, row.valid_from) for row in rows], inputs)
        standing = carried + [_stored(row, causes) for row in rows]
        for where, companies, params in scopes:
            chosen = set(companies)
            self.versions.replace(
                presence, where, companies, [r for r in standing if r["company"] in chosen], params
            )

    def _add_causes(self) -> None:
        """No one's presence moved: only rows that start on one of the write's days, of
        companies its events reach, may gain causes — the write's events, last in `seq` order."""
        starting = {
            (row["company"], day_of(row["valid_from"])): row
            for day in sorted({mention.day for mention in self.mentions})
            for row in self.sql.mappings(
                f"SELECT {_COLUMNS} FROM presence WHERE valid_from = :day", {"day": day.isoformat()}
            )
        }
        if not starting:  # most days start no row at all: no need to know who is reached
            return
        reaching = self._rolling_up(self._named() | {row.holder for row in self.added})
        starts = [
            (company, day, orjson.loads(row["event_ids"]))
            for (company, day), row in starting.items()
            if company in reaching
        ]
        if not starts:
            return
        reach = Reach(self._ownership_inputs(self._reached({company for company, *_ in starts})))
        index = DayIndex(self.mentions)
        for company, day, event_ids in starts:
            new = index.causes(company, day, reach.around(company, day))
            if new:
                row = {**starting[(company, day)], "event_ids": json_text(event_ids + new)}
                self.versions.replace(
                    presence,
                    "valid_from = :day AND company IN (:values)",
                    [company],
                    [_with_iso_days(row)],
                    {"day": day.isoformat()},
                )

    def _reached_already(self, row: Added) -> bool:
        """Whether the holder's stored presence already reaches the row's level on every day
        the row holds (then adding the row changes no one's presence)."""
        layer = row.layer
        if layer not in _LAYER_COLUMNS:
            return False
        added = _as_row(layer, row.relation, row.status, row.valid_from, row.valid_to)
        held = self.sql.rows(
            f"SELECT valid_from, {layer} FROM presence WHERE company = :holder "
            "AND (valid_to IS NULL OR valid_to > :start)"
            + ("" if added.valid_to is None else " AND valid_from < :end")
            + " ORDER BY valid_from",
            {"holder": row.holder, "start": row.valid_from, "end": row.valid_to},
        )
        return (
            bool(held)
            and day_of(held[0][0]) <= added.valid_from
            and all(LEVEL_WORDS.index(word) >= added.level for _, word in held)
        )

    def _replace_from(
        self, composer: PresenceComposer, companies: list[str], since: date
    ) -> tuple[list[PresenceRow], list[dict[str, Any]], list[Scope]]:
        """The companies' rows from `since` on (all of them for a company founded on or after
        it, or no longer registered): the recomposed rows, the stored row holding `since` as
        it now ends or carries on, and the parts of the projection they replace."""
        founded = composer.inputs.founded
        whole = [c for c in companies if c not in founded or founded[c] >= since]
        partly = [c for c in companies if c in founded and founded[c] < since]
        day = since.isoformat()
        holding = {
            row["company"]: row
            for row in self.sql.mappings_in(
                f"SELECT {_COLUMNS} FROM presence WHERE valid_from < :since "
                "AND (valid_to IS NULL OR valid_to >= :since) AND company IN (:values)",
                partly,
                {"since": day},
            )
        }
        whole += [c for c in partly if c not in holding]  # no row to carry on: recompose all
        partly = [c for c in partly if c in holding]
        rows: list[PresenceRow] = []
        for company in whole:
            rows.extend(matrix_rows(composer, company))
        carried: list[dict[str, Any]] = []
        for company in partly:
            new = matrix_rows(composer, company, since)
            old = holding[company]
            layers = tuple(old[layer] for layer in LAYER_NAMES)
            first = new[0]
            if (tuple(first.presence.values()), first.parent, first.name) == (
                layers, old["parent"], old["name"],
            ):  # fmt: skip
                end = first.valid_to.isoformat() if first.valid_to else None
                new = new[1:]  # the same row carries on
            else:
                end = day
            carried.append(_with_iso_days({**old, "valid_to": end}))
            rows.extend(new)
        scopes: list[Scope] = [("company IN (:values)", whole, {})]
        scopes.append(
            ("(valid_to IS NULL OR valid_to >= :since) AND company IN (:values)", partly,
             {"since": day})
        )  # fmt: skip
        return rows, carried, scopes

    def _rolling_up(self, companies: set[str]) -> set[str]:
        """`companies`, everyone who ever owned one, those owners' investors, and theirs."""
        owners = closure(self.sql, companies, "above")
        investors = {
            row[0]
            for row in self.sql.rows_in(
                "SELECT DISTINCT investor FROM investments WHERE investee IN (:values)",
                sorted(owners),
            )
        }
        return owners | closure(self.sql, investors, "above")

    def _reached(self, companies: set[str]) -> set[str]:
        """What the presence of `companies` is composed from: each one's ownership tree (everyone
        it ever owned, transitively), and the ownership tree of every company one of those ever
        invested in. A stake does not chain: an investee's own stakes are not the investor's."""
        owned = closure(self.sql, companies, "below")
        investees = {
            row[0]
            for row in self.sql.rows_in(
                "SELECT DISTINCT investee FROM investments WHERE investor IN (:values)",
                sorted(owned),
            )
        }
        return owned | closure(self.sql, investees, "below")

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
            inputs.founded[slug] = day_of(founded)
        others: set[str] = set()
        for holder, layer, relation, status, start, end, via in self.sql.rows_in(
            "SELECT holder, layer, relation, status, valid_from, valid_to, via FROM stack_facts "
            f"WHERE holder IN (:values){recent}",
            wanted,
            params,
        ):
            counterparts = tuple(orjson.loads(via)) if relation == "partner" else ()
            others.update(counterparts)
            inputs.rows[holder].append(_as_row(layer, relation, status, start, end, counterparts))
        others.update(i for held in inputs.holdings.values() for i, _ in held)
        for target, start, end, acquirer in self.sql.rows_in(
            "SELECT target, valid_from, valid_to, acquirer FROM ownership_links "
            "WHERE target IN (:values)",
            sorted(closure(self.sql, companies | others, "above")),
        ):
            inputs.owners[target].append((day_of(start), maybe_day(end), acquirer))
        for company, start, end, name in self.sql.rows_in(
            "SELECT company, valid_from, valid_to, name FROM company_names "
            "WHERE company IN (:values)",
            wanted,
        ):
            inputs.names[company].append((day_of(start), maybe_day(end), name))
        return inputs

    def _ownership_inputs(self, companies: set[str]) -> PresenceInputs:
        """Who owned and held stakes in whom (what `Reach` needs), for `companies`."""
        inputs = PresenceInputs()
        wanted = sorted(companies)
        for target, start, end, acquirer in self.sql.rows_in(
            "SELECT target, valid_from, valid_to, acquirer FROM ownership_links "
            "WHERE target IN (:values)",
            wanted,
        ):
            inputs.links[target].append((day_of(start), maybe_day(end), acquirer))
        for investor, investee, start in self.sql.rows_in(
            "SELECT investor, investee, valid_from FROM investments WHERE investor IN (:values)",
            wanted,
        ):
            inputs.holdings[investor].append((investee, day_of(start)))
        return inputs

    def _causes(
        self, starts: list[tuple[str, date]], inputs: PresenceInputs
    ) -> dict[tuple[str, date], list[str]]:
        """For each row, by its (company, first day), its causes (`presence_causes`); rows
        with none are left out. The day's events are read once, through the day index."""
        days = sorted({start.isoformat() for _, start in starts})
        named: dict[str, tuple[int, str, str, date, set[str]]] = {}
        for seq, event_id, event_type, effective_on, company in self.sql.rows_in(
            "SELECT e.seq, e.id, e.type, e.effective_on, ec.company FROM events e JOIN "
            "event_companies ec ON ec.seq = e.seq WHERE e.effective_on IN (:values) "
            f"AND e.{_LIVE}",
            days,
        ):
            found = named.setdefault(
                event_id, (seq, event_id, event_type, day_of(effective_on), set())
            )
            found[4].add(company)
        index = DayIndex(Mention(s, i, t, tuple(c), d) for s, i, t, d, c in named.values())
        reach = Reach(inputs)
        causes: dict[tuple[str, date], list[str]] = {}
        for company, day in starts:
            found_causes = index.causes(company, day, reach.around(company, day))
            if found_causes:
                causes[(company, day)] = found_causes
        return causes


def _stored(row: PresenceRow, causes: dict[tuple[str, date], list[str]]) -> dict[str, Any]:
    return {
        "company": row.company, "valid_from": row.valid_from.isoformat(),
        "valid_to": row.valid_to.isoformat() if row.valid_to else None,
        **row.presence, "owned_count": row.owned_count, "covered_count": row.covered_count,
        "strength": row.strength, "parent": row.parent, "name": row.name,
        "rank_key": rank_key(row),
        "event_ids": json_text(causes.get((row.company, row.valid_from), [])),
    }  # fmt: skip


def _as_row(
    layer: str, relation: str, status: str, start: Any, end: Any, counterparts: tuple[str, ...] = ()
) -> Row:
    """A stack_facts row as presence reads it: available or active, or merely planned."""
    available = status in ("available", "active")
    return Row(layer, relation, available, day_of(start), maybe_day(end), counterparts)


def _with_iso_days(row: dict[str, Any]) -> dict[str, Any]:
    """A presence row read back, with its days as ISO text (as rows are written)."""
    return {
        **row,
        **{key: row[key].isoformat() for key in ("valid_from", "valid_to")
           if isinstance(row[key], date)},
    }  # fmt: skip
