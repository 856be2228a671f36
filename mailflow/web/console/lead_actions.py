"""The lead page's actions: withdraw, edit, add a note, reassign. Each calls one action
(audited in its transaction) and comes back to the lead page with what happened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, request, url_for
from pydantic import ValidationError
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError
from mailflow.actions.leads.edit import add_note, edit_lead
from mailflow.actions.leads.legal_basis import record_legal_basis
from mailflow.actions.leads.message import message_partner
from mailflow.actions.leads.reassign import reassign
from mailflow.actions.leads.withdraw import withdraw
from mailflow.models import Organization
from mailflow.models.schemas import LegalBasisIn
from mailflow.queries import visibility
from mailflow.rules.forminput import FormInputError, check_texts, parse_amount, parse_id
from mailflow.web.console.auth import current_user, login_required
from mailflow.web.console.locale import gettext, refusal
from mailflow.web.console.scope import viewer
from mailflow.web.console.views import EDITORS
from mailflow.web.context import runtime

bp = Blueprint("console_lead", __name__, url_prefix="/console/leads")


def _act(lead_id: int, action: Callable[[ActionContext], Any], done: str) -> Any:
    user = current_user()
    assert user is not None
    with runtime().db.read() as s:
        if not visibility.may_see_lead(s, viewer(), lead_id):
            abort(404)
    try:
        check_texts(request.form.items())
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            action(ctx)
    except FormInputError:
        flash(gettext("Please check your input."), "error")
    except ActionError as exc:
        flash(refusal(exc), "error")
    else:
        flash(done, "ok")
    return redirect(url_for("console.lead", lead_id=lead_id))


@bp.post("/<int:lead_id>/withdraw")
@login_required(*EDITORS)
def withdraw_lead(lead_id: int) -> Any:
    reason = request.form.get("reason", "").strip() or None
    return _act(lead_id, lambda ctx: withdraw(ctx, lead_id, reason), gettext("Lead withdrawn."))


@bp.post("/<int:lead_id>/note")
@login_required(*EDITORS)
def note(lead_id: int) -> Any:
    text = request.form.get("text", "")
    return _act(lead_id, lambda ctx: add_note(ctx, lead_id, text), gettext("Note added."))


@bp.post("/<int:lead_id>/edit")
@login_required(*EDITORS)
def edit(lead_id: int) -> Any:
    form = request.form
    try:
        value = parse_amount(form.get("value", ""), "value")
    except FormInputError:
        flash(gettext("Please check your input."), "error")
        return redirect(url_for("console.lead", lead_id=lead_id))
    changes = {
        "product_line": form.get("product_line", "").strip() or None,
        "value": value,
        "currency": form.get("currency", "").strip().upper() or "EUR",
        "requirement": form.get("requirement", "").strip() or None,
        "remarks": form.get("remarks", "").strip() or None,
        "temperature": form.get("temperature", "warm"),
    }
    return _act(lead_id, lambda ctx: edit_lead(ctx, lead_id, changes), gettext("Lead saved."))


@bp.post("/<int:lead_id>/legal-basis")
@login_required(*EDITORS)
def legal_basis(lead_id: int) -> Any:
    """The consent (a local date and time in the installation's time zone, and where) or
    the legitimate interest a lead came in without."""
    try:
        given = _basis(request.form)
    except (ValidationError, ValueError):
        flash(
            gettext("Give the consent with its date and source, or the legitimate interest."),
            "error",
        )
        return redirect(url_for("console.lead", lead_id=lead_id))
    return _act(
        lead_id,
        lambda ctx: record_legal_basis(ctx, lead_id, given),
        gettext("Legal basis recorded."),
    )


def _basis(form: Any) -> LegalBasisIn:
    basis = form.get("legal_basis", "")
    fields: dict[str, Any] = {"legal_basis": basis or None}
    if basis == "consent":
        fields["consent_at"] = _local_time(form.get("consent_at", ""))
        fields["consent_source"] = form.get("consent_source", "").strip() or None
    elif basis == "legitimate_interest":
        fields["legitimate_interest_note"] = form.get("legitimate_interest_note", "").strip()
    return LegalBasisIn.model_validate(fields)


def _local_time(value: str) -> datetime | None:
    """A form's ``datetime-local`` value, in the installation's time zone."""
    if not value.strip():
        return None
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(runtime().settings.timezone))
    return moment


@bp.post("/<int:lead_id>/reassign")
@login_required(*EDITORS)
def reassign_lead(lead_id: int) -> Any:
    try:
        org = parse_id(request.form.get("organization_id", ""))
    except FormInputError:
        flash(gettext("Choose one partner to assign the lead to."), "error")
        return redirect(url_for("console.lead", lead_id=lead_id))
    with runtime().db.read() as s:
        from_scope = s.exec(  # a manager moves leads within its own scope only
            select(Organization.id).where(
                col(Organization.id) == org, visibility.organizations(viewer())
            )
        ).first()
    if from_scope is None:
        abort(404)
    return _act(lead_id, lambda ctx: reassign(ctx, lead_id, org), gettext("Lead reassigned."))


@bp.post("/<int:lead_id>/message")
@login_required(*EDITORS)
def message(lead_id: int) -> Any:
    """Answer a partner by email: ``to`` is ``<offer id>:<contact id>`` of the lead."""
    offer_id, _, contact_id = request.form.get("to", "").partition(":")
    try:
        offer, contact = parse_id(offer_id), parse_id(contact_id)
    except FormInputError:
        flash(gettext("Choose who receives the email."), "error")
        return redirect(url_for("console.lead", lead_id=lead_id))
    text = request.form.get("text", "")
    return _act(
        lead_id,
        lambda ctx: message_partner(ctx, lead_id, text, offer_id=offer, contact_id=contact),
        gettext("Email to the partner queued; the answer comes back to this lead."),
    )
