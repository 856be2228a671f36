"""The review queue: every inbound message that was not applied — apply, correct, dismiss."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlmodel import col, func, select

from mailflow.actions import unit
from mailflow.actions.errors import ActionError
from mailflow.actions.inbound.review import OPEN_STATES, apply_reviewed, dismiss
from mailflow.actions.leads.message import message_partner
from mailflow.i18n import N_
from mailflow.models import InboundEmail
from mailflow.models.states import InboundState
from mailflow.rules.command import Command
from mailflow.rules.forminput import FormInputError, check_texts, parse_amount
from mailflow.rules.lifecycle import STAGES
from mailflow.web.console.auth import current_user, login_required
from mailflow.web.console.locale import gettext, refusal
from mailflow.web.context import runtime

# the correction form's fields, by the name a refusal carries in its ``field``
FIELDS = {
    "amount": N_("Amount"),
    "currency": N_("Currency"),
    "reason": N_("Reason"),
    "note": N_("Note"),
}


def _field_problem(exc: ActionError | FormInputError) -> str:
    """ "Please check this field: Amount" when the refusal names a field of the form."""
    field = exc.field if isinstance(exc, FormInputError) else exc.details.get("field")
    label = FIELDS.get(field) if isinstance(field, str) else None
    return gettext("Please check this field: %(field)s", field=gettext(label)) if label else ""


bp = Blueprint("console_review", __name__, url_prefix="/console/inbound")
ACTIONS = ("pick", "decline", "feedback")


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
        waiting = s.exec(
            select(func.count()).where(col(InboundEmail.state) == InboundState.RECEIVED)
        ).one()
    return render_template(
        "console/review_list.html", rows=rows, show_all=show_all, waiting=waiting
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
    except ActionError as exc:
        flash(_field_problem(exc) or refusal(exc), "error")
        return redirect(url_for("console_review.show", inbound_id=inbound_id))
    except FormInputError as exc:
        flash(_field_problem(exc) or gettext("Please check your input."), "error")
        return redirect(url_for("console_review.show", inbound_id=inbound_id))
    flash(gettext("Done."), "ok")
    return redirect(url_for("console_review.index"))


def _command() -> Command:
    form = request.form
    action = form.get("action", "")
    if action not in ACTIONS:
        abort(400, description=gettext("Choose pick, decline or feedback."))
    stage = form.get("stage") if action == "feedback" else None
    if action == "feedback" and stage not in STAGES:
        abort(400, description=gettext("Choose a stage for feedback."))
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


@bp.post("/<int:inbound_id>/answer")
@login_required("admin", "ops", "partner_manager")
def answer(inbound_id: int) -> Any:
    """Answer the partner who wrote this message, by email, in its thread."""
    user = current_user()
    assert user is not None
    with runtime().db.read() as s:
        row = s.get(InboundEmail, inbound_id)
    if row is None or row.lead_id is None or row.contact_id is None:
        abort(404)
    lead_id, text = row.lead_id, request.form.get("text", "")
    try:
        check_texts(request.form.items())
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            message_partner(ctx, lead_id, text, inbound_id=inbound_id)
    except FormInputError:
        flash(gettext("Please check your input."), "error")
    except ActionError as exc:
        flash(refusal(exc), "error")
    else:
        flash(gettext("Email to the partner queued; the answer comes back to this lead."), "ok")
    return redirect(url_for("console_review.show", inbound_id=inbound_id))
