"""offer: ranking, the snapshot of the matcher's ranking each offer was made from

Revision ID: 0093
Revises: 0091
Create Date: 2026-12-07 08:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0093"
down_revision = "0091"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("offer") as batch_op:
        batch_op.add_column(sa.Column("ranking", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("offer") as batch_op:
        batch_op.drop_column("ranking")
