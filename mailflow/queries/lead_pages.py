"""What the console's lead list and lead page read: the list with a search, a lead's
offers, feedback, notes, the partner's replies and its audit trail with names instead
of ``contact:5`` or ``api:1``. Scoped through :mod:`visibility`; never writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, func, select

from mailflow.i18n import N_
from mailflow.models import (
    ApiKey,
    Contact,
    Event,
    Feedback,
    InboundEmail,
    Lead,
    Offer,
    Organization,
)
from mailflow.queries import history, visibility
from mailflow.queries.visibility import Viewer
from mailflow.rules.lifecycle import LEAD_STATES

NOTE_EVENT = "lead.note_added"
MESSAGE_EVENT = "lead.partner_messaged"  # staff answered a partner by email
# the ways an event comes in, and who acts when no person does, translated where shown
CHANNELS = (N_("web"), N_("email"), N_("api"), N_("cli"), N_("job"), N_("console"))
SYSTEM = N_("system")
MAX_QUERY = 100


def customers(viewer: Viewer) -> ColumnElement[bool]:
    """The leads whose customer the viewer may see (:func:`visibility.sees_customer`)."""
    if viewer.is_rep:
        return col(Lead.owner_contact_id) == viewer.contact_id
    if viewer.org_ids is None or viewer.role == "partner_manager":
        return true()
    return col(Lead.owner_id).in_(sorted(viewer.org_ids) or [-1])


def _search(viewer: Viewer, q: str) -> ColumnElement[bool]:
    """A word in the number, place, product line or requirement; in the customer's name,
    company or email only where the viewer may see the customer."""
    like = f"%{q.lower()}%"
    public: list[ColumnElement[bool]] = [
        func.lower(col(Lead.city)).like(like),
        func.lower(col(Lead.postal_code)).like(like),
        func.lower(col(Lead.product_line)).like(like),
        func.lower(col(Lead.requirement)).like(like),
        func.lower(col(Lead.campaign)).like(like),
    ]
    if q.lstrip("#").isdigit() and len(q) < 10:
        public.append(col(Lead.id) == int(q.lstrip("#")))
    private = or_(
        func.lower(col(Lead.customer_name)).like(like),
        func.lower(col(Lead.customer_company)).like(like),
        func.lower(col(Lead.customer_email)).like(like),
    )
    return or_(*public, private & customers(viewer))


@dataclass
class LeadList:
    rows: list[Any]
    counts: dict[str, int]
    customers: set[int]
    more: bool


def lead_list(
    session: Session, viewer: Viewer, state: str | None, q: str, page: int, size: int
) -> LeadList:
    scope = visibility.leads(viewer)
    q = q.strip()[:MAX_QUERY]
    where = [scope, _search(viewer, q)] if q else [scope]
    query = (
        select(Lead, Organization)
        .join(Organization, col(Organization.id) == Lead.owner_id, isouter=True)
        .where(*where)
    )
    if state in LEAD_STATES:
        query = query.where(Lead.state == state)
    rows = list(
        session.exec(query.order_by(col(Lead.id).desc()).offset((page - 1) * size).limit(size + 1))
    )
    counts = dict(
        session.exec(select(Lead.state, func.count()).where(*where).group_by(Lead.state)).all()
    )
    shown = {lead.id for lead, _ in rows[:size] if visibility.sees_customer(viewer, lead)}
    return LeadList(rows[:size], counts, {i for i in shown if i is not None}, len(rows) > size)


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    kind: str
    from_state: str | None
    to_state: str | None
    who: str
    channel: str
    data: dict[str, Any]
    times: int = 1
    what: str = history.OTHER  # the catalog phrase of ``kind``
    award: str | None = None  # the catalog label of a points entry's award
    fields: tuple[str, ...] = ()  # the catalog labels of the fields an edit changed
    why: list[Any] | None = None  # why (a message and its values), for the reader's language


@dataclass
class LeadStory:
    offers: list[Any] = field(default_factory=list)
    feedback: list[tuple[Feedback, str]] = field(default_factory=list)
    notes: list[AuditRow] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    audit: list[AuditRow] = field(default_factory=list)


def actor_names(session: Session, actors: set[str]) -> dict[str, str]:
    """``contact:5`` → the contact's name, ``api:1`` → the API key's name and partner."""
    ids: dict[str, set[int]] = {"contact": set(), "api": set()}
    for actor in actors:
        kind, _, number = actor.partition(":")
        kind = "contact" if kind in ("contact", "console") else kind
        if kind in ids and number.isdigit():
            ids[kind].add(int(number))
    people = dict(
        session.exec(
            select(Contact.id, Contact.name).where(col(Contact.id).in_(ids["contact"] or [-1]))
        ).all()
    )
    keys = {
        key_id: f"{name} ({org})"
        for key_id, name, org in session.exec(
            select(ApiKey.id, ApiKey.name, Organization.name)
            .join(Organization, col(Organization.id) == ApiKey.organization_id)
            .where(col(ApiKey.id).in_(ids["api"] or [-1]))
        ).all()
    }
    out: dict[str, str] = {}
    for actor in actors:
        kind, _, number = actor.partition(":")
        if number.isdigit() and kind in ("contact", "console"):
            out[actor] = people.get(int(number), actor)
        elif number.isdigit() and kind == "api":
            out[actor] = keys.get(int(number), actor)
    return out


def _dedupe(rows: list[AuditRow]) -> list[AuditRow]:
    """Rows that say the same thing at the same moment are shown once, with a count."""
    out: list[AuditRow] = []
    for row in rows:
        last = out[-1] if out else None
        if last is not None and (last.at, last.kind, last.who, last.data, last.to_state) == (
            row.at,
            row.kind,
            row.who,
            row.data,
            row.to_state,
        ):
            out[-1] = AuditRow(**{**last.__dict__, "times": last.times + 1})
        else:
            out.append(row)
    return out


def lead_story(session: Session, viewer: Viewer, lead_id: int) -> LeadStory:
    offers = list(
        session.exec(
            select(Offer, Organization)
            .join(Organization, col(Organization.id) == Offer.organization_id)
            .where(Offer.lead_id == lead_id, visibility.offers_of_lead(viewer))
            .order_by(col(Offer.id))
        )
    )
    events = list(
        session.exec(
            select(Event)
            .where(Event.lead_id == lead_id, visibility.events(viewer))
            .order_by(col(Event.id))
        )
    )
    feedback = list(
        session.exec(
            select(Feedback)
            .where(Feedback.lead_id == lead_id, visibility.feedback(viewer))
            .order_by(col(Feedback.id))
        )
    )
    replies = list(
        session.exec(
            select(InboundEmail)
            .where(InboundEmail.lead_id == lead_id, _replies(viewer))
            .order_by(col(InboundEmail.id))
        )
    )
    actors = {e.actor for e in events} | {f"contact:{f.contact_id}" for f in feedback}
    names = actor_names(session, actors)
    rows = [_row(e, names.get(e.actor) or history.ACTORS.get(e.actor, e.actor)) for e in events]
    return LeadStory(
        offers=offers,
        feedback=[(f, names.get(f"contact:{f.contact_id}", "")) for f in feedback],
        notes=[r for r in rows if r.kind in (NOTE_EVENT, MESSAGE_EVENT)],
        replies=[_reply(r) for r in replies if _reply(r)["text"]],
        audit=_dedupe(rows),
    )


def _row(event: Event, who: str) -> AuditRow:
    data = dict(event.data or {})
    award = data.get("award")
    return AuditRow(
        event.at,
        event.kind,
        event.from_state,
        event.to_state,
        who,
        event.channel,
        data,
        what=history.phrase(event.kind),
        award=history.AWARDS.get(str(award), str(award)) if award else None,
        fields=tuple(history.field_names(sorted(data.get("after") or {}))),
        why=_why(data.get("why_note"), who),
    )


def _why(stored: Any, who: str) -> list[Any] | None:
    """An event's kept why; the person or key it names (``chosen by console:5``) by name."""
    if not (isinstance(stored, list) and len(stored) == 2 and isinstance(stored[1], dict)):
        return None
    message, args = stored
    return [message, {**args, "actor": who} if "actor" in args else args]


def _replies(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.org_ids is None:
        return true()
    owners = select(Contact.id).where(col(Contact.organization_id).in_(sorted(viewer.org_ids)))
    return col(InboundEmail.contact_id).in_(owners)


def _reply(row: InboundEmail) -> dict[str, Any]:
    outcome = row.outcome or {}
    return {
        "at": row.received_at,
        "from": outcome.get("from") or row.mail_from or "",
        "text": str(outcome.get("reply_text") or "").strip(),
    }
