"""Signed-link dialogs: ``/a/<token>``.

GET (and HEAD) only shows a page: mail security scanners open every link, so nothing
changes until the partner presses the button, which POSTs back to the same URL.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from pydantic import ValidationError

from mailflow.actions import unit
from mailflow.actions.decline import decline
from mailflow.actions.errors import (
    ActionError,
    AlreadyTaken,
    OfferClosed,
    PartnerInactive,
    QueueBlocked,
)
from mailflow.actions.feedback import feedback
from mailflow.actions.pick import pick
from mailflow.forminput import FormInputError, check_texts, parse_amount
from mailflow.schemas import FeedbackIn
from mailflow.tokens import LinkClaim, TokenExpired, TokenInvalid
from mailflow.web import runtime
from mailflow.web.pages import LinkView, load_view, portal_rows

bp = Blueprint("dialogs", __name__)


def _claim(token: str) -> LinkClaim:
    g.token_route = True
    try:
        claim = runtime().signer.read_link(token)
    except TokenExpired:
        abort(
            _page(
                "message.html",
                410,
                title="This link has expired",
                tone="error",
                text="Links in our emails are valid for a limited time. "
                "Open your most recent email, or reply to it instead.",
            )
        )
    except TokenInvalid:
        abort(
            _page(
                "message.html",
                404,
                title="This link is not valid",
                tone="error",
                text="The link may be incomplete. Please open it again from the email.",
            )
        )
    if claim.action == "qualify":  # an agency's link lives under /q/
        abort(redirect(url_for("qualify_dialog.show", token=token), 307))
    return claim


def _page(template: str, status: int = 200, lang: str = "en", **context: Any) -> Any:
    from flask import make_response

    return make_response(render_template(template, lang=lang, **context), status)


def _load(claim: LinkClaim) -> LinkView:
    with runtime().db.read() as session:
        view = load_view(session, claim)
    if view is None:
        abort(
            _page(
                "message.html",
                404,
                title="This link is not valid",
                tone="error",
                text="The lead or partner it points to no longer exists.",
            )
        )
    if not view.organization.active:
        abort(_inactive(view.lang))
    return view


def _inactive(lang: str) -> Any:
    """A deactivated partner's links (dialogs and its own page) open this, GET and POST:
    403, the account is switched off, not the link broken."""
    return _page(
        "message.html",
        403,
        lang,
        title="This partner account is not active",
        tone="error",
        text="Your company no longer receives or handles leads here. "
        "Please contact the manufacturer if this is a mistake.",
    )


@bp.get("/a/<token>")
def show(token: str) -> Any:
    claim = _claim(token)
    view = _load(claim)
    if claim.action == "portal":
        with runtime().db.read() as session:
            rows = portal_rows(session, runtime(), view.contact)
        return _page("dialogs/portal.html", 200, view.lang, view=view, token=token, **rows)
    return _state_page(view, claim.action)


def _state_page(view: LinkView, action: str) -> Any:
    """The dialog for an open offer, or the page that says why it is not open."""
    if view.is_owner:
        template = "dialogs/feedback.html" if action == "feedback" else "dialogs/details.html"
        # a one-click status button of a reminder opens the form with its stage chosen
        form = request.args if request.args.get("stage") in view.next_stages else None
        return _page(template, lang=view.lang, view=view, form=form)
    if view.offer.state == "taken" or (view.lead.owner_id and not view.is_owner):
        return _page("dialogs/taken.html", 409, lang=view.lang, view=view)
    if view.offer.state == "declined":
        return _page("dialogs/declined.html", lang=view.lang, view=view)
    if view.offer.state != "open":
        return _page("dialogs/closed.html", 410, lang=view.lang, view=view)
    if action == "feedback":
        return _page("dialogs/closed.html", 403, lang=view.lang, view=view)
    if action == "pick":
        blocked = _queue_blocked(view)
        if blocked is not None:
            return blocked
    return _page(f"dialogs/{action}.html", lang=view.lang, view=view)


def _queue_blocked(view: LinkView, status: int = 200) -> Any:
    """The processing-queue gate: the offer is shown, the pick is not possible."""
    from mailflow.processing_queue import gate, status_buttons

    rt = runtime()
    with rt.db.read() as session:
        verdict, overdue = gate(session, rt.settings, view.organization, rt.clock.now())
    if not verdict.blocked:
        return None
    assert view.contact.id is not None
    rows = [status_buttons(rt, o, view.contact.id) for o in overdue]
    return _page(
        "dialogs/pick_blocked.html",
        status,
        lang=view.lang,
        view=view,
        rows=rows,
        limit=verdict.limit,
    )


def _same_site_only() -> None:
    """A cross-site form post is refused: the dialogs are only ever posted from themselves."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403)


