"""Compute capacity (DESIGN §9.3, §9.6): each facility's size over time, and each party's side
of an active compute partnership with a provider.

Both are projections: they are filled by the rebuild on the next start (the projector's version
changed).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facility_capacity",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("company", sa.String(length=63), nullable=False),
        sa.Column("facility", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("capacity_mw", sa.Float(), nullable=True),
        sa.Column("h100e", sa.Float(), nullable=True),
        sa.Column("event_ids", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_facility_capacity")),
    )
    op.create_index(op.f("ix_facility_capacity_unit"), "facility_capacity", ["unit"])
    op.create_index("ix_facility_capacity_company", "facility_capacity", ["company", "valid_from"])
    op.create_index("ix_facility_capacity_name", "facility_capacity", ["name_key"])
    op.create_index("ix_facility_capacity_day", "facility_capacity", ["valid_from", "valid_to"])
    op.create_table(
        "capacity_contracts",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("partnership", sa.String(length=36), nullable=False),
        sa.Column("holder", sa.String(length=63), nullable=False),
        sa.Column("provider", sa.String(length=63), nullable=False),
        sa.Column("asset", sa.String(length=200), nullable=True),
        sa.Column("asset_key", sa.String(length=200), nullable=True),
        sa.Column("amount", sa.Text(), nullable=True),
        sa.Column("occurred_on", sa.String(length=10), nullable=False),
        sa.Column("event_ids", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_capacity_contracts")),
    )
    op.create_index(op.f("ix_capacity_contracts_unit"), "capacity_contracts", ["unit"])
    op.create_index("ix_capacity_contracts_holder", "capacity_contracts", ["holder", "valid_from"])
    op.create_index("ix_capacity_contracts_day", "capacity_contracts", ["valid_from", "valid_to"])


def downgrade() -> None:
    op.drop_table("capacity_contracts")
    op.drop_table("facility_capacity")
