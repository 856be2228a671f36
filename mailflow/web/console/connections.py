"""Console: the mail connections (mailboxes read, the way emails go out) with each one's
last success, last error in plain words and the messages waiting. Staff only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from mailflow.i18n import N_
from mailflow.queries.connections import PROBLEMS, connections
from mailflow.queries.visibility import STAFF_ROLES
from mailflow.web.console.auth import login_required
from mailflow.web.context import runtime

bp = Blueprint("console_connections", __name__, url_prefix="/console")
NAV = (N_("Mail connections"), "console_connections.index")


@bp.get("/connections")
@login_required(*STAFF_ROLES)  # addresses and errors of every mailbox
def index() -> Any:
    rt = runtime()
    with rt.db.read() as s:
        rows = connections(s, rt.clock.now())
        s.expunge_all()
    return render_template("console/connections.html", rows=rows, problems=PROBLEMS)
