"""Tell the admins, once per trouble, of a mail connection that needs them: a sign-in the
provider refused, or a mailbox not read for 15 minutes. The connection's ``alerted_at``
is set in the same transaction as the emails; a success clears it, so the next trouble
is told again. (The alert goes out through the outbound connection: when that is the
one refused, it waits in the outbox like every other email and the console page shows it.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.audit import record
from mailflow.actions.outbound import outbox
from mailflow.mail import messages
from mailflow.models import Contact, MailConnection, Organization
from mailflow.queries.connections import PROBLEMS, to_alert

if TYPE_CHECKING:
    from mailflow.runtime import Runtime


def alert_admins(rt: Runtime) -> int:
    """Queue the alerts due; returns how many connections were told of."""
    with unit(rt, "system", "job") as ctx:
        due = to_alert(ctx.session, ctx.now)
        if not due:
            return 0
        admins = list(
            ctx.session.exec(
                select(Contact)
                .join(Organization, col(Organization.id) == Contact.organization_id)
                .where(Contact.role == "admin", Organization.kind == "manufacturer")
                .order_by(col(Contact.id))
            )
        )
        for view in due:
            row = ctx.session.get(MailConnection, view.row.id)
            assert row is not None
            problem = PROBLEMS["auth"] if row.auth_failed else PROBLEMS["stale"]
            context = messages.connection_alert(rt, row.name, problem, row.last_error or "")
            for admin in admins:
                outbox.queue(ctx, "connection_alert", admin, context)
            row.alerted_at = ctx.now
            record(
                ctx,
                "mail_connection.alerted",
                connection=row.name,
                admins=[a.id for a in admins],
                stale=view.stale,
            )
        return len(due)
