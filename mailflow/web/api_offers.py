"""JSON API v1: a partner's offers (list, pick, decline) and feedback on its leads —
the same actions as the email links and the dialogs."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlmodel import Session, col, select

from mailflow.actions import unit
from mailflow.actions.errors import InvalidInput, NotAllowed, NotFound
from mailflow.actions.leads.respond import Answer, Responded, act
from mailflow.models import Contact, Lead, Offer, Organization
from mailflow.models.api_schemas import (
    DeclineIn,
    FeedbackIn,
    FeedbackOut,
    OfferItem,
    OfferPage,
    OfferQuery,
    PickIn,
)
from mailflow.models.states import OfferState
from mailflow.queries import visibility
from mailflow.web.api import bp
from mailflow.web.apilead import lead_out, offer_out
from mailflow.web.apispec import endpoint
from mailflow.web.context import runtime


@endpoint(
    bp,
    "GET",
    "/offers",
    scope="offers:read",
    summary="The caller's offers (default: the open ones), newest first",
    query=OfferQuery,
    response=OfferPage,
)
def list_offers(query: OfferQuery) -> Any:
    org: Organization = g.organization
    stmt = (
        select(Offer, Organization)
        .join(Organization, col(Organization.id) == Offer.organization_id)
        .where(Offer.state == query.state)
    )
    if org.kind != "manufacturer":
        stmt = stmt.where(Offer.organization_id == org.id)
    with runtime().db.read() as s:
        rows = s.exec(stmt.order_by(col(Offer.id).desc()).limit(query.limit)).all()
        seen_by = visibility.for_organization(s, org)  # once, not once per offer
        items = []
        for offer, offered_to in rows:
            lead = s.get(Lead, offer.lead_id)
            assert lead is not None
            lead_view = lead_out(s, lead, org, seen_by)
            items.append(OfferItem(offer=offer_out(offer, offered_to), lead=lead_view))
    return OfferPage(items=items)


def _own_offer(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None or offer.organization_id != g.organization.id:
        raise NotFound(f"No offer {offer_id} for this partner.")
    return offer


def _acting_contact(session: Session, contact_id: int | None) -> int:
    """The given contact of the caller's organization, else its first sales contact."""
    org_id = g.organization.id
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.organization_id != org_id:
            raise InvalidInput(f"contact {contact_id} is not one of this partner's")
        return contact_id
    first = session.exec(
        select(Contact.id)
        .where(Contact.organization_id == org_id, Contact.receives_offers == True)  # noqa: E712
        .order_by(col(Contact.id))
    ).first()
    if first is None:
        raise InvalidInput("this partner has no contact to take the lead on")
    return first


def _item(session: Session, done: Responded) -> OfferItem:
    org = session.get(Organization, done.offer.organization_id)
    assert org is not None
    return OfferItem(
        offer=offer_out(done.offer, org), lead=lead_out(session, done.lead, g.organization)
    )


@endpoint(
    bp,
    "POST",
    "/offers/<int:offer_id>/pick",
    scope="offers:write",
    summary="Pick an open offer: the lead becomes the caller's (409 when another was first)",
    body=PickIn,
    response=OfferItem,
)
def pick_offer(offer_id: int, body: PickIn) -> Any:
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        _own_offer(ctx.session, offer_id)
        contact_id = _acting_contact(ctx.session, body.contact_id)
        return _item(ctx.session, act(ctx, offer_id, contact_id, Answer("pick")))


@endpoint(
    bp,
    "POST",
    "/offers/<int:offer_id>/decline",
    scope="offers:write",
    summary="Decline an open offer, with a reason",
    body=DeclineIn,
    response=OfferItem,
)
def decline_offer(offer_id: int, body: DeclineIn) -> Any:
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        _own_offer(ctx.session, offer_id)
        answer = Answer("decline", reason=body.reason)
        return _item(ctx.session, act(ctx, offer_id, _acting_contact(ctx.session, None), answer))


@endpoint(
    bp,
    "POST",
    "/leads/<int:lead_id>/feedback",
    scope="offers:write",
    summary="Report progress on a lead the caller picked: contacted, meeting, proposal, won, lost",
    body=FeedbackIn,
    response=FeedbackOut,
    status=201,
)
def lead_feedback(lead_id: int, body: FeedbackIn) -> Any:
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        lead = ctx.session.get(Lead, lead_id)
        if lead is None or lead.owner_id != g.organization.id:
            raise NotFound(f"No lead {lead_id} picked by this partner.")
        offer_id = ctx.session.exec(
            select(Offer.id).where(
                Offer.lead_id == lead_id,
                Offer.organization_id == g.organization.id,
                Offer.state == OfferState.PICKED,
            )
        ).first()
        if offer_id is None:
            raise NotAllowed("this partner holds no picked offer for the lead")
        contact_id = lead.owner_contact_id or _acting_contact(ctx.session, None)
        row = act(ctx, offer_id, contact_id, Answer("feedback", report=body)).report
        assert row is not None and row.id is not None
        return FeedbackOut(id=row.id, lead_id=lead_id, stage=row.stage, lead_state=lead.state), 201
