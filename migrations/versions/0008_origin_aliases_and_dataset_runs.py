"""Open data in: each event's `origin`, the aliases projection, and the record of dataset runs.

- `events.origin_dataset`, `origin_key`, `origin_snapshot`: where an event derived from a dataset
  row comes from (hashed content of schema version 3; null for curated events and for every
  older event), indexed by (dataset, key) for sync.
- `events.unit` of a correction and of what acts on it is now the unit at the root of its chain
  (`partnership:<first id>`): a partnership corrected by a new `partnership.formed` keeps its
  activation and ending. Filled here for existing rows with the triggers lifted, like 0002.
- `aliases`: other names of companies and assets (a projection, rebuilt on the next start).
- `dataset_runs`: each dataset import, its files, counts and the seqs it wrote.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 01:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from stackline.store.immutability import create_trigger_statements, drop_trigger_statements

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Types whose unit is their own id, or their target's (`partnership:<id>`, `dependency:<id>`).
_OWN = {"partnership.formed": "partnership", "dependency.formed": "dependency"}
_TARGET = {
    "partnership.activated": "partnership",
    "partnership.ended": "partnership",
    "dependency.ended": "dependency",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("events", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("origin_dataset", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("origin_key", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("origin_snapshot", sa.String(length=10), nullable=True))
        batch_op.create_index("ix_events_origin", ["origin_dataset", "origin_key"], unique=False)
    _units_through_corrections(dialect)
    op.create_table(
        "aliases",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("company", sa.String(length=63), nullable=False),
        sa.Column("layer", sa.String(length=12), nullable=True),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("alias_key", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_aliases")),
    )
    op.create_index(op.f("ix_aliases_unit"), "aliases", ["unit"])
    op.create_index("ix_aliases_key", "aliases", ["alias_key", "company", "layer"])
    op.create_table(
        "dataset_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=80), nullable=False),
        sa.Column("snapshot", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.String(length=27), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_runs")),
    )
    op.execute("DELETE FROM projection_state")  # rebuilt on the next start


def _units_through_corrections(dialect: str) -> None:
    """Walk the events that have partnership or dependency units in `seq` order and give each
    correction, and each event acting on one, the unit of the root of its chain."""
    bind = op.get_bind()
    types = sorted({*_OWN, *_TARGET})
    rows = bind.execute(
        sa.text(
            "SELECT id, type, supersedes, target_id, unit FROM events WHERE type IN "
            f"({', '.join(repr(t) for t in types)}) ORDER BY seq"
        )
    ).all()
    units: dict[str, str] = {}
    changed: list[dict[str, str]] = []
    for event_id, event_type, supersedes, target_id, unit in rows:
        kind = _OWN.get(event_type) or _TARGET[event_type]
        earlier = units.get(supersedes) if event_type in _OWN and supersedes else None
        if event_type in _TARGET:
            earlier = units.get(target_id) or f"{kind}:{target_id}"
        new = earlier if earlier and earlier.startswith(kind + ":") else f"{kind}:{event_id}"
        units[event_id] = new
        if new != unit:
            changed.append({"id": event_id, "unit": new})
    if not changed:
        return
    for statement in drop_trigger_statements(dialect):
        op.execute(statement)
    bind.execute(sa.text("UPDATE events SET unit = :unit WHERE id = :id"), changed)
    for statement in create_trigger_statements(dialect):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("dataset_runs")
    op.drop_table("aliases")
    with op.batch_alter_table("events", recreate="never") as batch_op:
        batch_op.drop_index("ix_events_origin")
        batch_op.drop_column("origin_snapshot")
        batch_op.drop_column("origin_key")
        batch_op.drop_column("origin_dataset")
    op.execute("DELETE FROM projection_state")
