"""away periods are the one record of a partner's absence: organization.away_until (set by
out-of-office replies) becomes a pause period of the partner's first contact, and
awayperiod.handed_on_at records when the offers open at a period's start were handed on;
campaign.extension_days: how much more time the staff grant a deal registration

Revision ID: 0115
Revises: 0109
Create Date: 2026-12-07 13:40:00.000000
"""

from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

from mailflow.db import poolversion

revision = "0115"
down_revision = "0113"
branch_labels = None
depends_on = None

_time = sqlmodel.sql.sqltypes.UTCDateTime


_org = sa.table("organization", sa.column("id", sa.Integer), sa.column("away_until", _time()))
_period = sa.table(
    "awayperiod",
    sa.column("organization_id", sa.Integer),
    sa.column("contact_id", sa.Integer),
    sa.column("stand_in_id", sa.Integer),
    sa.column("starts_at", _time()),
    sa.column("ends_at", _time()),
    sa.column("created_at", _time()),
    sa.column("handed_on_at", _time()),
)


def upgrade() -> None:
    with op.batch_alter_table("awayperiod") as batch:
        batch.add_column(sa.Column("handed_on_at", _time(), nullable=True))
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(
            sa.Column("extension_days", sa.Integer(), nullable=False, server_default="30")
        )
    bind = op.get_bind()
    now = datetime.now(UTC)
    away = bind.execute(sa.select(_org.c.id, _org.c.away_until).where(_org.c.away_until > now))
    for org_id, until in away.all():
        contact = bind.execute(
            sa.text(
                "SELECT id FROM contact WHERE organization_id = :org"
                " ORDER BY receives_offers DESC, id LIMIT 1"
            ),
            {"org": org_id},
        ).scalar()
        if contact is None:
            continue
        # the offers were moved on when the out-of-office reply came: handed on already
        bind.execute(
            _period.insert().values(
                organization_id=org_id, contact_id=contact, stand_in_id=None, starts_at=now,
                ends_at=until, created_at=now, handed_on_at=now,
            )
        )  # fmt: skip
    if bind.dialect.name == "sqlite":
        # SQLite drops a column in place (3.35+); a batch rebuild of a table this many
        # others reference would trip their foreign keys
        op.execute("ALTER TABLE organization DROP COLUMN away_until")
    else:
        op.drop_column("organization", "away_until")
    poolversion.install(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("ALTER TABLE organization ADD COLUMN away_until DATETIME")
    else:
        op.add_column("organization", sa.Column("away_until", _time(), nullable=True))
    now = datetime.now(UTC)
    ends = sa.func.max(_period.c.ends_at)
    paused = bind.execute(
        sa.select(_period.c.organization_id, ends)
        .where(_period.c.stand_in_id.is_(None), _period.c.starts_at <= now, _period.c.ends_at > now)
        .group_by(_period.c.organization_id)
    ).all()
    for org_id, until in paused:
        bind.execute(_org.update().where(_org.c.id == org_id).values(away_until=until))
    with op.batch_alter_table("awayperiod") as batch:
        batch.drop_column("handed_on_at")
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("extension_days")
    poolversion.install(bind)
