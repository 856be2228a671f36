"""Console: jobs that exhausted their retries."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlmodel import col, select

from mailflow.models import FailedJob
from mailflow.web.console.auth import login_required
from mailflow.web.context import runtime

bp = Blueprint("console_jobs", __name__, url_prefix="/console")


@bp.get("/failed-jobs")
@login_required("admin", "ops")  # job arguments of every partner
def failed_jobs() -> Any:
    with runtime().db.read() as s:
        rows = s.exec(select(FailedJob).order_by(col(FailedJob.id).desc()).limit(200)).all()
    return render_template("console/failed_jobs.html", rows=rows)
