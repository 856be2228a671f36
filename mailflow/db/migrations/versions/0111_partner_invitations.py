"""onboarding by invitation: invitations, versioned terms and data-processing agreements,
and each partner's acceptance of a version

Revision ID: 0111
Revises: 0109
Create Date: 2026-12-07 13:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0111"
down_revision = "0109"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("email", _TEXT(length=254), nullable=False),
        sa.Column("language", _TEXT(length=5), nullable=False),
        sa.Column("state", _TEXT(length=12), nullable=False),
        sa.Column("invited_by", _TEXT(length=40), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("remind_at", _TIME(), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("reminded_at", _TIME(), nullable=True),
        sa.Column("expires_at", _TIME(), nullable=False),
        sa.Column("accepted_at", _TIME(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("invitation") as batch:
        batch.create_index("ix_invitation_organization_id", ["organization_id"])
        batch.create_index("ix_invitation_state", ["state"])
        batch.create_index("ix_invitation_remind_at", ["remind_at"])
        batch.create_index("ix_invitation_expires_at", ["expires_at"])
    op.create_table(
        "termsversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _TEXT(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("published_at", _TIME(), nullable=False),
        sa.Column("published_by", _TEXT(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "version", name="uq_termsversion_kind_version"),
    )
    op.create_table(
        "termsacceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("terms_version_id", sa.Integer(), nullable=False),
        sa.Column("kind", _TEXT(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("accepted_at", _TIME(), nullable=False),
        sa.Column("channel", _TEXT(length=10), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["terms_version_id"], ["termsversion.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("termsacceptance") as batch:
        batch.create_index("ix_termsacceptance_organization_id", ["organization_id"])


def downgrade() -> None:
    op.drop_table("termsacceptance")
    op.drop_table("termsversion")
    op.drop_table("invitation")
