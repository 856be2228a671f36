"""matching: partner pool version token

The matcher caches the partner pool per process; triggers on organization, contact and
partnerstats replace this token in every transaction that changes them (see
mailflow/db/poolversion.py, which also re-installs the triggers after each upgrade because
SQLite batch mode drops a table's triggers when it rebuilds the table).

Revision ID: 0080
Revises: 0070
Create Date: 2026-11-28 14:11:52.817565
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from mailflow.db import poolversion

revision = "0080"
down_revision = "0070"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matchpoolversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    poolversion.install(op.get_bind())


def downgrade() -> None:
    poolversion.drop(op.get_bind())
    op.drop_table("matchpoolversion")
