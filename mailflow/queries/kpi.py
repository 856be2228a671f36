"""KPIs in SQL, scoped per viewer, for any period ``[start, end)`` and any dimension.

Dimensions: ``partner`` (the owning / offered organization), ``rep`` (the owning contact),
``distributor`` (a partner's distributor, or the distributor itself), ``territory`` and
``overall``. Every figure is computed by the database (grouped aggregates and window
functions that SQLite and PostgreSQL both have); Python only divides and rounds.

Definitions (also in README.md):
* **offers, pick rate, decline rate** — offers made in the period; the share of them picked
  / declined.
* **TTP** (time to pick) — hours from an offer to its pick, for picks in the period; mean and
  median.
* **CR** (conversion rate) — won ÷ (won + lost) of the leads closed in the period: the one
  conversion every surface shows (the API's and the CSV export's ``conversion``, the console,
  the reports). Leads still open do not count against it, so a partner with a full pipeline
  is not a poor converter; the share of picks won is not reported anywhere.
* **ADT** (average deal time) — days from pick to won, for leads won in the period.
* **ADS** (average deal size) — mean won amount (the amount reported with "won", else the
  lead's value) of leads won in the period.
* **PLI** (pipeline index) — the open pipeline weighted by stage (picked 10 %, contacted
  20 %, meeting 40 %, proposal 60 %) divided by the value won in the 90 days before the
  period's end. 1.0 means the weighted pipeline replaces one quarter's wins.
* **feedback discipline** — the share of leads picked in the period that got at least one
  progress report before the period's end.
* **overdue** — open leads (picked … proposal) without a change for 14 days at the end.
* **bounce rate** — emails to the group's contacts created in the period that failed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, join, literal, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from mailflow.models import (
    Contact,
    Feedback,
    Lead,
    Offer,
    Organization,
    OrgAssignment,
    OutboundEmail,
)
from mailflow.models.api_schemas import KpiReport, KpiRow
from mailflow.models.states import LeadState, OfferState, OutboundState
from mailflow.queries import visibility
from mailflow.queries.sqlfuncs import hours_between
from mailflow.queries.visibility import Viewer
from mailflow.rules.lifecycle import OPEN_STAGES

DIMENSIONS = ("partner", "rep", "distributor", "territory", "overall")
STAGE_WEIGHTS = {
    LeadState.PICKED: 0.1,
    LeadState.CONTACTED: 0.2,
    LeadState.MEETING: 0.4,
    LeadState.PROPOSAL: 0.6,
}
TRAILING = timedelta(days=90)
OVERDUE_AFTER = timedelta(days=14)
DEFAULT_PERIOD = timedelta(days=30)  # of the API and the CSV export


@dataclass
class Kpis:
    key: int
    offers: int = 0
    picked: int = 0
    declined: int = 0
    picks: int = 0
    ttp_mean_h: float | None = None
    ttp_median_h: float | None = None
    won: int = 0
    lost: int = 0
    won_value: float = 0.0
    adt_days: float | None = None
    ads: float | None = None
    picked_leads: int = 0
    with_feedback: int = 0
    overdue: int = 0
    pipeline: float = 0.0
    trailing_won: float = 0.0
    emails: int = 0
    bounced: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pick_rate(self) -> float | None:
        return _ratio(self.picked, self.offers)

    @property
    def decline_rate(self) -> float | None:
        return _ratio(self.declined, self.offers)

    @property
    def cr(self) -> float | None:
        return _ratio(self.won, self.won + self.lost)

    @property
    def feedback_discipline(self) -> float | None:
        return _ratio(self.with_feedback, self.picked_leads)

    @property
    def pli(self) -> float | None:
        return _ratio(self.pipeline, self.trailing_won)

    @property
    def bounce_rate(self) -> float | None:
        return _ratio(self.bounced, self.emails)

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "extra"}
        for name in ("pick_rate", "decline_rate", "cr", "feedback_discipline", "pli"):
            out[name] = getattr(self, name)
        out["bounce_rate"] = self.bounce_rate
        return out


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _r(value: Any, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


# -- grouping ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Dim:
    """The group key of a dimension and the joins it needs."""

    key: Any
    joins: tuple[tuple[Any, Any], ...] = ()

    def select(self, base: Any, *aggs: Any) -> Any:
        stmt = select(self.key.label("k"), *aggs).select_from(base)
        for target, on in self.joins:
            stmt = stmt.outerjoin(target, on)
        return stmt

    @property
    def partition(self) -> Any:
        return None if isinstance(self.key, type(literal(0))) else self.key


def _dim(dim: str, org_col: Any, contact_col: Any) -> _Dim:
    if dim == "partner":
        return _Dim(org_col)
    if dim == "rep":
        return _Dim(contact_col)
    if dim == "overall":
        return _Dim(literal(0))
    if dim == "distributor":
        org: Any = aliased(Organization)
        parent: Any = aliased(Organization)
        key = case((org.kind == "distributor", org.id), (parent.kind == "distributor", parent.id))
        return _Dim(key, ((org, org.id == org_col), (parent, parent.id == org.parent_id)))
    if dim == "territory":
        assign: Any = aliased(OrgAssignment)
        return _Dim(assign.territory_id, ((assign, assign.organization_id == org_col),))
    raise ValueError(f"unknown dimension {dim!r}; known: {', '.join(DIMENSIONS)}")


def _rows(session: Session, stmt: Any, key: Any) -> list[Any]:
    return [r for r in session.execute(stmt.group_by(key)).all() if r[0] is not None]


def _between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(col(column) >= start, col(column) < end)


# -- the figures --------------------------------------------------------------------------
def compute(
    session: Session, viewer: Viewer, dim: str, start: datetime, end: datetime
) -> dict[int, Kpis]:
    """Every KPI for every group of ``dim`` that the viewer may see."""
    out: dict[int, Kpis] = {}

    def row(k: Any) -> Kpis:
        return out.setdefault(int(k), Kpis(key=int(k)))

    _offers(session, viewer, dim, start, end, row)
    _ttp(session, viewer, dim, start, end, row)
    _closed(session, viewer, dim, start, end, row)
    _discipline(session, viewer, dim, start, end, row)
    _pipeline(session, viewer, dim, end, row)
    _bounces(session, viewer, dim, start, end, row)
    return dict(sorted(out.items()))


def _offers(session: Session, viewer: Viewer, dim: str, start: Any, end: Any, row: Any) -> None:
    d = _dim(dim, Offer.organization_id, Offer.responded_by_id)
    stmt = d.select(
        Offer,
        func.count(),
        func.sum(case((col(Offer.state) == OfferState.PICKED, 1), else_=0)),
        func.sum(case((col(Offer.state) == OfferState.DECLINED, 1), else_=0)),
    ).where(_between(Offer.offered_at, start, end), visibility.offers(viewer))
    for k, n, picked, declined in _rows(session, stmt, d.key):
        r = row(k)
        r.offers, r.picked, r.declined = int(n), int(picked or 0), int(declined or 0)


def _ttp(session: Session, viewer: Viewer, dim: str, start: Any, end: Any, row: Any) -> None:
    hours = hours_between(Offer.responded_at, Offer.offered_at)
    where = and_(
        col(Offer.state) == OfferState.PICKED,
        _between(Offer.responded_at, start, end),
        visibility.offers(viewer),
    )
    d = _dim(dim, Offer.organization_id, Offer.responded_by_id)
    stmt = d.select(Offer, func.count(), func.avg(hours)).where(where)
    for k, n, mean in _rows(session, stmt, d.key):
        r = row(k)
        r.picks, r.ttp_mean_h = int(n), _r(mean)
    # Median: number the picks per group by duration and average the middle one or two.
    sub = (
        d.select(
            Offer,
            hours.label("h"),
            func.row_number().over(partition_by=d.partition, order_by=hours).label("rn"),
            func.count().over(partition_by=d.partition).label("n"),
        )
        .where(where)
        .subquery()
    )
    middle = select(sub.c.k, func.avg(sub.c.h)).where(
        sub.c.rn.in_([(sub.c.n + 1) // 2, (sub.c.n + 2) // 2])
    )
    for k, median in session.execute(middle.group_by(sub.c.k)).all():
        if k is not None:
            row(k).ttp_median_h = _r(median)


def won_amount() -> Any:
    """The amount reported with "won", else the lead's value."""
    reported = (
        select(func.max(Feedback.amount))
        .where(col(Feedback.lead_id) == Lead.id, col(Feedback.stage) == LeadState.WON)
        .scalar_subquery()
    )
    return func.coalesce(reported, Lead.value, 0)


