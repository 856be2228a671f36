"""partner profile: away periods with a stand-in or a pause, invited and removed contacts,
territory requests a partner manager decides, cold-lead offers in a digest

Revision ID: 0107
Revises: 0105
Create Date: 2026-12-07 10:10:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from mailflow.db import poolversion

revision = "0107"
down_revision = "0105"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "awayperiod",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("stand_in_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["stand_in_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("awayperiod") as batch:
        batch.create_index("ix_awayperiod_organization_id", ["organization_id"])
        batch.create_index("ix_awayperiod_ends_at_starts_at", ["ends_at", "starts_at"])
    # the partner pool holds the periods that pause offers: a change moves its version token
    poolversion.install(op.get_bind())
    op.create_table(
        "territoryrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("territory", sa.JSON(), nullable=False),
        sa.Column("wider", sa.JSON(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("territoryrequest") as batch:
        batch.create_index("ix_territoryrequest_organization_id", ["organization_id"])
    op.create_table(
        "digestitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["offer_id"], ["offer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("digestitem") as batch:
        batch.create_index("ix_digestitem_contact_id", ["contact_id"])
        batch.create_index("ix_digestitem_due_at", ["due_at"])
    op.add_column(
        "contact",
        sa.Column(
            "offer_delivery",
            sqlmodel.sql.sqltypes.AutoString(length=10),
            nullable=False,
            server_default="instant",
        ),
    )
    # plain ADD COLUMN, no foreign key: SQLite adds one only by rebuilding "contact",
    # which the tables pointing at it do not survive
    op.add_column("contact", sa.Column("invited_by_id", sa.Integer(), nullable=True))
    op.add_column(
        "contact", sa.Column("confirmed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "contact", sa.Column("removed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("offer_delivery")
        batch.drop_column("removed_at")
        batch.drop_column("confirmed_at")
        batch.drop_column("invited_by_id")
    op.drop_table("digestitem")
    op.drop_table("territoryrequest")
    op.drop_table("awayperiod")
