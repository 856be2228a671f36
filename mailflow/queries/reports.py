"""Weekly reports: who is due, the period, and what each viewer's report shows.

The report of a contact is the same view the console dashboard shows them: headline KPIs
against the previous week, pipeline by stage, picks per week, the partner table (for
managers), and the leads that need their action. Delivery is the ``deliver_report``
action, enqueued per contact by the ``sweep_reports`` job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from mailflow.i18n import N_
from mailflow.models import Contact, Lead, Offer, Organization, ReportSubscription
from mailflow.models.states import OfferState
from mailflow.queries import kpi, visibility
from mailflow.queries.visibility import Viewer
from mailflow.rules.lifecycle import OPEN_STAGES

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

# labels are translated where they are shown (``_(h.label)``)
HEADLINES = (
    ("offers", N_("Offers")),
    ("pick_rate", N_("Pick rate")),
    ("ttp_median_h", N_("Time to pick (median, h)")),
    ("cr", N_("Conversion rate")),
    ("adt_days", N_("Average deal time (days)")),
    ("ads", N_("Average deal size")),
    ("won_value", N_("Value won")),
    ("pli", N_("Pipeline index")),
    ("feedback_discipline", N_("Feedback discipline")),
    ("overdue", N_("Overdue leads")),
)
PERCENT = frozenset({"pick_rate", "cr", "feedback_discipline", "decline_rate", "bounce_rate"})
MONEY = frozenset({"ads", "won_value"})
LOWER_IS_BETTER = frozenset({"ttp_median_h", "adt_days", "overdue", "decline_rate"})
WEEKS = 8


@dataclass(frozen=True)
class Period:
    label: str  # ISO week in the contact's time zone, "2026-W47"
    start: datetime  # UTC
    end: datetime
    tz: str = "UTC"

    def previous(self) -> Period:
        tz = zone(self.tz)
        local = self.start.astimezone(tz) - timedelta(days=7)  # wall-clock arithmetic
        year, week, _ = local.isocalendar()
        return Period(f"{year}-W{week:02d}", local.astimezone(UTC), self.start, self.tz)


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def last_week(now: datetime, tz: ZoneInfo) -> Period:
    """The last complete Monday-to-Monday week in the contact's own time zone."""
    local = now.astimezone(tz)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start = monday - timedelta(days=7)  # aware arithmetic on zoneinfo is wall-clock time
    year, week, _ = start.isocalendar()
    return Period(f"{year}-W{week:02d}", start.astimezone(UTC), monday.astimezone(UTC), tz.key)


def this_week(now: datetime, tz: ZoneInfo) -> Period:
    """The current Monday-to-Monday week in the contact's time zone (to date, so far)."""
    local = now.astimezone(tz)
    year, week, _ = local.isocalendar()
    return period_for(f"{year}-W{week:02d}", tz.key, now)


def is_due(sub: ReportSubscription | None, tz: ZoneInfo, now: datetime) -> str | None:
    """The period label to send now, or None. Due from the chosen weekday and hour on
    (a missed sweep catches up the same day); once per period."""
    weekday, hour = (sub.weekday, sub.hour) if sub else (0, 7)
    if sub is not None and sub.opted_out:
        return None
    local = now.astimezone(tz)
    if local.weekday() != weekday or local.hour < hour:
        return None
    period = last_week(now, tz)
    if sub is not None and sub.last_period == period.label:
        return None
    return period.label


