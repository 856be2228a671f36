"""Who sees what: one place that scopes every query of leads, offers, KPIs and points.

A :class:`Viewer` is built once per request (from a logged-in contact or an API key's
organization) and turned into SQL filters; views, the API, reports and exports add those
filters to their queries and never decide visibility themselves.

* ``admin``/``ops`` (manufacturer staff) and a manufacturer's API key: everything.
* ``partner_manager`` (manufacturer side): the partners they own directly or through a
  territory they manage, with those partners' whole subtrees (a distributor's dealers).
* ``manager`` of a partner (distributor, dealer, agency): the own organization and its
  subtree — a distributor manages its dealers, a dealer's sales manager sees its reps.
* ``rep``: only the leads assigned to them (``Lead.owner_contact_id``).
* anyone else (``sales`` contacts, unknown roles): nothing.

Partner-side viewers see leads their scope *owns*; manufacturer-side viewers and API keys
also see leads *offered* to their scope (a partner's key gets a teaser of those).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import Session, col, select

from mailflow.models import (
    Contact,
    Event,
    Feedback,
    Lead,
    Offer,
    Organization,
    OrgAssignment,
    PointsEntry,
    Territory,
)

STAFF_ROLES = frozenset({"admin", "ops"})
# Roles that log in to the console (partners without one act through signed links only).
CONSOLE_ROLES = frozenset({"admin", "ops", "partner_manager", "manager", "rep"})
REPORT_ROLES = frozenset({"admin", "ops", "partner_manager", "manager", "rep"})


@dataclass(frozen=True)
class Area:
    """A territory's place: a country, optionally a postal-code range (compared as text,
    so "70000".."79999" holds "70173")."""

    country: str
    postal_from: str | None = None
    postal_to: str | None = None


@dataclass(frozen=True)
class Viewer:
    role: str
    organization_id: int
    contact_id: int | None = None
    org_ids: frozenset[int] | None = None  # None: every organization
    offered_too: bool = False  # also leads offered (not only owned) to the scope
    areas: tuple[Area, ...] = ()  # a partner manager also sees leads located here

    @property
    def sees_all(self) -> bool:
        return self.org_ids is None and self.role != "rep"

    @property
    def is_rep(self) -> bool:
        return self.role == "rep"


# The command line's view: whoever runs it holds the database itself, so it sees everything.
OPERATOR = Viewer("admin", organization_id=0, offered_too=True)


def for_contact(session: Session, contact: Contact) -> Viewer:
    assert contact.id is not None
    base: dict[str, Any] = {"organization_id": contact.organization_id, "contact_id": contact.id}
    if contact.role in STAFF_ROLES:
        return Viewer(contact.role, offered_too=True, **base)
    if contact.role == "partner_manager":
        roots = _managed_partners(session, contact.id)
        orgs = _subtrees(session, roots)
        areas = tuple(
            Area(t.country, t.postal_from, t.postal_to)
            for t in session.exec(
                select(Territory).where(Territory.manager_contact_id == contact.id)
            )
        )
        return Viewer("partner_manager", org_ids=orgs, offered_too=True, areas=areas, **base)
    if contact.role == "manager":
        orgs = _subtrees(session, {contact.organization_id})
        return Viewer("manager", org_ids=orgs, **base)
    if contact.role == "rep":
        return Viewer("rep", org_ids=frozenset({contact.organization_id}), **base)
    return Viewer("none", org_ids=frozenset(), **base)


def for_organization(session: Session, org: Organization) -> Viewer:
    """An API key's view: the manufacturer sees all, a partner its own subtree."""
    assert org.id is not None
    if org.kind == "manufacturer":
        return Viewer("organization", organization_id=org.id, offered_too=True)
    return Viewer(
        "organization",
        organization_id=org.id,
        org_ids=_subtrees(session, {org.id}),
        offered_too=True,
    )


def _managed_partners(session: Session, contact_id: int) -> set[int]:
    territories = select(Territory.id).where(col(Territory.manager_contact_id) == contact_id)
    rows = session.exec(
        select(OrgAssignment.organization_id).where(
            or_(
                col(OrgAssignment.manager_contact_id) == contact_id,
                col(OrgAssignment.territory_id).in_(territories),
            )
        )
    ).all()
    return {int(r) for r in rows}


