"""The choices of a "did you mean …?" email: ``/r/<token>``, one link per choice.

GET shows the reading the partner clicked, in their language, with one button; the
button POSTs and applies it through the one dispatch of a partner's answer. Nothing
changes on GET: mail scanners open links. A second POST shows the choice made before; an
offer that moved on meanwhile is refused (409) and nothing changes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, make_response, render_template

from mailflow import i18n
from mailflow.actions import unit
from mailflow.actions.errors import (
    ActionError,
    AlreadyTaken,
    NotFound,
    OfferClosed,
    QueueBlocked,
    WrongState,
)
from mailflow.actions.inbound.asked import choose, offered
from mailflow.i18n import N_
from mailflow.links.claims import ChoiceClaim
from mailflow.links.signer import PURPOSES, TokenExpired, TokenInvalid
from mailflow.models import Contact, InboundEmail, Lead
from mailflow.models.states import InboundState
from mailflow.rules import privacy
from mailflow.rules.command import Command
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link
from mailflow.web.security import refuse_cross_site

bp = Blueprint("choice", __name__)
PREFIX = PURPOSES[ChoiceClaim.PURPOSE].path
_OPEN = (InboundState.ASKED, InboundState.REVIEW)
# why a choice was not applied, in the partner's words (the action's own message is English)
_REFUSALS: dict[type[ActionError], str] = {
    AlreadyTaken: N_("Another partner picked this lead first. Nothing was changed."),
    OfferClosed: N_("This offer has moved on meanwhile. Nothing was changed."),
    WrongState: N_("Your reply has been dealt with meanwhile. Nothing was changed."),
    QueueBlocked: N_(
        "Please first report on your leads that are waiting for an update. Nothing was changed."
    ),
}
_REFUSED = N_("This could not be applied. Nothing was changed.")


def _claim(token: str) -> ChoiceClaim:
    g.token_route = True
    signer = runtime().signer
    try:
        return signer.read(ChoiceClaim, token)
    except TokenExpired:
        abort(_expired(signer.read_any_age(ChoiceClaim, token)))
    except TokenInvalid:
        abort(invalid_link())


def _expired(claim: ChoiceClaim) -> Any:
    with runtime().db.read() as s:
        contact = s.get(Contact, claim.contact_id)
    page = render_template(
        "message.html",
        lang=i18n.normalize(contact.language if contact else None),
        tone="error",
        title=N_("This link has expired"),
        text=N_(
            "Links in our emails are valid for a limited time. "
            "Open your most recent email, or reply to it instead."
        ),
    )
    return make_response(page, 410)


def _render(claim: ChoiceClaim, status: int, reading: Command | None, **context: Any) -> Any:
    with runtime().db.read() as s:
        row = s.get(InboundEmail, claim.inbound_id)
        contact = s.get(Contact, claim.contact_id)
        lead = s.get(Lead, row.lead_id) if row is not None and row.lead_id else None
    if row is None or contact is None or lead is None or row.contact_id != contact.id:
        abort(invalid_link())
    page = render_template(
        "dialogs/did_you_mean.html",
        lang=i18n.normalize(contact.language),
        lead=privacy.teaser(lead),
        text=str(row.outcome.get("reply_text") or "")[:500],
        reading=reading,
        note=reading is None,
        **context,
    )
    return make_response(page, status)


def _reading(claim: ChoiceClaim) -> tuple[Command | None, str | None, str]:
    """The clicked reading, the choice made before (if any) and the message's state."""
    with runtime().db.read() as s:
        row = s.get(InboundEmail, claim.inbound_id)
        if row is None or row.contact_id != claim.contact_id or not row.outcome.get("choices"):
            abort(invalid_link())
        try:
            reading = offered(row, claim.choice)
        except NotFound:
            abort(invalid_link())
        made = row.outcome.get("chosen")
        return reading, str(made) if made is not None else None, row.state


@bp.get(f"{PREFIX}<token>")
def show(token: str) -> Any:
    claim = _claim(token)
    reading, made, state = _reading(claim)
    if made is not None:
        with runtime().db.read() as s:
            row = s.get(InboundEmail, claim.inbound_id)
            assert row is not None
            before = offered(row, made)
        return _render(claim, 200, before, done=True, before=True)
    if state not in _OPEN:
        return _render(claim, 200, reading, error=_REFUSALS[WrongState])
    return _render(claim, 200, reading)


@bp.post(f"{PREFIX}<token>")
def confirm(token: str) -> Any:
    claim = _claim(token)
    refuse_cross_site()
    reading, _made, _state = _reading(claim)
    try:
        with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:
            chosen = choose(ctx, claim.inbound_id, claim.contact_id, claim.choice)
            done, before = chosen.command, chosen.before
    except NotFound:
        abort(invalid_link())
    except ActionError as exc:
        why = next((t for k, t in _REFUSALS.items() if isinstance(exc, k)), _REFUSED)
        return _render(claim, 409, reading, error=why)
    return _render(claim, 200, done, done=True, before=before)
