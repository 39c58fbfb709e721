"""The presence projection: each company's matrix row over time, in rank order by an index.

The matrix of a day and the integration series read it; the projector keeps it with every write
and the new projector version rebuilds it for databases that have none on their next start.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:47:29.619590
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "presence",
        sa.Column("company", sa.String(length=63), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("hardware", sa.String(length=8), nullable=False),
        sa.Column("compute", sa.String(length=8), nullable=False),
        sa.Column("model", sa.String(length=8), nullable=False),
        sa.Column("application", sa.String(length=8), nullable=False),
        sa.Column("owned_count", sa.Integer(), nullable=False),
        sa.Column("covered_count", sa.Integer(), nullable=False),
        sa.Column("strength", sa.Integer(), nullable=False),
        sa.Column("parent", sa.String(length=63), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "rank_key",
            sa.String(length=300).with_variant(sa.String(300, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("event_ids", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("company", "valid_from", name=op.f("pk_presence")),
    )
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.create_index("ix_presence_rank", ["rank_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.drop_index("ix_presence_rank")

    op.drop_table("presence")
