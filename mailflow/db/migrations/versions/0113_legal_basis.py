"""lead: the legal basis (consent or legitimate interest) and when it was anonymised;
campaign.requires_legal_basis

Revision ID: 0113
Revises: 0109
Create Date: 2026-12-07 13:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0113"
down_revision = "0111"
branch_labels = None
depends_on = None

_text = sqlmodel.sql.sqltypes.AutoString
_time = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch:
        batch.add_column(sa.Column("legal_basis", _text(length=20), nullable=True))
        batch.add_column(sa.Column("consent_at", _time(), nullable=True))
        batch.add_column(sa.Column("consent_source", _text(length=200), nullable=True))
        batch.add_column(sa.Column("legitimate_interest_note", _text(length=1000), nullable=True))
        batch.add_column(sa.Column("anonymised_at", _time(), nullable=True))
    with op.batch_alter_table("campaign", schema=None) as batch:
        batch.add_column(
            sa.Column(
                "requires_legal_basis", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch:
        batch.drop_column("requires_legal_basis")
    with op.batch_alter_table("lead", schema=None) as batch:
        for name in (
            "anonymised_at",
            "legitimate_interest_note",
            "consent_source",
            "consent_at",
            "legal_basis",
        ):
            batch.drop_column(name)
