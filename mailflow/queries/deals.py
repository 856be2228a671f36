"""The read side of deal registrations: what a registration conflicts with, and the lists
the console and the partner's portal show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, func, select

from mailflow.models import CustomerLink, DealRegistration, Lead
from mailflow.models.states import DealState, LeadState
from mailflow.queries.matching_input import campaign_for
from mailflow.rules.deals import EXTENSION_DAYS

# a lead that no longer stands in the way: refused, withdrawn or lost
_GONE = (LeadState.REJECTED, LeadState.WITHDRAWN, LeadState.LOST)
# a registration that still claims its customer
_CLAIMING = (DealState.SUBMITTED, DealState.APPROVED)
LIMIT = 20  # conflicts shown per registration; more say nothing new to the staff


def company_key(name: str | None) -> str | None:
    """A company name as compared: case and surrounding spaces do not count (the same
    as the SQL side, ``lower(trim(…))``)."""
    key = (name or "").strip().lower()
    return key or None


def conflicts(session: Session, deal: DealRegistration) -> list[dict[str, Any]]:
    """Open and won leads, other registrations and known customer links for the same
    customer: the same business email domain, company name or customer id."""
    found = _leads(session, deal) + _registrations(session, deal) + _links(session, deal)
    return found[:LIMIT]


def _matches(
    deal: DealRegistration, domain: Any, company: Any, external: Any
) -> list[ColumnElement[bool]]:
    """The conditions a row of the same customer meets (any one of them)."""
    tests: list[ColumnElement[bool]] = []
    if deal.customer_domain:
        tests.append(domain == deal.customer_domain)
    key = company_key(deal.customer_company)
    if key and company is not None:
        tests.append(func.lower(func.trim(company)) == key)
    if deal.customer_external_id:
        tests.append(external == deal.customer_external_id)
    return tests


def _why(deal: DealRegistration, domain: str | None, company: str | None,
         external: str | None) -> list[str]:  # fmt: skip
    why = []
    if deal.customer_domain and domain == deal.customer_domain:
        why.append("domain")
    if company_key(deal.customer_company) and company_key(company) == company_key(
        deal.customer_company
    ):
        why.append("company")
    if deal.customer_external_id and external == deal.customer_external_id:
        why.append("customer_id")
    return why


def _leads(session: Session, deal: DealRegistration) -> list[dict[str, Any]]:
    tests = _matches(deal, Lead.customer_domain, Lead.customer_company,
                     Lead.customer_external_id)  # fmt: skip
    if not tests:
        return []
    rows = session.exec(
        select(Lead)
        .where(col(Lead.state).not_in(_GONE), or_(*tests))
        .where(col(Lead.id) != deal.lead_id if deal.lead_id else true())
        .order_by(col(Lead.id).desc())
        .limit(LIMIT)
    ).all()
    return [
        {
            "kind": "lead",
            "id": lead.id,
            "state": str(lead.state),
            "organization_id": lead.owner_id,
            "match": _why(
                deal, lead.customer_domain, lead.customer_company, lead.customer_external_id
            ),
        }
        for lead in rows
    ]


def _registrations(session: Session, deal: DealRegistration) -> list[dict[str, Any]]:
    tests = _matches(deal, DealRegistration.customer_domain, DealRegistration.customer_company,
                     DealRegistration.customer_external_id)  # fmt: skip
    if not tests:
        return []
    rows = session.exec(
        select(DealRegistration)
        .where(col(DealRegistration.state).in_(_CLAIMING), or_(*tests))
        .where(col(DealRegistration.id) != deal.id if deal.id else true())
        .order_by(col(DealRegistration.id).desc())
        .limit(LIMIT)
    ).all()
    return [
        {
            "kind": "registration",
            "id": other.id,
            "state": str(other.state),
            "organization_id": other.organization_id,
            "match": _why(
                deal, other.customer_domain, other.customer_company, other.customer_external_id
            ),
        }
        for other in rows
    ]


def _links(session: Session, deal: DealRegistration) -> list[dict[str, Any]]:
    tests = _matches(deal, CustomerLink.email_domain, None, CustomerLink.customer_external_id)
    if not tests:
        return []
    rows = session.exec(
        select(CustomerLink).where(or_(*tests)).order_by(col(CustomerLink.id))
    ).all()
    return [
        {
            "kind": "customer",
            "id": link.id,
            "state": None,
            "organization_id": link.organization_id,
            "match": _why(deal, link.email_domain, None, link.customer_external_id),
        }
        for link in rows[:LIMIT]
    ]


def registrations(session: Session, *, states: tuple[str, ...] = (), organization_id: int | None
                  = None, limit: int = 200,
                  where: ColumnElement[bool] | None = None,
                  ) -> list[DealRegistration]:  # fmt: skip
    """Newest first, optionally of some states or of one partner; ``where`` narrows them
    to those a console user may see."""
    query = select(DealRegistration).where(true() if where is None else where)
    if states:
        query = query.where(col(DealRegistration.state).in_(states))
    if organization_id is not None:
        query = query.where(DealRegistration.organization_id == organization_id)
    return list(session.exec(query.order_by(col(DealRegistration.id).desc()).limit(limit)))


def extension_days(session: Session, deal: DealRegistration) -> int:
    """How much more time a grant gives: the ``extension_days`` of the registration's
    lead's campaign (or of the campaign named ``deal_registration``, its source), else
    :data:`~mailflow.rules.deals.EXTENSION_DAYS`."""
    lead = session.get(Lead, deal.lead_id) if deal.lead_id is not None else None
    campaign = campaign_for(session, lead) if lead is not None else None
    return campaign.extension_days if campaign is not None else EXTENSION_DAYS
