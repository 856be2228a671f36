"""Wider regions than the manufacturer allows: a partner asks on its profile page, a partner
manager decides by a signed link in an email.

Until the decision the partner keeps its current regions (matching sees no change); an
approval saves the regions asked for through
:func:`~mailflow.actions.partners.save.save_partner`, the one write of a partner. The email
goes to the partner's own manager (its assignment, else its territory's), else to every
partner manager.
"""

from __future__ import annotations

from sqlmodel import col, select, update

from mailflow.actions import audit
from mailflow.actions._load import partner_managers
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotAllowed, NotFound, WrongState
from mailflow.actions.outbound import outbox
from mailflow.actions.partners.save import save_partner
from mailflow.i18n import N_
from mailflow.mail import messages
from mailflow.models import Contact, Organization, OrgAssignment, Territory, TerritoryRequest
from mailflow.models.api_schemas import PartnerIn


def request_territory(
    ctx: ActionContext, contact: Contact, org: Organization, territory: list[str], wider: list[str]
) -> TerritoryRequest:
    """Record the request (superseding an earlier one still pending) and ask the managers."""
    ctx.session.exec(
        update(TerritoryRequest)
        .where(
            col(TerritoryRequest.organization_id) == org.id,
            col(TerritoryRequest.state) == "pending",
        )
        .values(state="superseded", decided_at=ctx.now)
    )
    request = TerritoryRequest(
        organization_id=org.id,  # type: ignore[arg-type]
        contact_id=contact.id,  # type: ignore[arg-type]
        territory=territory,
        wider=wider,
        created_at=ctx.now,
    )
    ctx.session.add(request)
    ctx.session.flush()
    managers = _managers(ctx, org)
    audit.record(
        ctx,
        "partner.territory_requested",
        organization_id=org.id,
        request_id=request.id,
        territory=territory,
        wider=wider,
        managers=[m.id for m in managers],
    )
    for manager in managers:
        context = messages.territory_request(ctx.rt, request, manager, org.name, contact.name)
        outbox.queue(ctx, "territory_request", manager, context)
    return request


def decide_territory(
    ctx: ActionContext, request_id: int, manager_id: int, approve: bool
) -> TerritoryRequest:
    """A partner manager approves (the regions are saved) or rejects the request."""
    manager = ctx.session.get(Contact, manager_id)
    if manager is None or manager.role != "partner_manager":
        raise NotAllowed(N_("Only a partner manager can decide this."))
    request = ctx.session.get(TerritoryRequest, request_id, with_for_update=True)
    if request is None:
        raise NotFound()
    if request.state == ("approved" if approve else "rejected"):
        return request  # decided so already (a second click changes nothing)
    if request.state != "pending":
        raise WrongState(N_("This request was decided already or replaced by a newer one."))
    if approve:
        save_partner(
            ctx, PartnerIn(territory=request.territory), partner_id=request.organization_id
        )
    request.state = "approved" if approve else "rejected"
    request.decided_at, request.decided_by_id = ctx.now, manager.id
    audit.record(
        ctx,
        "partner.territory_approved" if approve else "partner.territory_rejected",
        organization_id=request.organization_id,
        request_id=request.id,
        territory=request.territory,
    )
    return request


def _managers(ctx: ActionContext, org: Organization) -> list[Contact]:
    """The partner's own manager (its assignment's, else its territory's), else all."""
    row = ctx.session.exec(
        select(OrgAssignment.manager_contact_id, Territory.manager_contact_id)
        .outerjoin(Territory, col(Territory.id) == col(OrgAssignment.territory_id))
        .where(OrgAssignment.organization_id == org.id)
    ).first()
    own = next((m for m in row or () if m is not None), None)
    manager = ctx.session.get(Contact, own) if own is not None else None
    if manager is not None and not manager.undeliverable:
        return [manager]
    return partner_managers(ctx)