def _subtrees(session: Session, roots: set[int]) -> frozenset[int]:
    """The roots and all organizations below them (the tree is small: walk it in memory)."""
    children: dict[int, list[int]] = {}
    for org_id, parent_id in session.exec(select(Organization.id, Organization.parent_id)).all():
        if parent_id is not None and org_id is not None:
            children.setdefault(parent_id, []).append(org_id)
    seen: set[int] = set()
    todo = list(roots)
    while todo:
        org_id = todo.pop()
        if org_id not in seen:
            seen.add(org_id)
            todo.extend(children.get(org_id, ()))
    return frozenset(seen)


# -- SQL filters ----------------------------------------------------------------------
def _in(column: object, ids: frozenset[int]) -> ColumnElement[bool]:
    return col(column).in_(sorted(ids)) if ids else false()


def leads(viewer: Viewer) -> ColumnElement[bool]:
    """Filter for ``select(Lead)``."""
    if viewer.is_rep:
        return col(Lead.owner_contact_id) == viewer.contact_id
    if viewer.org_ids is None:
        return true()
    owned = _in(Lead.owner_id, viewer.org_ids)
    located = [_located(area) for area in viewer.areas]
    if not viewer.offered_too or not viewer.org_ids:
        return or_(owned, *located)
    offered = select(Offer.lead_id).where(_in(Offer.organization_id, viewer.org_ids))
    return or_(owned, col(Lead.id).in_(offered), *located)


def _located(area: Area) -> ColumnElement[bool]:
    conditions = [col(Lead.country) == area.country]
    if area.postal_from:
        conditions.append(col(Lead.postal_code) >= area.postal_from)
    if area.postal_to:
        conditions.append(col(Lead.postal_code) <= area.postal_to)
    return and_(*conditions)


def owned_leads(viewer: Viewer) -> ColumnElement[bool]:
    """Filter for KPIs: leads whose owner is in the scope (a rep: assigned to them)."""
    if viewer.is_rep:
        return col(Lead.owner_contact_id) == viewer.contact_id
    if viewer.org_ids is None:
        return true()
    return _in(Lead.owner_id, viewer.org_ids)


def offers(viewer: Viewer) -> ColumnElement[bool]:
    """Filter for ``select(Offer)``; a rep sees the offers they answered."""
    if viewer.is_rep:
        return col(Offer.responded_by_id) == viewer.contact_id
    if viewer.org_ids is None:
        return true()
    return _in(Offer.organization_id, viewer.org_ids)


def offers_of_lead(viewer: Viewer) -> ColumnElement[bool]:
    """On a lead the viewer may see: the manufacturer's staff (partner managers too) see who
    else it was offered to; a partner sees only its own offers."""
    if viewer.role == "partner_manager":
        return true()
    return offers(viewer)


def organizations(viewer: Viewer) -> ColumnElement[bool]:
    """Filter for ``select(Organization)`` (partner lists, KPI rows, leaderboards)."""
    if viewer.org_ids is None:
        return true()
    if viewer.is_rep:
        return false()
    return _in(Organization.id, viewer.org_ids)


def partner_rows(viewer: Viewer, organization_id: Any) -> ColumnElement[bool]:
    """Filter for the rows a partner made, by their organization column (territory
    requests, deal registrations): those of the partners :func:`organizations` shows."""
    if viewer.org_ids is None:
        return true()
    if viewer.is_rep:
        return false()
    return _in(organization_id, viewer.org_ids)


def points(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_rep:
        return col(PointsEntry.contact_id) == viewer.contact_id
    if viewer.org_ids is None:
        return true()
    return _in(PointsEntry.organization_id, viewer.org_ids)


def may_see_lead(session: Session, viewer: Viewer, lead_id: int) -> bool:
    found = session.exec(select(Lead.id).where(col(Lead.id) == lead_id, leads(viewer))).first()
    return found is not None


def sees_customer(viewer: Viewer, lead: Lead) -> bool:
    """Personal data only for the manufacturer's staff and the owning side."""
    if viewer.is_rep:
        return lead.owner_contact_id == viewer.contact_id
    if viewer.org_ids is None:
        return True
    if viewer.role == "partner_manager":
        return True
    return lead.owner_id in viewer.org_ids


def events(viewer: Viewer) -> ColumnElement[bool]:
    """Audit rows of a visible lead: the scope's own and the lead's general ones."""
    if viewer.org_ids is None:
        return true()
    return or_(col(Event.organization_id).is_(None), _in(Event.organization_id, viewer.org_ids))


def feedback(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.org_ids is None:
        return true()
    return _in(Feedback.organization_id, viewer.org_ids)