def due(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(contact id, period label) for every contact whose report is due now."""
    rows = session.exec(
        select(Contact, ReportSubscription)
        .join(
            ReportSubscription,
            col(ReportSubscription.contact_id) == Contact.id,
            isouter=True,
        )
        .where(
            col(Contact.role).in_(sorted(visibility.REPORT_ROLES)),
            col(Contact.undeliverable).is_(False),
        )
        .order_by(col(Contact.id))
    ).all()
    out = []
    for contact, sub in rows:
        label = is_due(sub, zone(contact.timezone), now)
        if label is not None and contact.id is not None:
            out.append((contact.id, label))
    return out


def period_for(label: str, contact: Contact | str, now: datetime) -> Period:
    """The ISO week ``label`` in the contact's (or the named) time zone."""
    tz = zone(contact if isinstance(contact, str) else contact.timezone)
    year, week = label.split("-W")
    start = datetime.fromisocalendar(int(year), int(week), 1).replace(tzinfo=tz)
    end = start + timedelta(days=7)
    return Period(label, start.astimezone(UTC), end.astimezone(UTC), tz.key)


# -- the view -----------------------------------------------------------------------------
def headlines(session: Session, viewer: Viewer, period: Period) -> list[dict[str, Any]]:
    now = kpi.compute(session, viewer, "overall", period.start, period.end).get(0)
    before = kpi.compute(session, viewer, "overall", *_span(period.previous())).get(0)
    out = []
    for name, label in HEADLINES:
        value = now.as_dict()[name] if now else None
        previous = before.as_dict()[name] if before else None
        out.append(
            {
                "name": name,
                "label": label,
                "value": _fmt(name, value),
                "previous": _fmt(name, previous),
                "raw": value,
                "raw_previous": previous,
                "trend": _trend(name, value, previous),
                # the numbers themselves, for an email to format in its reader's locale
                "unit": _unit(name),
                "now": _rounded(name, value),
                "before": _rounded(name, previous),
            }
        )
    return out


def _span(period: Period) -> tuple[datetime, datetime]:
    return period.start, period.end


def _fmt(name: str, value: Any) -> str:
    if value is None:
        return "–"
    if name in PERCENT:
        return f"{value * 100:.0f} %"
    if name in ("ads", "won_value"):
        return f"{value:,.0f}".replace(",", "\u202f")
    if isinstance(value, float):
        return f"{value:.2f}" if name == "pli" else f"{value:.1f}"
    return str(value)


def _unit(name: str) -> str:
    return "percent" if name in PERCENT else "money" if name in MONEY else "number"


def _rounded(name: str, value: Any) -> float | int | None:
    if value is None or name in PERCENT or isinstance(value, int):
        return value
    return round(float(value), 0 if name in MONEY else 2 if name == "pli" else 1)


def _trend(name: str, value: Any, previous: Any) -> str:
    if value is None or previous is None or value == previous:
        return "same"
    better = (value < previous) if name in LOWER_IS_BETTER else (value > previous)
    return "up" if better else "down"


def pipeline(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    rows = dict(
        (state, (int(n), float(v or 0)))
        for state, n, v in session.exec(
            select(Lead.state, func.count(), func.sum(func.coalesce(Lead.value, 0)))
            .where(col(Lead.state).in_(OPEN_STAGES), visibility.owned_leads(viewer))
            .group_by(Lead.state)
        ).all()
    )
    return _bars([(s, *rows.get(s, (0, 0.0))) for s in OPEN_STAGES], "#0b5cad")


def picks_per_week(session: Session, viewer: Viewer, period: Period) -> list[dict[str, Any]]:
    starts = [period.start - timedelta(days=7 * i) for i in range(WEEKS - 1, -1, -1)]
    sums = [
        func.sum(
            case(
                ((col(Lead.picked_at) >= s) & (col(Lead.picked_at) < s + timedelta(days=7)), 1),
                else_=0,
            )
        )
        for s in starts
    ]
    counts = session.exec(
        select(*sums).where(
            col(Lead.picked_at) >= starts[0],
            col(Lead.picked_at) < period.end,
            visibility.owned_leads(viewer),
        )
    ).one()
    bars = _bars(
        [
            (_local(s, period).strftime("%d.%m."), int(n or 0), float(n or 0))
            for s, n in zip(starts, counts, strict=True)
        ],
        "#2f9e6d",
    )
    for bar, s in zip(bars, starts, strict=True):  # the week's first day, for the locale's date
        bar["start"] = _local(s, period).date().isoformat()
    return bars


def _local(when: datetime, period: Period) -> datetime:
    return when.astimezone(zone(period.tz))


def _bars(rows: list[tuple[str, int, float]], color: str) -> list[dict[str, Any]]:
    """Rows with a bar width in percent of the largest. An empty row keeps a 1 % cell in
    the background colour: email templates cannot leave cells out (see README)."""
    top = max((v for _, _, v in rows), default=0) or 1
    out = []
    for label, n, v in rows:
        pct = max(1, round(100 * v / top)) if v else 0
        out.append(
            {
                "label": label,
                "count": n,
                "value": v,
                "pct": pct,
                "width": max(pct, 1),
                "color": color if pct else "#ffffff",
            }
        )
    return out


def partner_table(session: Session, viewer: Viewer, period: Period) -> list[dict[str, Any]]:
    """One row per partner in the viewer's scope (none for a rep)."""
    if viewer.is_rep:
        return []
    return _table(session, viewer, period, "partner", Organization)


def rep_table(session: Session, viewer: Viewer, period: Period) -> list[dict[str, Any]]:
    """A partner manager's view of their sales reps (a dealer's sales manager sees its reps)."""
    if viewer.role != "manager":
        return []
    return _table(session, viewer, period, "rep", Contact)


def _table(
    session: Session, viewer: Viewer, period: Period, dim: str, named: Any
) -> list[dict[str, Any]]:
    rows = kpi.compute(session, viewer, dim, period.start, period.end)
    overall = kpi.compute(session, viewer, "overall", period.start, period.end).get(0)
    weak = {r.key for r in kpi.weak_closers(rows, overall)} if overall else set()
    names = dict(
        session.exec(
            select(named.id, named.name).where(col(named.id).in_(list(rows) or [-1]))
        ).all()
    )
    return [
        {
            **r.as_dict(),
            "name": names.get(r.key, str(r.key)),
            "weak_closer": r.key in weak,
            "pick_rate_pct": _fmt("pick_rate", r.pick_rate),
            "cr_pct": _fmt("cr", r.cr),
        }
        for r in sorted(rows.values(), key=lambda r: -r.picks)
    ]


def action_leads(
    session: Session, rt: Runtime, contact: Contact, viewer: Viewer, limit: int = 10
) -> list[dict[str, Any]]:
    """Open leads of the viewer's scope, oldest change first, with a one-click button:
    the feedback dialog for the owning partner's contacts, the console for others."""
    rows = session.exec(
        select(Lead, Offer)
        .join(
            Offer,
            (col(Offer.lead_id) == Lead.id)
            & (col(Offer.organization_id) == Lead.owner_id)
            & (col(Offer.state) == OfferState.PICKED),
        )
        .where(col(Lead.state).in_(OPEN_STAGES), visibility.owned_leads(viewer))
        .order_by(col(Lead.updated_at))
        .limit(limit)
    ).all()
    out = []
    for lead, offer in rows:
        assert offer.id is not None and contact.id is not None and lead.id is not None
        own = offer.organization_id == contact.organization_id
        url = (
            rt.link(offer.id, contact.id, "feedback")
            if own
            else f"{rt.settings.base_url}/console/leads/{lead.id}"
        )
        out.append(
            {
                "id": lead.id,
                "state": lead.state,
                "city": lead.city or "",
                "product_line": lead.product_line or "",
                "since": lead.updated_at.date().isoformat(),
                "url": url,
                "action": "feedback" if own else "console",
            }
        )
    return out


def view(session: Session, rt: Runtime, contact: Contact, period: Period) -> dict[str, Any]:
    """Everything a report (or the dashboard) shows for one contact."""
    viewer = visibility.for_contact(session, contact)
    return {
        "period": {
            "label": period.label,
            "start": _local(period.start, period).date().isoformat(),
            "end": _local(period.end - timedelta(days=1), period).date().isoformat(),
        },
        "headlines": headlines(session, viewer, period),
        "pipeline": pipeline(session, viewer),
        "picks": picks_per_week(session, viewer, period),
        "partners": partner_table(session, viewer, period),
        "reps": rep_table(session, viewer, period),
        "actions": action_leads(session, rt, contact, viewer),
        "currency": currency(session, viewer),
    }


def currency(session: Session, viewer: Viewer) -> str:
    """The currency of the amounts a viewer's report sums: that of most of its leads."""
    found = session.exec(
        select(Lead.currency)
        .where(visibility.owned_leads(viewer))
        .group_by(Lead.currency)
        .order_by(func.count().desc())
        .limit(1)
    ).first()
    return found or "EUR"