def _closed(session: Session, viewer: Viewer, dim: str, start: Any, end: Any, row: Any) -> None:
    is_won = col(Lead.state) == LeadState.WON
    amount = won_amount()
    d = _dim(dim, Lead.owner_id, Lead.owner_contact_id)
    stmt = d.select(
        Lead,
        func.sum(case((is_won, 1), else_=0)),
        func.sum(case((col(Lead.state) == LeadState.LOST, 1), else_=0)),
        func.sum(case((is_won, amount), else_=0)),
        func.avg(case((is_won, hours_between(Lead.closed_at, Lead.picked_at)))),
        func.avg(case((is_won, amount))),
    ).where(
        _between(Lead.closed_at, start, end),
        col(Lead.state).in_((LeadState.WON, LeadState.LOST)),
        visibility.owned_leads(viewer),
    )
    for k, won, lost, value, adt_h, ads in _rows(session, stmt, d.key):
        r = row(k)
        r.won, r.lost, r.won_value = int(won or 0), int(lost or 0), float(value or 0)
        r.adt_days = _r(float(adt_h) / 24.0) if adt_h is not None else None
        r.ads = _r(ads, 2)


def _discipline(session: Session, viewer: Viewer, dim: str, start: Any, end: Any, row: Any) -> None:
    reported = exists().where(col(Feedback.lead_id) == Lead.id, col(Feedback.created_at) < end)
    d = _dim(dim, Lead.owner_id, Lead.owner_contact_id)
    stmt = d.select(Lead, func.count(), func.sum(case((reported, 1), else_=0))).where(
        _between(Lead.picked_at, start, end), visibility.owned_leads(viewer)
    )
    for k, n, fed in _rows(session, stmt, d.key):
        r = row(k)
        r.picked_leads, r.with_feedback = int(n), int(fed or 0)


