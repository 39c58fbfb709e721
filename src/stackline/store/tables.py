"""The database schema: the append-only event log, its projection tables, and accounts.

The log (`events`) is the only source of truth; every other table is derived from it and can be
rebuilt. Projections are bitemporal (DESIGN §9.4): see `projection` below. Dates are ISO `Date`s; `recorded_at` is the fixed-width text the hash covers, so it sorts
and compares the same on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


# Every projection is bitemporal (DESIGN §9.4). `<name>_versions` holds each row the projector
# ever wrote, with the recorded interval it stood in: `known_from` is the `recorded_at` of the
# write that put it there, `known_until` that of the write that replaced or voided it (NULL:
# standing). Reads use the view `<name>` — the rows standing now — so every query is written
# once: a `known_on` reading shadows each view with a temporary one of the rows standing then
# (`known.py`). The `Table`s below named like the views are what reads select from; writes go
# to the versions (`versions.py`). Views live in their own MetaData: `create_all` makes none.
views = MetaData()


@dataclass(frozen=True)
class Projection:
    """One bitemporal projection: the view reads use and the versions table writes go to."""

    view: Table
    versions: Table

    @property
    def name(self) -> str:
        return self.view.name

    @property
    def data_columns(self) -> tuple[str, ...]:
        """The view's columns but `row_id`: what makes two versions of a row alike."""
        return tuple(c.name for c in self.view.c if c.name != "row_id")


PROJECTIONS: dict[str, Projection] = {}


def projection(name: str, *parts: Column[Any] | Index) -> Table:
    """Declare a projection from its columns and indexes: its versions table (with `row_id`,
    `known_from`, `known_until`; what was the key becomes an index, as versions repeat it) and
    the `Table` of its view, which is returned (reads select from it)."""
    columns = [p for p in parts if isinstance(p, Column) and p.name != "row_id"]
    indexes = [p for p in parts if isinstance(p, Index)]
    key = [c.name for c in columns if c.primary_key]
    copies = [
        Column(c.name, c.type, *[ForeignKey(f.target_fullname) for f in c.foreign_keys],
               nullable=c.nullable if not c.primary_key else False, index=bool(c.index))
        for c in columns
    ]  # fmt: skip
    versions = Table(
        f"{name}_versions",
        metadata,
        Column("row_id", Integer, primary_key=True, autoincrement=True),
        *copies,
        Column("known_from", String(27), nullable=False),
        Column("known_until", String(27)),
        *indexes,
        *([Index(f"ix_{name}_identity", *key)] if key else []),
    )
    view = Table(name, views, Column("row_id", Integer), *(Column(c.name, c.type) for c in columns))
    PROJECTIONS[name] = Projection(view, versions)
    return view


def view_sql(found: Projection, known_on: str | None = None) -> str:
    """The SELECT behind a projection's view: the rows standing now, or (`known_on`, an SQL
    expression giving a stored timestamp text) the rows that stood then."""
    columns = ", ".join(c.name for c in found.view.c)
    if known_on is None:
        when = "known_until IS NULL"
    else:
        when = f"known_from <= {known_on} AND (known_until IS NULL OR known_until > {known_on})"
    return f"SELECT {columns} FROM {found.versions.name} WHERE {when}"


def view_statements() -> list[str]:
    """The statements that (re)make every projection's view (a restore recreates them)."""
    return [
        statement
        for name, found in PROJECTIONS.items()
        for statement in (f"DROP VIEW IF EXISTS {name}", f"CREATE VIEW {name} AS {view_sql(found)}")
    ]


