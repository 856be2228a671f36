"""mail_connection.position: where reading a mailbox through an API goes on after a restart

Revision ID: 0099
Revises: 0097
Create Date: 2026-12-07 10:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0099"
down_revision = "0097"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_connection") as batch:
        batch.add_column(sa.Column("position", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mail_connection") as batch:
        batch.drop_column("position")
