"""The review queue: every inbound message that was not applied — apply, correct, dismiss."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlmodel import col, func, select

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.review import OPEN_STATES, apply_reviewed, dismiss
from mailflow.forminput import FormInputError, check_texts, parse_amount
from mailflow.inbound.interpret import Command
from mailflow.models import InboundEmail
from mailflow.web import runtime
from mailflow.web.console.auth import current_user, login_required

bp = Blueprint("console_review", __name__, url_prefix="/console/inbound")
ACTIONS = ("pick", "decline", "feedback")
STAGES = ("contacted", "meeting", "proposal", "won", "lost")


@bp.get("/")
@login_required("admin", "ops", "partner_manager")
def index() -> Any:
    show_all = request.args.get("all") == "1"
    rt = runtime()
    with rt.db.read() as s:
        query = select(InboundEmail).order_by(col(InboundEmail.id).desc()).limit(200)
        if not show_all:
            query = query.where(col(InboundEmail.state).in_(OPEN_STATES))
        rows = s.exec(query).all()
        received = s.exec(select(func.count()).where(col(InboundEmail.state) == "received")).one()
        moved = s.exec(select(func.max(InboundEmail.id))).one() or 0
    spool = rt.spool()  # on SQLite: stored, not moved into inbound_email yet
    waiting = received + (spool.pending(after=moved) if spool is not None else 0)
    return render_template(
        "console/review_list.html", lang="en", rows=rows, show_all=show_all, waiting=waiting
    )


@bp.get("/<int:inbound_id>")
@login_required("admin", "ops", "partner_manager")
def show(inbound_id: int) -> Any:
    with runtime().db.read() as s:
        row = s.get(InboundEmail, inbound_id)
    if row is None:
        abort(404)
    raw = (row.raw or b"").decode("utf-8", "replace")
    return render_template(
        "console/review_item.html",
        lang="en",
        row=row,
        raw=raw[:200_000],
        body=_body(row.raw),
        actions=ACTIONS,
        stages=STAGES,
        is_open=row.state in OPEN_STATES,
    )


@bp.post("/<int:inbound_id>")
@login_required("admin", "ops", "partner_manager")
def decide(inbound_id: int) -> Any:
    user = current_user()
    assert user is not None
    try:
        check_texts(request.form.items())
        command = None if request.form.get("decision") == "dismiss" else _command()
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            if command is None:
                dismiss(ctx, inbound_id, request.form.get("note") or None)
            else:
                apply_reviewed(ctx, inbound_id, command)
    except (ActionError, FormInputError) as exc:
        flash(str(exc), "error")
        return redirect(url_for("console_review.show", inbound_id=inbound_id))
    flash("Done.", "ok")
    return redirect(url_for("console_review.index"))


def _command() -> Command:
    form = request.form
    action = form.get("action", "")
    if action not in ACTIONS:
        abort(400, description="Choose pick, decline or feedback.")
    stage = form.get("stage") if action == "feedback" else None
    if action == "feedback" and stage not in STAGES:
        abort(400, description="Choose a stage for feedback.")
    return Command(
        action=action,  # type: ignore[arg-type]
        stage=stage,  # type: ignore[arg-type]
        amount=parse_amount(form.get("amount") or ""),  # the dialogs' parser: digits 0-9
        currency=(form.get("currency") or None),
        reason=(form.get("reason") or None),
    )


def _body(raw: bytes | None) -> str:
    if not raw:
        return ""
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        part = msg.get_body(preferencelist=("plain", "html"))
        return str(part.get_content()) if part is not None else ""
    except Exception:  # a broken message still shows its raw source below
        return ""