events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("id", String(36), nullable=False, unique=True),
    Column("type", String(40), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("occurred_on", String(10), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("summary", String(200), nullable=False),
    Column("details", Text),
    Column("confidence", String(12), nullable=False),
    Column("sources", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("supersedes", String(36)),
    # Where an event derived from a dataset row comes from (null for curated events).
    Column("origin_dataset", String(80)),
    Column("origin_key", String(300)),
    Column("origin_snapshot", String(10)),
    Column("target_id", String(36), index=True),
    Column("unit", String(300), index=True),
    Column("layer", String(12)),
    Column("recorded_at", String(27), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_events_effective", "effective_on", "seq"),
    Index("ix_events_type_seq", "type", "seq"),
    Index("ix_events_origin", "origin_dataset", "origin_key"),
)

# Which companies each event names: the company filter and the "events of a company" lists.
event_companies = projection(
    "event_companies",
    Column("company", String(63), primary_key=True),
    Column("seq", Integer, ForeignKey("events.seq"), primary_key=True),
    Index("ix_event_companies_seq", "seq"),
)

# Events voided by a retraction or a supersession, and the event that voided them.
voids = projection(
    "voids",
    Column("event_id", String(36), primary_key=True),
    Column("voided_by", String(36), nullable=False),
)

# A registered company: the `company:<slug>` unit's registration (its names are below).
companies = projection(
    "companies",
    Column("slug", String(63), primary_key=True),
    Column("unit", String(300), nullable=False, index=True),
    Column("founded_on", String(10), nullable=False),
    Column("founded_start", Date, nullable=False),
    Column("kind", String(20)),
    Column("event_id", String(36), nullable=False),
)

# Each company's name over [valid_from, valid_to): its registration's, then each rename's.
company_names = projection(
    "company_names",
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(300), nullable=False, index=True),
    Column("company", String(63), nullable=False),
    Column("name", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),  # folded: how a dataset's spelling finds it
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Index("ix_company_names_company", "company", "valid_from"),
    Index("ix_company_names_key", "name_key"),
)

# Each company's owner over [valid_from, valid_to): an acquisition of it holds until the next.
ownership_links = projection(
    "ownership_links",
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(300), nullable=False, index=True),
    Column("target", String(63), nullable=False),
    Column("acquirer", String(63), nullable=False),
    Column("occurred_on", String(10), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Index("ix_ownership_links_target", "target", "valid_from"),
    Index("ix_ownership_links_acquirer", "acquirer", "valid_from"),
)

# An investor's stake in an investee over [valid_from, valid_to): the investments effective by
# then (`event_ids`, in effect order), since the first (`since`).
investments = projection(
    "investments",
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(300), nullable=False, index=True),
    Column("investor", String(63), nullable=False),
    Column("investee", String(63), nullable=False),
    Column("since", String(10), nullable=False),
    Column("event_ids", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Index("ix_investments_investor", "investor", "valid_from"),
    Index("ix_investments_investee", "investee", "valid_from"),
)

# Other names of companies (`layer` null) and of their assets, by folded alias: how a dataset's
# spellings find a company or an asset. From the `company:` and `asset:` units.
aliases = projection(
    "aliases",
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(300), nullable=False, index=True),
    Column("company", String(63), nullable=False),
    Column("layer", String(12)),
    Column("alias", String(200), nullable=False),
    Column("alias_key", String(200), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Index("ix_aliases_key", "alias_key", "company", "layer"),
)

# Owned and partner entries of each company, each valid over [valid_from, valid_to).
# `unit` names what produced the row (an asset or a partnership) so it can be recomputed alone:
# the `unit` of the events behind it (see `catalog.py`).
stack_facts = projection(
    "stack_facts",
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(300), nullable=False, index=True),
    Column("holder", String(63), nullable=False),
    Column("layer", String(12), nullable=False),
    Column("relation", String(8), nullable=False),
    Column("asset", String(200)),
    Column("label", String(10), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("via", Text, nullable=False),
    Column("status", String(10), nullable=False),
    Column("since", String(10), nullable=False),
    Column("event_ids", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    # Who supplies what this row holds: a partnership's provider, or a co-developer (the
    # holder itself); NULL for owned rows and partnerships without a provider.
    Column("supplier", String(63)),
    # The first day the asset was available or the partnership active (NULL while only
    # announced): `available_since` on the entry, and stakes count from it (§9.5).
    Column("available_since", String(10)),
    Index("ix_stack_facts_holder", "holder", "valid_from"),
    Index("ix_stack_facts_supplier", "supplier", "valid_from"),
)

# Dependency edges between assets (`dependency.formed`, and a model's `base_model`), each valid
# over [valid_from, valid_to). An asset is `company|layer|folded name`; a base model named
# without its company has no `on_company` (a placeholder node in the graph).
dependencies = projection(
    "dependencies",
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(300), nullable=False, index=True),
    Column("from_company", String(63), nullable=False),
    Column("from_layer", String(12), nullable=False),
    Column("from_key", String(300), nullable=False),
    Column("from_asset", String(200), nullable=False),
    Column("on_company", String(63)),
    Column("on_layer", String(12), nullable=False),
    Column("on_key", String(300), nullable=False),
    Column("on_asset", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("status", String(10), nullable=False),
    Column("since", String(10), nullable=False),
    Column("event_ids", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Index("ix_dependencies_from", "from_key", "valid_from"),
    Index("ix_dependencies_on", "on_key", "valid_from"),
    Index("ix_dependencies_company", "from_company", "valid_from"),
)

# Each compute facility's size over [valid_from, valid_to) (DESIGN §9.6): from its `asset:`
# unit, one row per state (an announced one counts nothing). `name_key` is the folded name a
# contract's `asset` finds it by (its aliases are in `aliases`).
facility_capacity = projection(
    "facility_capacity",
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(300), nullable=False, index=True),
    Column("company", String(63), nullable=False),
    Column("facility", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),
    Column("status", String(10), nullable=False),
    Column("capacity_mw", Float),
    Column("h100e", Float),
    Column("event_ids", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Index("ix_facility_capacity_company", "company", "valid_from"),
    Index("ix_facility_capacity_name", "name_key"),
    Index("ix_facility_capacity_day", "valid_from", "valid_to"),
)

# Each party's side of an active compute partnership with a provider, over [valid_from,
# valid_to): capacity it rents once `asset` is matched to a facility of the provider's group
# on the partnership's date (`occurred_on`), a read-time match (§9.6).
capacity_contracts = projection(
    "capacity_contracts",
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(300), nullable=False, index=True),
    Column("partnership", String(36), nullable=False),
    Column("holder", String(63), nullable=False),
    Column("provider", String(63), nullable=False),
    Column("asset", String(200)),
    Column("asset_key", String(200)),
    Column("amount", Text),
    Column("occurred_on", String(10), nullable=False),
    Column("event_ids", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Index("ix_capacity_contracts_holder", "holder", "valid_from"),
    Index("ix_capacity_contracts_day", "valid_from", "valid_to"),
)

# Announcements with a target date (an asset, a partnership, an acquisition): the plans whose
# outcome `/api/v1/plans` tells. One row per announcing event.
plans = projection(
    "plans",
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("company", String(63), nullable=False),
    Column("valid_from", Date, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", String(27), nullable=False),
    # A disabled editor cannot sign in; a session carries the version it began under, and
    # signing out (or disabling) moves it on, so a copied session cookie stops working.
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("session_version", Integer, nullable=False, server_default="0"),
    UniqueConstraint("name"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", String(27), nullable=False),
    Column("revoked_at", String(27), nullable=True),
    UniqueConstraint("token_hash"),
)

# Each company's matrix row over time: its presence in the four layers, its parent and its name,
# each row holding over [valid_from, valid_to). The matrix of a day reads the rows holding that
# day in rank order (an index); the integration series reads a company's rows in date order.
# `event_ids` are the events effective on `valid_from` that name the company or a company it
# reaches (what changed it; empty when only time passed, e.g. an `ends_on`).
RANK_KEY = String(300).with_variant(String(300, collation="C"), "postgresql")

presence = projection(
    "presence",
    Column("company", String(63), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date),
    Column("hardware", String(8), nullable=False),
    Column("compute", String(8), nullable=False),
    Column("model", String(8), nullable=False),
    Column("application", String(8), nullable=False),
    Column("owned_count", Integer, nullable=False),
    Column("covered_count", Integer, nullable=False),
    Column("strength", Integer, nullable=False),
    Column("parent", String(63)),
    Column("name", String(200), nullable=False),
    # The matrix's order in one sortable text: most owned layers, most covered, strongest
    # presences, then name and slug (`presence_rank`); an index serves the first page of a day.
    # Byte order on PostgreSQL too ("C"), so the database sorts it as Python does.
    Column("rank_key", RANK_KEY, nullable=False),
    Column("event_ids", Text, nullable=False),
    Index("ix_presence_rank", "rank_key"),
    Index("ix_presence_valid_from", "valid_from"),  # the rows an append's day starts
)

# Which version of the projector built the projection tables: a newer one rebuilds them on start.
# Signed statements of the log's head (seq, hash, when), made by `stackline checkpoint`: an
# operator publishes them elsewhere, and `verify --against` proves the log still extends one.
checkpoints = Table(
    "checkpoints",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    Column("made_at", String(27), nullable=False),
    Column("signature", String(64), nullable=False),
)

projection_state = Table(
    "projection_state",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("version", Integer, nullable=False),
)

# Each dataset import: what was read (files and their sha256), when and by whom, and the
# report's counts. Not a projection: the record of what was done, kept beside the log.
dataset_runs = Table(
    "dataset_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dataset", String(80), nullable=False),
    Column("snapshot", String(10), nullable=False),
    Column("recorded_at", String(27), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("files", Text, nullable=False),
    Column("report", Text, nullable=False),
    Column("first_seq", Integer),
    Column("last_seq", Integer),
)
