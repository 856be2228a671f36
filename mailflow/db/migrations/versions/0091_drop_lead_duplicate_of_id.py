"""lead: drop duplicate_of_id (never written: a repeated post merges into the first lead)

Revision ID: 0091
Revises: 0090
Create Date: 2026-12-07 02:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0091"
down_revision = "0090"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead") as batch_op:
        batch_op.drop_constraint("fk_lead_duplicate_of_id", type_="foreignkey")
        batch_op.drop_column("duplicate_of_id")


def downgrade() -> None:
    with op.batch_alter_table("lead") as batch_op:
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_lead_duplicate_of_id", "lead", ["duplicate_of_id"], ["id"])
