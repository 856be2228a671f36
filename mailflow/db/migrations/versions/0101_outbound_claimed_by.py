"""outboundemail.claimed_by: the worker process holding a claim, for heartbeat take-over

Revision ID: 0101
Revises: 0099
Create Date: 2026-12-07 10:10:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0101"
down_revision = "0099"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outboundemail", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outboundemail", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