@bp.post("/a/<token>")
def act(token: str) -> Any:
    claim = _claim(token)
    _same_site_only()
    view = _load(claim)
    try:
        check_texts(request.form.items())  # every field, whichever the action reads
        error = _perform(claim)
    except FormInputError as exc:
        error = [str(exc)]
    except AlreadyTaken:
        return _page("dialogs/taken.html", 409, lang=view.lang, view=_load(claim))
    except QueueBlocked:
        return _queue_blocked(view, 423) or _page("dialogs/pick.html", lang=view.lang, view=view)
    except OfferClosed:
        return _page("dialogs/closed.html", 410, lang=view.lang, view=_load(claim))
    except PartnerInactive:  # deactivated between the page and the button
        return _inactive(view.lang)
    except ActionError as exc:
        return _page(
            "message.html",
            exc.http_status,
            lang=view.lang,
            tone="error",
            title="This did not work",
            text=str(exc),
        )
    if error is not None:
        return _refused_form(claim, view, error)
    back = _back_to_portal(claim)
    if back is not None:  # a one-click button on the partner's own page: show it again
        return redirect(back, 303)
    done = _load(claim)
    if claim.action == "decline":
        return _page("dialogs/declined.html", lang=view.lang, view=done)
    if claim.action == "feedback":
        return _page("dialogs/feedback_done.html", lang=view.lang, view=done)
    return _page("dialogs/details.html", lang=view.lang, view=done, just_picked=True)


def _refused_form(claim: LinkClaim, view: LinkView, errors: list[str]) -> Any:
    """422: the feedback form again with its errors; the other dialogs say what was wrong."""
    if claim.action == "feedback":
        form = request.form
        return _page("dialogs/feedback.html", 422, view.lang, view=view, errors=errors, form=form)
    return _page(
        "message.html", 422, view.lang, tone="error", title="This did not work", text=errors[0]
    )


def _back_to_portal(claim: LinkClaim) -> str | None:
    """The contact's own page when the form came from it (a signed portal token of the
    same contact); never an arbitrary address."""
    token = request.form.get("back") or ""
    if not token or claim.action == "pick":
        return None
    try:
        back = runtime().signer.read_link(token)
    except (TokenExpired, TokenInvalid):
        return None
    if back.action != "portal" or back.contact_id != claim.contact_id:
        return None
    return url_for("dialogs.show", token=token)


def _perform(claim: LinkClaim) -> list[str] | None:
    """Run the action of the link; returns form errors for an invalid feedback form."""
    if claim.action not in ("pick", "decline", "feedback"):
        abort(405)
    data = None
    if claim.action == "feedback":
        try:
            data = FeedbackIn(**_feedback_form())
        except ValidationError as exc:
            return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        except FormInputError as exc:
            return [str(exc)]
    with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:
        if claim.action == "pick":
            pick(ctx, claim.offer_id, claim.contact_id)
        elif claim.action == "decline":
            decline(ctx, claim.offer_id, claim.contact_id, request.form.get("reason") or None)
        else:
            assert data is not None
            feedback(ctx, claim.offer_id, claim.contact_id, data)
    return None


def _feedback_form() -> dict[str, Any]:
    form = request.form
    fields: dict[str, Any] = {"stage": form.get("stage", "")}
    amount = parse_amount(form.get("amount") or "")
    if amount is not None:
        fields["amount"] = amount
    for name in ("currency", "reason", "note"):
        if (form.get(name) or "").strip():
            fields[name] = form[name]
    return fields
