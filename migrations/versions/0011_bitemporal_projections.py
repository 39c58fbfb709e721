"""Bitemporal projections (DESIGN §9.4): every projection table becomes `<name>_versions`, each
row with the recorded interval it stood in (`known_from`, `known_until`), and a view `<name>` of
the rows standing now, which every read selects from; a `known_on` reading shadows the views with
temporary ones of the rows standing then (`store/known.py`).

The projections are derived: the new tables are created empty and the new projector version
rebuilds them from the log on the next start (a rebuild replays the log one moment at a time, so
the versions of an existing database come out as if it had been written with them).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 03:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

PROJECTIONS = (
    "event_companies", "voids", "companies", "company_names", "ownership_links", "investments",
    "aliases", "stack_facts", "dependencies", "plans", "presence", "facility_capacity",
    "capacity_contracts",
)  # fmt: skip
_INTERVAL = ("known_from", "known_until")


def upgrade() -> None:
    op.execute("DELETE FROM projection_state")  # rebuilt on the next start
    op.drop_index(op.f("ix_presence_rank"), table_name="presence")
    op.drop_index(op.f("ix_presence_valid_from"), table_name="presence")
    op.drop_table("presence")
    op.drop_index(op.f("ix_company_names_company"), table_name="company_names")
    op.drop_index(op.f("ix_company_names_key"), table_name="company_names")
    op.drop_index(op.f("ix_company_names_unit"), table_name="company_names")
    op.drop_table("company_names")
    op.drop_index(op.f("ix_ownership_links_acquirer"), table_name="ownership_links")
    op.drop_index(op.f("ix_ownership_links_target"), table_name="ownership_links")
    op.drop_index(op.f("ix_ownership_links_unit"), table_name="ownership_links")
    op.drop_table("ownership_links")
    op.drop_index(op.f("ix_stack_facts_holder"), table_name="stack_facts")
    op.drop_index(op.f("ix_stack_facts_supplier"), table_name="stack_facts")
    op.drop_index(op.f("ix_stack_facts_unit"), table_name="stack_facts")
    op.drop_table("stack_facts")
    op.drop_index(op.f("ix_aliases_key"), table_name="aliases")
    op.drop_index(op.f("ix_aliases_unit"), table_name="aliases")
    op.drop_table("aliases")
    op.drop_table("voids")
    op.drop_table("plans")
    op.drop_index(op.f("ix_event_companies_seq"), table_name="event_companies")
    op.drop_table("event_companies")
    op.drop_index(op.f("ix_companies_unit"), table_name="companies")
    op.drop_table("companies")
    op.drop_index(op.f("ix_dependencies_company"), table_name="dependencies")
    op.drop_index(op.f("ix_dependencies_from"), table_name="dependencies")
    op.drop_index(op.f("ix_dependencies_on"), table_name="dependencies")
    op.drop_index(op.f("ix_dependencies_unit"), table_name="dependencies")
    op.drop_table("dependencies")
    op.drop_index(op.f("ix_investments_investee"), table_name="investments")
    op.drop_index(op.f("ix_investments_investor"), table_name="investments")
    op.drop_index(op.f("ix_investments_unit"), table_name="investments")
    op.drop_table("investments")
    op.drop_index(op.f("ix_capacity_contracts_day"), table_name="capacity_contracts")
    op.drop_index(op.f("ix_capacity_contracts_holder"), table_name="capacity_contracts")
    op.drop_index(op.f("ix_capacity_contracts_unit"), table_name="capacity_contracts")
    op.drop_table("capacity_contracts")
    op.drop_index(op.f("ix_facility_capacity_company"), table_name="facility_capacity")
    op.drop_index(op.f("ix_facility_capacity_day"), table_name="facility_capacity")
    op.drop_index(op.f("ix_facility_capacity_name"), table_name="facility_capacity")
    op.drop_index(op.f("ix_facility_capacity_unit"), table_name="facility_capacity")
    op.drop_table("facility_capacity")
    op.create_table(
        "aliases_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("company", sa.String(length=63), nullable=False),
        sa.Column("layer", sa.String(length=12), nullable=True),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("alias_key", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_aliases_versions")),
    )
    op.create_index(
        "ix_aliases_key", "aliases_versions", ["alias_key", "company", "layer"], unique=False
    )
    op.create_index(op.f("ix_aliases_versions_unit"), "aliases_versions", ["unit"], unique=False)
    op.create_table(
        "capacity_contracts_versions",
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
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_capacity_contracts_versions")),
    )
    op.create_index(
        "ix_capacity_contracts_day",
        "capacity_contracts_versions",
        ["valid_from", "valid_to"],
        unique=False,
    )
    op.create_index(
        "ix_capacity_contracts_holder",
        "capacity_contracts_versions",
        ["holder", "valid_from"],
        unique=False,
    )
    op.create_index(
        op.f("ix_capacity_contracts_versions_unit"),
        "capacity_contracts_versions",
        ["unit"],
        unique=False,
    )
    op.create_table(
        "companies_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("founded_on", sa.String(length=10), nullable=False),
        sa.Column("founded_start", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_companies_versions")),
    )
    op.create_index("ix_companies_identity", "companies_versions", ["slug"], unique=False)
    op.create_index(
        op.f("ix_companies_versions_unit"), "companies_versions", ["unit"], unique=False
    )
    op.create_table(
        "company_names_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("company", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_company_names_versions")),
    )
    op.create_index(
        "ix_company_names_company",
        "company_names_versions",
        ["company", "valid_from"],
        unique=False,
    )
    op.create_index("ix_company_names_key", "company_names_versions", ["name_key"], unique=False)
    op.create_index(
        op.f("ix_company_names_versions_unit"), "company_names_versions", ["unit"], unique=False
    )
    op.create_table(
        "dependencies_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("from_company", sa.String(length=63), nullable=False),
        sa.Column("from_layer", sa.String(length=12), nullable=False),
        sa.Column("from_key", sa.String(length=300), nullable=False),
        sa.Column("from_asset", sa.String(length=200), nullable=False),
        sa.Column("on_company", sa.String(length=63), nullable=True),
        sa.Column("on_layer", sa.String(length=12), nullable=False),
        sa.Column("on_key", sa.String(length=300), nullable=False),
        sa.Column("on_asset", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("since", sa.String(length=10), nullable=False),
        sa.Column("event_ids", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_dependencies_versions")),
    )
    op.create_index(
        "ix_dependencies_company",
        "dependencies_versions",
        ["from_company", "valid_from"],
        unique=False,
    )
    op.create_index(
        "ix_dependencies_from", "dependencies_versions", ["from_key", "valid_from"], unique=False
    )
    op.create_index(
        "ix_dependencies_on", "dependencies_versions", ["on_key", "valid_from"], unique=False
    )
    op.create_index(
        op.f("ix_dependencies_versions_unit"), "dependencies_versions", ["unit"], unique=False
    )
    op.create_table(
        "facility_capacity_versions",
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
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_facility_capacity_versions")),
    )
    op.create_index(
        "ix_facility_capacity_company",
        "facility_capacity_versions",
        ["company", "valid_from"],
        unique=False,
    )
    op.create_index(
        "ix_facility_capacity_day",
        "facility_capacity_versions",
        ["valid_from", "valid_to"],
        unique=False,
    )
    op.create_index(
        "ix_facility_capacity_name", "facility_capacity_versions", ["name_key"], unique=False
    )
    op.create_index(
        op.f("ix_facility_capacity_versions_unit"),
        "facility_capacity_versions",
        ["unit"],
        unique=False,
    )
    op.create_table(
        "investments_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("investor", sa.String(length=63), nullable=False),
        sa.Column("investee", sa.String(length=63), nullable=False),
        sa.Column("since", sa.String(length=10), nullable=False),
        sa.Column("event_ids", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_investments_versions")),
    )
    op.create_index(
        "ix_investments_investee", "investments_versions", ["investee", "valid_from"], unique=False
    )
    op.create_index(
        "ix_investments_investor", "investments_versions", ["investor", "valid_from"], unique=False
    )
    op.create_index(
        op.f("ix_investments_versions_unit"), "investments_versions", ["unit"], unique=False
    )
    op.create_table(
        "ownership_links_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("target", sa.String(length=63), nullable=False),
        sa.Column("acquirer", sa.String(length=63), nullable=False),
        sa.Column("occurred_on", sa.String(length=10), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_ownership_links_versions")),
    )
    op.create_index(
        "ix_ownership_links_acquirer",
        "ownership_links_versions",
        ["acquirer", "valid_from"],
        unique=False,
    )
    op.create_index(
        "ix_ownership_links_target",
        "ownership_links_versions",
        ["target", "valid_from"],
        unique=False,
    )
    op.create_index(
        op.f("ix_ownership_links_versions_unit"), "ownership_links_versions", ["unit"], unique=False
    )
    op.create_table(
        "plans_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("company", sa.String(length=63), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_plans_versions")),
    )
    op.create_index("ix_plans_identity", "plans_versions", ["seq"], unique=False)
    op.create_table(
        "presence_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
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
            sa.String(length=300).with_variant(sa.String(length=300, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("event_ids", sa.Text(), nullable=False),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_presence_versions")),
    )
    op.create_index(
        "ix_presence_identity", "presence_versions", ["company", "valid_from"], unique=False
    )
    op.create_index("ix_presence_rank", "presence_versions", ["rank_key"], unique=False)
    op.create_index("ix_presence_valid_from", "presence_versions", ["valid_from"], unique=False)
    op.create_table(
        "stack_facts_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("holder", sa.String(length=63), nullable=False),
        sa.Column("layer", sa.String(length=12), nullable=False),
        sa.Column("relation", sa.String(length=8), nullable=False),
        sa.Column("asset", sa.String(length=200), nullable=True),
        sa.Column("label", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("via", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("since", sa.String(length=10), nullable=False),
        sa.Column("event_ids", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("supplier", sa.String(length=63), nullable=True),
        sa.Column("available_since", sa.String(length=10), nullable=True),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_stack_facts_versions")),
    )
    op.create_index(
        "ix_stack_facts_holder", "stack_facts_versions", ["holder", "valid_from"], unique=False
    )
    op.create_index(
        "ix_stack_facts_supplier", "stack_facts_versions", ["supplier", "valid_from"], unique=False
    )
    op.create_index(
        op.f("ix_stack_facts_versions_unit"), "stack_facts_versions", ["unit"], unique=False
    )
    op.create_table(
        "voids_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("voided_by", sa.String(length=36), nullable=False),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_voids_versions")),
    )
    op.create_index("ix_voids_identity", "voids_versions", ["event_id"], unique=False)
    op.create_table(
        "event_companies_versions",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("company", sa.String(length=63), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("known_from", sa.String(length=27), nullable=False),
        sa.Column("known_until", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(
            ["seq"], ["events.seq"], name=op.f("fk_event_companies_versions_seq_events")
        ),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_event_companies_versions")),
    )
    op.create_index(
        "ix_event_companies_identity", "event_companies_versions", ["company", "seq"], unique=False
    )
    op.create_index("ix_event_companies_seq", "event_companies_versions", ["seq"], unique=False)
    create_views()


def create_views() -> None:
    """Each projection's view: its versions' columns but the recorded interval, standing rows."""
    inspector = sa.inspect(op.get_bind())
    for name in PROJECTIONS:
        columns = [c["name"] for c in inspector.get_columns(f"{name}_versions")]
        shown = ", ".join(c for c in columns if c not in _INTERVAL)
        op.execute(
            f"CREATE VIEW {name} AS SELECT {shown} FROM {name}_versions WHERE known_until IS NULL"
        )


def downgrade() -> None:
    op.execute("DELETE FROM projection_state")
    for name in PROJECTIONS:
        op.execute(f"DROP VIEW {name}")
    op.drop_index("ix_event_companies_seq", table_name="event_companies_versions")
    op.drop_index("ix_event_companies_identity", table_name="event_companies_versions")
    op.drop_table("event_companies_versions")
    op.drop_index("ix_voids_identity", table_name="voids_versions")
    op.drop_table("voids_versions")
    op.drop_index(op.f("ix_stack_facts_versions_unit"), table_name="stack_facts_versions")
    op.drop_index("ix_stack_facts_supplier", table_name="stack_facts_versions")
    op.drop_index("ix_stack_facts_holder", table_name="stack_facts_versions")
    op.drop_table("stack_facts_versions")
    op.drop_index("ix_presence_valid_from", table_name="presence_versions")
    op.drop_index("ix_presence_rank", table_name="presence_versions")
    op.drop_index("ix_presence_identity", table_name="presence_versions")
    op.drop_table("presence_versions")
    op.drop_index("ix_plans_identity", table_name="plans_versions")
    op.drop_table("plans_versions")
    op.drop_index(op.f("ix_ownership_links_versions_unit"), table_name="ownership_links_versions")
    op.drop_index("ix_ownership_links_target", table_name="ownership_links_versions")
    op.drop_index("ix_ownership_links_acquirer", table_name="ownership_links_versions")
    op.drop_table("ownership_links_versions")
    op.drop_index(op.f("ix_investments_versions_unit"), table_name="investments_versions")
    op.drop_index("ix_investments_investor", table_name="investments_versions")
    op.drop_index("ix_investments_investee", table_name="investments_versions")
    op.drop_table("investments_versions")
    op.drop_index(
        op.f("ix_facility_capacity_versions_unit"), table_name="facility_capacity_versions"
    )
    op.drop_index("ix_facility_capacity_name", table_name="facility_capacity_versions")
    op.drop_index("ix_facility_capacity_day", table_name="facility_capacity_versions")
    op.drop_index("ix_facility_capacity_company", table_name="facility_capacity_versions")
    op.drop_table("facility_capacity_versions")
    op.drop_index(op.f("ix_dependencies_versions_unit"), table_name="dependencies_versions")
    op.drop_index("ix_dependencies_on", table_name="dependencies_versions")
    op.drop_index("ix_dependencies_from", table_name="dependencies_versions")
    op.drop_index("ix_dependencies_company", table_name="dependencies_versions")
    op.drop_table("dependencies_versions")
    op.drop_index(op.f("ix_company_names_versions_unit"), table_name="company_names_versions")
    op.drop_index("ix_company_names_key", table_name="company_names_versions")
    op.drop_index("ix_company_names_company", table_name="company_names_versions")
    op.drop_table("company_names_versions")
    op.drop_index(op.f("ix_companies_versions_unit"), table_name="companies_versions")
    op.drop_index("ix_companies_identity", table_name="companies_versions")
    op.drop_table("companies_versions")
    op.drop_index(
        op.f("ix_capacity_contracts_versions_unit"), table_name="capacity_contracts_versions"
    )
    op.drop_index("ix_capacity_contracts_holder", table_name="capacity_contracts_versions")
    op.drop_index("ix_capacity_contracts_day", table_name="capacity_contracts_versions")
    op.drop_table("capacity_contracts_versions")
    op.drop_index(op.f("ix_aliases_versions_unit"), table_name="aliases_versions")
    op.drop_index("ix_aliases_key", table_name="aliases_versions")
    op.drop_table("aliases_versions")
    op.create_table(
        "facility_capacity",
        sa.Column("row_id", sa.INTEGER(), nullable=False),
        sa.Column("unit", sa.VARCHAR(length=300), nullable=False),
        sa.Column("company", sa.VARCHAR(length=63), nullable=False),
        sa.Column("facility", sa.VARCHAR(length=200), nullable=False),
        sa.Column("name_key", sa.VARCHAR(length=200), nullable=False),
        sa.Column("status", sa.VARCHAR(length=10), nullable=False),
        sa.Column("capacity_mw", sa.FLOAT(), nullable=True),
        sa.Column("h100e", sa.FLOAT(), nullable=True),
        sa.Column("event_ids", sa.TEXT(), nullable=False),
        sa.Column("valid_from", sa.DATE(), nullable=False),
        sa.Column("valid_to", sa.DATE(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_facility_capacity")),
    )
    op.create_index(op.f("ix_facility_capacity_unit"), "facility_capacity", ["unit"], unique=False)
    op.create_index(
        op.f("ix_facility_capacity_name"), "facility_capacity", ["name_key"], unique=False
    )
    op.create_index(
        op.f("ix_facility_capacity_day"),
        "facility_capacity",
        ["valid_from", "valid_to"],
        unique=False,
    )
    op.create_index(
        op.f("ix_facility_capacity_company"),
        "facility_capacity",
        ["company", "valid_from"],
        unique=False,
    )
    op.create_table(
        "capacity_contracts",
        sa.Column("row_id", sa.INTEGER(), nullable=False),
        sa.Column("unit", sa.VARCHAR(length=300), nullable=False),
        sa.Column("partnership", sa.VARCHAR(length=36), nullable=False),
        sa.Column("holder", sa.VARCHAR(length=63), nullable=False),
        sa.Column("provider", sa.VARCHAR(length=63), nullable=False),
        sa.Column("asset", sa.VARCHAR(length=200), nullable=True),
        sa.Column("asset_key", sa.VARCHAR(length=200), nullable=True),
        sa.Column("amount", sa.TEXT(), nullable=True),
        sa.Column("occurred_on", sa.VARCHAR(length=10), nullable=False),
        sa.Column("event_ids", sa.TEXT(), nullable=False),
        sa.Column("valid_from", sa.DATE(), nullable=False),
        sa.Column("valid_to", sa.DATE(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_capacity_contracts")),
    )
    op.create_index(
        op.f("ix_capacity_contracts_unit"), "capacity_contracts", ["unit"], unique=False
    )
    op.create_index(
        op.f("ix_capacity_contracts_holder"),
        "capacity_contracts",
        ["holder", "valid_from"],
        unique=False,
    )
    op.create_index(
        op.f("ix_capacity_contracts_day"),
        "capacity_contracts",
        ["valid_from", "valid_to"],
        unique=False,
    )
    op.create_table(
        "investments",
        sa.Column("row_id", sa.INTEGER(), nullable=False),
        sa.Column("unit", sa.VARCHAR(length=300), nullable=False),
        sa.Column("investor", sa.VARCHAR(length=63), nullable=False),
        sa.Column("investee", sa.VARCHAR(length=63), nullable=False),
        sa.Column("since", sa.VARCHAR(length=10), nullable=False),
        sa.Column("event_ids", sa.TEXT(), nullable=False),
        sa.Column("valid_from", sa.DATE(), nullable=False),
        sa.Column("valid_to", sa.DATE(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_investments")),
    )
    op.create_index(op.f("ix_investments_unit"), "investments", ["unit"], unique=False)
    op.create_index(
        op.f("ix_investments_investor"), "investments", ["investor", "valid_from"], unique=False
    )
    op.create_index(
        op.f("ix_investments_investee"), "investments", ["investee", "valid_from"], unique=False
    )
    op.create_table(
        "dependencies",
        sa.Column("row_id", sa.INTEGER(), nullable=False),
        sa.Column("unit", sa.VARCHAR(length=300), nullable=False),
        sa.Column("from_company", sa.VARCHAR(length=63), nullable=False),
        sa.Column("from_layer", sa.VARCHAR(length=12), nullable=False),
        sa.Column("from_key", sa.VARCHAR(length=300), nullable=False),
        sa.Column("from_asset", sa.VARCHAR(length=200), nullable=False),
        sa.Column("on_company", sa.VARCHAR(length=63), nullable=True),
        sa.Column("on_layer", sa.VARCHAR(length=12), nullable=False),
        sa.Column("on_key", sa.VARCHAR(length=300), nullable=False),
        sa.Column("on_asset", sa.VARCHAR(length=200), nullable=False),
        sa.Column("kind", sa.VARCHAR(length=20), nullable=False),
        sa.Column("status", sa.VARCHAR(length=10), nullable=False),
        sa.Column("since", sa.VARCHAR(length=10), nullable=False),
        sa.Column("event_ids", sa.TEXT(), nullable=False),
        sa.Column("valid_from", sa.DATE(), nullable=False),
        sa.Column("valid_to", sa.DATE(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_dependencies")),
    )
    op.create_index(op.f("ix_dependencies_unit"), "dependencies", ["unit"], unique=False)
    op.create_index(
        op.f("ix_dependencies_on"), "dependencies", ["on_key", "valid_from"], unique=False
    )
    op.create_index(
        op.f("ix_dependencies_from"), "dependencies", ["from_key", "valid_from"], unique=False
    )
    op.create_index(
        op.f("ix_dependencies_company"),
        "dependencies",
        ["from_company", "valid_from"],
        unique=False,
    )
    op.create_table(
        "companies",
        sa.Column("slug", sa.VARCHAR(length=63), nullable=False),
        sa.Column("unit", sa.VARCHAR(length=300), nullable=False),
        sa.Column("founded_on", sa.VARCHAR(length=10), nullable=False),
        sa.Column("founded_start", sa.DATE(), nullable=False),
        sa.Column("kind", sa.VARCHAR(length=20), nullable=True),
        sa.Column("event_id", sa.VARCHAR(length=36), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_companies")),
    )
    op.create_index(op.f("ix_companies_unit"), "companies", ["unit"], unique=False)
    op.create_table(
        "event_companies",
        sa.Column("company", sa.VARCHAR(length=63), nullable=False),
        sa.Column("seq", sa.INTEGER(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seq"], ["events.seq"], name=op.f("fk_event_companies_seq_events")
        ),
        sa.PrimaryKeyConstraint("company", "seq", name=op.f("pk_event_companies")),
    )
    op.create_index(op.f("ix_event_companies_seq"), "event_companies", ["seq"], unique=False)
    op.create_table(
        "plans",
        sa.Column("seq", sa.INTEGER(), nullable=False),
        sa.Column("event_id", sa.VARCHAR(length=36), nullable=False),
        sa.Column("kind", sa.VARCHAR(length=12), nullable=False),
        sa.Column("company", sa.VARCHAR(length=63), nullable=False),
        sa.Column("valid_from", sa.DATE(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_plans")),
    )
    op.create_table(
        "voids",
        sa.Column("event_id", sa.VARCHAR(length=36), nullable=False),
        sa.Column("voided_by", sa.VARCHAR(length=36), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_voids")),
    )
    op.create_table(
        "aliases",
        sa.Column("row_id", sa.INTEGER(), nullable=False),
        sa.Column("unit", sa.VARCHAR(length=300), nullable=False),
        sa.Column("company", sa.VARCHAR(length=63), nullable=False),
        sa.Column("layer", sa.VARCHAR(length=12), nullable=True),
        sa.Column("alias", sa.VARCHAR(length=200), nullable=False),
        sa.Column("alias_key", sa.VARCHAR(length=200), nullable=False),
        sa.Column("valid_from", sa.DATE(), nullable=False),
        sa.Column("valid_to", sa.DATE(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_aliases")),
    )
    op.create_index(op.f("ix_aliases_unit"), "aliases", ["unit"], unique=False)
    op.create_index(
        op.f("ix_aliases_key"), "aliases", ["alias_key", "company", "layer"], unique=False
    )
    op.create_table(
        "stack_facts",
        sa.Column("row_id", sa.INTEGER(), nullable=False),
        sa.Column("unit", sa.VARCHAR(length=300), nullable=False),
        sa.Column("holder", sa.VARCHAR(length=63), nullable=False),
        sa.Column("layer", sa.VARCHAR(length=12), nullable=False),
        sa.Column("relation", sa.VARCHAR(length=8), nullable=False),
        sa.Column("asset", sa.VARCHAR(length=200), nullable=True),
        sa.Column("label", sa.VARCHAR(length=10), nullable=False),
        sa.Column("kind", sa.VARCHAR(length=40), nullable=False),
        sa.Column("via", sa.TEXT(), nullable=False),
        sa.Column("status", sa.VARCHAR(length=10), nullable=False),
        sa.Column("since", sa.VARCHAR(length=10), nullable=False),
        sa.Column("event_ids", sa.TEXT(), nullable=False),
        sa.Column("valid_from", sa.DATE(), nullable=False),
        sa.Column("valid_to", sa.DATE(), nullable=True),
        sa.Column("supplier", sa.VARCHAR(length=63), nullable=True),
        sa.Column("available_since", sa.VARCHAR(length=10), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_stack_facts")),
    )
    op.create_index(op.f("ix_stack_facts_unit"), "stack_facts", ["unit"], unique=False)
    op.create_index(
        op.f("ix_stack_facts_supplier"), "stack_facts", ["supplier", "valid_from"], unique=False
    )
    op.create_index(
        op.f("ix_stack_facts_holder"), "stack_facts", ["holder", "valid_from"], unique=False
    )
    op.create_table(
        "ownership_links",
        sa.Column("row_id", sa.INTEGER(), nullable=False),
        sa.Column("unit", sa.VARCHAR(length=300), nullable=False),
        sa.Column("target", sa.VARCHAR(length=63), nullable=False),
        sa.Column("acquirer", sa.VARCHAR(length=63), nullable=False),
        sa.Column("occurred_on", sa.VARCHAR(length=10), nullable=False),
        sa.Column("event_id", sa.VARCHAR(length=36), nullable=False),
        sa.Column("valid_from", sa.DATE(), nullable=False),
        sa.Column("valid_to", sa.DATE(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_ownership_links")),
    )
    op.create_index(op.f("ix_ownership_links_unit"), "ownership_links", ["unit"], unique=False)
    op.create_index(
        op.f("ix_ownership_links_target"), "ownership_links", ["target", "valid_from"], unique=False
    )
    op.create_index(
        op.f("ix_ownership_links_acquirer"),
        "ownership_links",
        ["acquirer", "valid_from"],
        unique=False,
    )
    op.create_table(
        "company_names",
        sa.Column("row_id", sa.INTEGER(), nullable=False),
        sa.Column("unit", sa.VARCHAR(length=300), nullable=False),
        sa.Column("company", sa.VARCHAR(length=63), nullable=False),
        sa.Column("name", sa.VARCHAR(length=200), nullable=False),
        sa.Column("name_key", sa.VARCHAR(length=200), nullable=False),
        sa.Column("valid_from", sa.DATE(), nullable=False),
        sa.Column("valid_to", sa.DATE(), nullable=True),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_company_names")),
    )
    op.create_index(op.f("ix_company_names_unit"), "company_names", ["unit"], unique=False)
    op.create_index(op.f("ix_company_names_key"), "company_names", ["name_key"], unique=False)
    op.create_index(
        op.f("ix_company_names_company"), "company_names", ["company", "valid_from"], unique=False
    )
    op.create_table(
        "presence",
        sa.Column("company", sa.VARCHAR(length=63), nullable=False),
        sa.Column("valid_from", sa.DATE(), nullable=False),
        sa.Column("valid_to", sa.DATE(), nullable=True),
        sa.Column("hardware", sa.VARCHAR(length=8), nullable=False),
        sa.Column("compute", sa.VARCHAR(length=8), nullable=False),
        sa.Column("model", sa.VARCHAR(length=8), nullable=False),
        sa.Column("application", sa.VARCHAR(length=8), nullable=False),
        sa.Column("owned_count", sa.INTEGER(), nullable=False),
        sa.Column("covered_count", sa.INTEGER(), nullable=False),
        sa.Column("strength", sa.INTEGER(), nullable=False),
        sa.Column("parent", sa.VARCHAR(length=63), nullable=True),
        sa.Column("name", sa.VARCHAR(length=200), nullable=False),
        sa.Column(
            "rank_key",
            sa.String(length=300).with_variant(sa.String(length=300, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("event_ids", sa.TEXT(), nullable=False),
        sa.PrimaryKeyConstraint("company", "valid_from", name=op.f("pk_presence")),
    )
    op.create_index(op.f("ix_presence_valid_from"), "presence", ["valid_from"], unique=False)
    op.create_index(op.f("ix_presence_rank"), "presence", ["rank_key"], unique=False)
