"""security: console session generation, webhook circuit breaker, suspended API keys

- contact.session_generation: bumped on logout, password and role change; a console
  cookie carries the generation it was issued for and is refused once it differs.
- webhook.timeouts / webhook.open_until: consecutive delivery timeouts of an endpoint and
  the time until which its circuit stays open (deliveries wait instead of hanging a sender).
- apikey.suspended: a deactivated partner's keys stop working; reactivation lifts it
  (a revoked key stays revoked).

Revision ID: 0090
Revises: 0080
Create Date: 2026-12-07 01:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0090"
down_revision = "0080"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "contact",
        sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "webhook", sa.Column("timeouts", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "webhook", sa.Column("open_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "apikey",
        sa.Column("suspended", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("apikey") as batch:
        batch.drop_column("suspended")
    with op.batch_alter_table("webhook") as batch:
        batch.drop_column("open_until")
        batch.drop_column("timeouts")
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("session_generation")
