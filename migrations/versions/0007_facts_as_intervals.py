"""Names, owners and stakes as intervals: every projection row holds over [valid_from, valid_to).

Company names, ownership links and investments were point rows read with "the latest one on or
before day D" (written eight times over the code); they become interval rows of the units that
produce them (`company:<slug>`, `parent:<target>`, `stake:<investor>|<investee>`), read with the
one `on_day` predicate like every other projection. Projection tables are derived: they are
recreated empty here and the new projector version (5) rebuilds them from the log on the next
start.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 23:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_RESHAPED = ("companies", "company_names", "ownership_links", "investments")


def upgrade() -> None:
    for name in _RESHAPED:
        op.drop_table(name)
    op.execute("DELETE FROM projection_state")  # rebuilt on the next start
    op.create_table(
        "companies",
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("founded_on", sa.String(length=10), nullable=False),
        sa.Column("founded_start", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_companies")),
    )
    op.create_index(op.f("ix_companies_unit"), "companies", ["unit"])
    op.create_table(
        "company_names",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("company", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_company_names")),
    )
    op.create_index(op.f("ix_company_names_unit"), "company_names", ["unit"])
    op.create_index("ix_company_names_company", "company_names", ["company", "valid_from"])
    op.create_index("ix_company_names_key", "company_names", ["name_key"])
    op.create_table(
        "ownership_links",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("target", sa.String(length=63), nullable=False),
        sa.Column("acquirer", sa.String(length=63), nullable=False),
        sa.Column("occurred_on", sa.String(length=10), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_ownership_links")),
    )
    op.create_index(op.f("ix_ownership_links_unit"), "ownership_links", ["unit"])
    op.create_index("ix_ownership_links_target", "ownership_links", ["target", "valid_from"])
    op.create_index("ix_ownership_links_acquirer", "ownership_links", ["acquirer", "valid_from"])
    op.create_table(
        "investments",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("investor", sa.String(length=63), nullable=False),
        sa.Column("investee", sa.String(length=63), nullable=False),
        sa.Column("since", sa.String(length=10), nullable=False),
        sa.Column("event_ids", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_investments")),
    )
    op.create_index(op.f("ix_investments_unit"), "investments", ["unit"])
    op.create_index("ix_investments_investor", "investments", ["investor", "valid_from"])
    op.create_index("ix_investments_investee", "investments", ["investee", "valid_from"])


def downgrade() -> None:
    for name in _RESHAPED:
        op.drop_table(name)
    op.execute("DELETE FROM projection_state")
    op.create_table(
        "companies",
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("registration_seq", sa.Integer(), nullable=False),
        sa.Column("founded_on", sa.String(length=10), nullable=False),
        sa.Column("founded_start", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_companies")),
    )
    op.create_table(
        "company_names",
        sa.Column("company", sa.String(length=63), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("company", "seq", name=op.f("pk_company_names")),
    )
    op.create_index("ix_company_names_lookup", "company_names", ["company", "valid_from", "seq"])
    op.create_table(
        "ownership_links",
        sa.Column("target", sa.String(length=63), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("acquirer", sa.String(length=63), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("occurred_on", sa.String(length=10), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("target", "seq", name=op.f("pk_ownership_links")),
    )
    op.create_index("ix_ownership_links_target", "ownership_links", ["target", "valid_from", "seq"])
    op.create_index("ix_ownership_links_acquirer", "ownership_links", ["acquirer", "valid_from"])
    op.create_table(
        "investments",
        sa.Column("investor", sa.String(length=63), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("investee", sa.String(length=63), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("occurred_on", sa.String(length=10), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("investor", "seq", name=op.f("pk_investments")),
    )
    op.create_index("ix_investments_investor", "investments", ["investor", "valid_from"])