def _pipeline(session: Session, viewer: Viewer, dim: str, end: Any, row: Any) -> None:
    weight = case(*((col(Lead.state) == s, w) for s, w in STAGE_WEIGHTS.items()), else_=0)
    is_open = col(Lead.state).in_(OPEN_STAGES)
    stale = col(Lead.updated_at) < end - OVERDUE_AFTER
    d = _dim(dim, Lead.owner_id, Lead.owner_contact_id)
    stmt = d.select(
        Lead,
        func.sum(weight * func.coalesce(Lead.value, 0)),
        func.sum(case((stale, 1), else_=0)),
    ).where(is_open, visibility.owned_leads(viewer))
    for k, pipeline, overdue in _rows(session, stmt, d.key):
        r = row(k)
        r.pipeline, r.overdue = round(float(pipeline or 0), 2), int(overdue or 0)
    d = _dim(dim, Lead.owner_id, Lead.owner_contact_id)
    stmt = d.select(Lead, func.sum(won_amount())).where(
        col(Lead.state) == LeadState.WON,
        _between(Lead.closed_at, end - TRAILING, end),
        visibility.owned_leads(viewer),
    )
    for k, value in _rows(session, stmt, d.key):
        row(k).trailing_won = float(value or 0)


def _bounces(session: Session, viewer: Viewer, dim: str, start: Any, end: Any, row: Any) -> None:
    base = join(OutboundEmail, Contact, col(Contact.id) == OutboundEmail.contact_id)
    d = _dim(dim, Contact.organization_id, OutboundEmail.contact_id)
    stmt = d.select(
        base,
        func.count(),
        func.sum(case((col(OutboundEmail.state) == OutboundState.FAILED, 1), else_=0)),
    ).where(
        _between(OutboundEmail.created_at, start, end),
        col(OutboundEmail.state).in_((OutboundState.SENT, OutboundState.FAILED)),
    )
    if viewer.is_rep:
        stmt = stmt.where(col(OutboundEmail.contact_id) == viewer.contact_id)
    elif viewer.org_ids is not None:
        stmt = stmt.where(col(Contact.organization_id).in_(sorted(viewer.org_ids) or [-1]))
    for k, n, failed in _rows(session, stmt, d.key):
        r = row(k)
        r.emails, r.bounced = int(n), int(failed or 0)


def report(
    session: Session,
    viewer: Viewer,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
) -> KpiReport:
    """The partner rows of :func:`compute` the viewer may see, named, for the API and the
    CSV export. Default period: the ``DEFAULT_PERIOD`` before ``until`` (or now)."""
    until = until or now
    since = since or until - DEFAULT_PERIOD
    rows = compute(session, viewer, "partner", since, until)
    named = select(col(Organization.id), col(Organization.name))
    names: dict[int, str] = dict(
        session.execute(named.where(col(Organization.id).in_(list(rows)))).all()
    )
    return KpiReport(
        since=since,
        until=until,
        rows=[
            KpiRow(
                organization_id=k.key,
                organization=names.get(k.key, "?"),
                offered=k.offers,
                picked=k.picked,
                won=k.won,
                lost=k.lost,
                pick_rate=k.pick_rate,
                conversion=k.cr,
                ttp_median_h=k.ttp_median_h,
                adt_days=k.adt_days,
                ads=k.ads,
                pli=k.pli,
            )
            for k in rows.values()
        ],
    )


# -- views on the figures ------------------------------------------------------------------
def weak_closers(
    rows: dict[int, Kpis], overall: Kpis, *, min_closed: int = 3, feedback_floor: float = 0.8
) -> list[Kpis]:
    """Hard-working but weak closers: they pick at least as often as the average partner and
    report diligently, but convert less than half as well as the average."""
    if overall.cr is None or overall.pick_rate is None:
        return []
    return [
        r
        for r in rows.values()
        if r.won + r.lost >= min_closed
        and (r.pick_rate or 0) >= overall.pick_rate
        and (r.feedback_discipline or 0) >= feedback_floor
        and r.cr is not None
        and r.cr < overall.cr / 2
    ]
