"""`available_since` on stack facts: the first day an asset was available or a partnership
active (DESIGN §9.5), in place of `status_since` (the day of its latest status change).

The projection tables are rebuilt on the next start (the projector's version changed), so the
column is renamed without recomputing its values here.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 02:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stack_facts") as batch_op:
        batch_op.alter_column("status_since", new_column_name="available_since")


def downgrade() -> None:
    with op.batch_alter_table("stack_facts") as batch_op:
        batch_op.alter_column("available_since", new_column_name="status_since")
