"""The console dashboard: the weekly report's view with charts, CSV exports, the points
leaderboard and the report schedule. Everything goes through the viewer's scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from babel.dates import get_day_names
from babel.numbers import format_percent
from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlmodel import col, select

from mailflow import i18n
from mailflow.actions import ledger, unit
from mailflow.actions.errors import ActionError
from mailflow.actions.partners.points import convert_points
from mailflow.actions.partners.report import set_report_schedule
from mailflow.models import Lead, Organization, ReportSubscription, Territory
from mailflow.queries import outcome, reports, visibility
from mailflow.web.console.auth import current_user, login_required
from mailflow.web.console.locale import gettext, language, refusal
from mailflow.web.console.scope import viewer
from mailflow.web.context import runtime
from mailflow.web.downloads import csv_rows

bp = Blueprint("console_dashboard", __name__, url_prefix="/console")
CSV_FIELDS = (
    "key",
    "name",
    "offers",
    "picked",
    "pick_rate",
    "decline_rate",
    "ttp_median_h",
    "ttp_mean_h",
    "won",
    "lost",
    "cr",
    "adt_days",
    "ads",
    "won_value",
    "pipeline",
    "pli",
    "feedback_discipline",
    "overdue",
    "bounce_rate",
    "weak_closer",
)


def _period() -> reports.Period:
    """The week asked for; without one, the current week to date (never a future one)."""
    user = current_user()
    assert user is not None
    now = runtime().clock.now()
    current = reports.this_week(now, reports.zone(user.timezone))
    week = request.args.get("week", "")
    if week:
        try:
            period = reports.period_for(week, user, now)
        except ValueError:
            abort(400, description=gettext("The week must look like 2026-W47."))
        return period if period.start <= current.start else current
    return current


def _weekdays(lang: str) -> list[str]:
    return [get_day_names("wide", locale=lang)[d] for d in range(7)]


def _localized(headlines: list[dict[str, Any]], lang: str, currency: str) -> list[dict[str, Any]]:
    """The headline figures in the reader's locale (percentages, decimals, and money in
    ``currency``, that of most of the viewer's leads, as the weekly report writes it)."""

    def fmt(name: str, value: Any) -> str:
        if value is None:
            return "–"
        if name in reports.PERCENT:
            return format_percent(value, locale=lang)
        if name in reports.MONEY:
            return i18n.money(lang, round(value), currency)
        return i18n.number(lang, round(value, 2) if isinstance(value, float) else value)

    return [
        {**h, "value": fmt(h["name"], h["raw"]), "previous": fmt(h["name"], h["raw_previous"])}
        for h in headlines
    ]


@bp.get("/dashboard")
@login_required()
def dashboard() -> Any:
    user = current_user()
    assert user is not None and user.id is not None
    period = _period()
    now = runtime().clock.now()
    current = reports.this_week(now, reports.zone(user.timezone))
    lang = language()
    with runtime().db.read() as s:
        data = reports.view(s, runtime(), user, period)
        sub = s.get(ReportSubscription, user.id)
    data["headlines"] = _localized(data["headlines"], lang, data["currency"])
    later = reports.period_for(period.label, user, now).end + timedelta(hours=12)
    following = reports.this_week(later, reports.zone(user.timezone))
    return render_template(
        "console/dashboard.html",
        sub=sub,
        weekdays=_weekdays(lang),
        current=period.label == current.label,
        this_week=current.label,
        previous=period.previous().label,
        next=following.label if following.start <= current.start else None,
        **data,
    )


@bp.get("/dashboard.csv")
@login_required()
def dashboard_csv() -> Any:
    period = _period()
    with runtime().db.read() as s:
        rows = reports.partner_table(s, viewer(), period)
    return csv_rows(f"kpis-{period.label}.csv", CSV_FIELDS, rows)


@bp.get("/leads.csv")
@login_required()
def leads_csv() -> Any:
    who = viewer()
    with runtime().db.read() as s:
        leads = s.exec(select(Lead).where(visibility.leads(who)).order_by(col(Lead.id))).all()
        outcomes = outcome.for_leads(s, leads)
        rows = []
        for lead in leads:
            row = {f: getattr(lead, f) for f in ("id", "state", "temperature", "city", "country")}
            row["owner_id"] = lead.owner_id
            if visibility.sees_customer(who, lead):  # the owner's and the manufacturer's view
                row["customer_email"] = lead.customer_email
                row.update(outcome.columns(outcomes.get(lead.id or 0)))
            rows.append(row)
    fields = ("id", "state", "temperature", "city", "country", "owner_id", "customer_email")
    return csv_rows("leads.csv", (*fields, *outcome.COLUMNS), rows)


@bp.post("/dashboard/schedule")
@login_required()
def schedule() -> Any:
    user = current_user()
    assert user is not None and user.id is not None
    try:
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            set_report_schedule(
                ctx,
                user.id,
                request.form.get("weekday", 0, type=int),
                request.form.get("hour", 7, type=int),
                subscribed=request.form.get("subscribed") == "on",
            )
    except ActionError as exc:
        abort(exc.http_status, description=refusal(exc))
    return redirect(url_for("console_dashboard.dashboard"))


@bp.get("/points")
@login_required()
def points() -> Any:
    territory = request.args.get("territory", type=int)
    with runtime().db.read() as s:
        board = ledger.leaderboard(s, viewer(), territory_id=territory)
        territories = s.exec(select(Territory).order_by(col(Territory.name))).all()
    return render_template(
        "console/points.html",
        board=board,
        territories=territories,
        territory=territory,
        rate=runtime().settings.points_mdf_rate,
        currency=runtime().settings.points_mdf_currency,
        can_convert=viewer().role in ("admin", "ops", "partner_manager"),
    )


@bp.post("/points/convert")
@login_required("admin", "ops", "partner_manager")
def convert() -> Any:
    user = current_user()
    assert user is not None
    org_id = request.form.get("organization_id", type=int) or 0
    with runtime().db.read() as s:
        allowed = s.exec(
            select(Organization.id).where(
                col(Organization.id) == org_id, visibility.organizations(viewer())
            )
        ).first()
    if allowed is None:
        abort(404)
    try:
        with unit(runtime(), f"console:{user.id}", "console") as ctx:
            convert_points(ctx, org_id, request.form.get("points", 0, type=int))
    except ActionError as exc:
        abort(exc.http_status, description=refusal(exc))
    return redirect(url_for("console_dashboard.points"))
