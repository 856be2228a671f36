"""A partner's profile: ``/p/<token>`` from the footer of every partner email and from
"My leads". GET shows the profile and its forms; each form POSTs to the same address,
its ``section`` field naming which. Nothing changes on GET: mail scanners open links.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask import Blueprint, abort, make_response, render_template, request
from pydantic import ValidationError

from mailflow.actions import unit
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import ActionError
from mailflow.actions.partners.away_periods import add_away_period, end_away_period
from mailflow.actions.partners.colleagues import (
    choose_delivery,
    choose_offers,
    confirm_invitation,
    invite_colleague,
    remove_colleague,
)
from mailflow.actions.partners.profile import edit_profile
from mailflow.links.claims import ProfileClaim, TermsClaim
from mailflow.links.signer import PURPOSES
from mailflow.queries.onboarding import to_accept
from mailflow.queries.profile import ProfileView, load_profile
from mailflow.rules.forminput import FormInputError
from mailflow.rules.sla import WORKWEEK
from mailflow.web.context import runtime
from mailflow.web.errors import invalid_link
from mailflow.web.profile_form import (
    away_input,
    colleague_input,
    details_input,
    invite_input,
    period_input,
)
from mailflow.web.security import read_link, refuse_cross_site

bp = Blueprint("profile", __name__)
PREFIX = PURPOSES[ProfileClaim.PURPOSE].path
Act = Callable[[ActionContext, ProfileView], object]


def _view(claim: ProfileClaim) -> ProfileView:
    with runtime().db.read() as session:
        view = load_profile(session, claim.contact_id, runtime().clock.now())
    if view is None or not view.organization.active:
        abort(invalid_link())
    return view


def _page(view: ProfileView, token: str, status: int = 200, **context: Any) -> Any:
    assert view.organization.id is not None and view.contact.id is not None
    with runtime().db.read() as session:  # a new version of the terms waits: a notice
        terms_due = [v.kind for v in to_accept(session, view.organization.id)]
    page = render_template(
        "dialogs/profile.html",
        lang=view.lang,
        view=view,
        token=token,
        terms_due=terms_due,
        terms_link=runtime().url(TermsClaim(view.contact.id)) if terms_due else None,
        tz=view.contact.timezone,
        hours=_hours(view),
        weekdays=[get_day_names("wide", locale=view.lang)[d] for d in range(7)],
        periods=_periods(view),
        **context,
    )
    return make_response(page, status)


@bp.get(f"{PREFIX}<token>")
def show(token: str) -> Any:
    claim = read_link(ProfileClaim, token)
    return _page(_view(claim), token)


def _details(ctx: ActionContext, view: ProfileView) -> object:
    tz = str(view.organization.business_hours.get("tz") or view.contact.timezone)
    return edit_profile(ctx, _contact(view), details_input(request.form, tz))


def _away(ctx: ActionContext, view: ProfileView) -> object:
    return add_away_period(ctx, _contact(view), away_input(request.form))


def _away_end(ctx: ActionContext, view: ProfileView) -> object:
    return end_away_period(ctx, _contact(view), period_input(request.form))


def _invite(ctx: ActionContext, view: ProfileView) -> object:
    return invite_colleague(ctx, _contact(view), invite_input(request.form, view.lang))


def _remove(ctx: ActionContext, view: ProfileView) -> object:
    return remove_colleague(ctx, _contact(view), colleague_input(request.form))


def _offers(ctx: ActionContext, view: ProfileView) -> object:
    gets = request.form.get("gets") == "1"
    return choose_offers(ctx, _contact(view), colleague_input(request.form), gets)


def _delivery(ctx: ActionContext, view: ProfileView) -> object:
    return choose_delivery(ctx, _contact(view), request.form.get("delivery", ""))


def _confirm(ctx: ActionContext, view: ProfileView) -> object:
    return confirm_invitation(ctx, _contact(view))


SECTIONS: dict[str, Act] = {
    "details": _details,
    "away": _away,
    "away_end": _away_end,
    "invite": _invite,
    "remove": _remove,
    "offers": _offers,
    "delivery": _delivery,
    "confirm": _confirm,
}


@bp.post(f"{PREFIX}<token>")
def act(token: str) -> Any:
    """One form of the page, then the page again saying what happened."""
    claim = read_link(ProfileClaim, token)
    refuse_cross_site()
    view = _view(claim)
    section = request.form.get("section", "")
    if section not in SECTIONS:
        abort(400)
    form = {"form": request.form, "section": section}
    try:
        with unit(runtime(), f"contact:{claim.contact_id}", "web") as ctx:
            SECTIONS[section](ctx, view)
    except (FormInputError, ValidationError) as exc:
        return _page(view, token, 422, problem=_problem(exc), **form)
    except ActionError as exc:
        return _page(view, token, exc.http_status, error=str(exc), **form)
    return _page(_view(claim), token, saved=section)


def _contact(view: ProfileView) -> int:
    assert view.contact.id is not None
    return view.contact.id


def _problem(exc: FormInputError | ValidationError) -> str:
    """Which field could not be taken: ``territory:<word>``, or the field's name."""
    if isinstance(exc, FormInputError):
        return str(exc)
    first = exc.errors()[0]["loc"]
    return str(first[0]) if first else "details"


def _hours(view: ProfileView) -> dict[str, Any] | None:
    """The business hours with the days named in the reader's language; None: the SLAs
    count wall-clock hours."""
    config = view.organization.business_hours
    if not config:
        return None
    names = get_day_names("abbreviated", locale=view.lang)
    days = [int(d) for d in config.get("days", WORKWEEK)]
    return {
        "days": [names[d] for d in days],
        "numbers": days,
        "start": str(config.get("start", "08:00")),
        "end": str(config.get("end", "17:00")),
    }


def _periods(view: ProfileView) -> list[dict[str, Any]]:
    """The away periods with their first and last day in the away contact's time zone."""
    people = {c.id: c for c in view.colleagues}
    shown = []
    for period in view.periods:
        away = people.get(period.contact_id)
        zone = ZoneInfo(away.timezone if away else view.contact.timezone)
        last = period.ends_at.astimezone(zone) - timedelta(microseconds=1)
        stand_in = people.get(period.stand_in_id) if period.stand_in_id else None
        shown.append(
            {
                "id": period.id,
                "away": away.name if away else "",
                "first": period.starts_at.astimezone(zone).date(),
                "last": max(last.date(), period.starts_at.astimezone(zone).date()),
                "stand_in": stand_in.name if stand_in else None,
            }
        )
    return shown
