"""one report opt-out: fold contact.receives_reports into reportsubscription.opted_out

Revision ID: 0070
Revises: 0060
Create Date: 2026-11-28 14:45:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = "0070"
down_revision = "0060"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Who clicked the contact-wide opt-out keeps it, as an opted-out subscription.
    op.execute(
        sa.text(
            "UPDATE reportsubscription SET opted_out = :yes WHERE contact_id IN "
            "(SELECT id FROM contact WHERE receives_reports = :no)"
        ).bindparams(yes=True, no=False)
    )
    op.execute(
        sa.text(
            "INSERT INTO reportsubscription (contact_id, weekday, hour, opted_out, updated_at) "
            "SELECT id, 0, 7, :yes, CURRENT_TIMESTAMP FROM contact WHERE receives_reports = :no "
            "AND id NOT IN (SELECT contact_id FROM reportsubscription)"
        ).bindparams(yes=True, no=False)
    )
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild of ``contact`` would have to
    # drop a table other tables reference.
    op.drop_column("contact", "receives_reports")


def downgrade() -> None:
    op.add_column(
        "contact",
        sa.Column("receives_reports", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.execute(
        sa.text(
            "UPDATE contact SET receives_reports = :no WHERE id IN "
            "(SELECT contact_id FROM reportsubscription WHERE opted_out = :yes)"
        ).bindparams(yes=True, no=False)
    )
