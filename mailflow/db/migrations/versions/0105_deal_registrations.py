"""deal registrations, and each campaign's exclusivity window

Revision ID: 0105
Revises: 0103
Create Date: 2026-12-07 10:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0105"
down_revision = "0103"
branch_labels = None
depends_on = None

_text = sqlmodel.sql.sqltypes.AutoString
_time = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(
            sa.Column("exclusivity_days", sa.Integer(), nullable=False, server_default="90")
        )
    op.create_table(
        "dealregistration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("state", _text(length=20), nullable=False),
        sa.Column("channel", _text(length=20), nullable=False),
        sa.Column("campaign", _text(length=100), nullable=True),
        sa.Column("customer_name", _text(length=200), nullable=True),
        sa.Column("customer_company", _text(length=200), nullable=True),
        sa.Column("customer_email", _text(length=254), nullable=True),
        sa.Column("customer_phone", _text(length=50), nullable=True),
        sa.Column("customer_external_id", _text(length=100), nullable=True),
        sa.Column("customer_domain", _text(length=254), nullable=True),
        sa.Column("postal_code", _text(length=20), nullable=True),
        sa.Column("city", _text(length=100), nullable=True),
        sa.Column("country", _text(length=2), nullable=True),
        sa.Column("product_line", _text(length=100), nullable=True),
        sa.Column("requirement", sa.Text(), nullable=True),
        sa.Column("value", sa.Numeric(14, 2), nullable=True),
        sa.Column("currency", _text(length=3), nullable=False),
        sa.Column("note", _text(length=1000), nullable=True),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("inbound_email_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", _text(length=50), nullable=True),
        sa.Column("decided_at", _time(), nullable=True),
        sa.Column("decision_note", _text(length=500), nullable=True),
        sa.Column("exclusive_until", _time(), nullable=True),
        sa.Column("remind_at", _time(), nullable=True),
        sa.Column("extension_asked_at", _time(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["inbound_email_id"], ["inboundemail.id"]),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"]),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("organization_id", "state", "customer_external_id", "customer_domain",
                   "lead_id"):  # fmt: skip
        op.create_index(f"ix_dealregistration_{column}", "dealregistration", [column])
    op.create_index("ix_dealregistration_state_remind", "dealregistration", ["state", "remind_at"])


def downgrade() -> None:
    op.drop_table("dealregistration")
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("exclusivity_days")
