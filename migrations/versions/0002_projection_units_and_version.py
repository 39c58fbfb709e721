"""One projector: every event's projection `unit` on its row, and the projector's version.

`events.unit` replaces `events.asset_unit`: it names the asset *or partnership* whose rows an
event feeds (`asset:<owner>|<layer>|<name>`, `partnership:<id>`), so the one projector finds a
unit's events by one index. It is derived from the hashed content, like `effective_on`; filling
it for existing rows needs the immutability triggers lifted for the statement, then restored.
`projection_state` records which projector version built the projection tables; a database
whose projections are older (as every database is after this migration) is rebuilt on start.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from stackline.store.immutability import create_trigger_statements, drop_trigger_statements

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("events", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_unit"), ["unit"], unique=False)
    for statement in drop_trigger_statements(dialect):
        op.execute(statement)
    op.execute("UPDATE events SET unit = 'asset:' || asset_unit WHERE asset_unit IS NOT NULL")
    op.execute("UPDATE events SET unit = 'partnership:' || id WHERE type = 'partnership.formed'")
    op.execute(
        "UPDATE events SET unit = 'partnership:' || target_id WHERE type = 'partnership.ended'"
    )
    with op.batch_alter_table("events", recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_asset_unit"))
        batch_op.drop_column("asset_unit")
    for statement in create_trigger_statements(dialect):
        op.execute(statement)
    op.create_table(
        "projection_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_projection_state")),
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_table("projection_state")
    with op.batch_alter_table("events", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("asset_unit", sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_asset_unit"), ["asset_unit"], unique=False)
    for statement in drop_trigger_statements(dialect):
        op.execute(statement)
    op.execute("UPDATE events SET asset_unit = substr(unit, 7) WHERE unit LIKE 'asset:%'")
    with op.batch_alter_table("events", recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_unit"))
        batch_op.drop_column("unit")
    for statement in create_trigger_statements(dialect):
        op.execute(statement)
