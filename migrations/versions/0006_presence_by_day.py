"""An index of presence rows by their first day: an append finds the rows starting on its day
(whose causes it may join) without reading the whole table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 10:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_presence_valid_from", "presence", ["valid_from"])


def downgrade() -> None:
    op.drop_index("ix_presence_valid_from", table_name="presence")
