"""edit_profile: a partner's contact keeps its company's matching data on the profile page.

The change goes through :func:`~mailflow.actions.partners.save.save_partner`, the one write
of a partner's data (the API and the CSV import use it too), which records the audit
event; the partner pool's version token moves with the row (database triggers), so the next
ranking sees the change. A contact may change only what matching reads of its own company;
regions beyond what the manufacturer allows wait for a partner manager's approval.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailflow.actions._load import require_active
from mailflow.actions.context import ActionContext
from mailflow.actions.errors import NotAllowed, NotFound
from mailflow.actions.partners.save import save_partner
from mailflow.actions.partners.territory_requests import request_territory
from mailflow.models import Contact, Organization, TerritoryRequest
from mailflow.models.api_schemas import PartnerIn
from mailflow.queries.matching_input import PARTNER_KINDS
from mailflow.queries.profile import allowed_areas
from mailflow.rules import territory

# what a partner keeps itself; its name, level, certifications and place are the manufacturer's
PROFILE_FIELDS = frozenset(
    {"expertise", "product_lines", "languages", "capacity", "territory", "business_hours"}
)


@dataclass(frozen=True)
class ProfileSaved:
    organization: Organization
    request: TerritoryRequest | None  # wider regions waiting for a partner manager


def partner_contact(
    ctx: ActionContext, contact_id: int, *, pending_ok: bool = False
) -> tuple[Contact, Organization]:
    """The contact and its company, an active partner (never the manufacturer's staff);
    a removed contact acts no more, an invited one only to confirm (``pending_ok``)."""
    contact = ctx.session.get(Contact, contact_id)
    if contact is None:
        raise NotFound()
    if contact.removed_at is not None or (contact.pending and not pending_ok):
        raise NotAllowed()
    org = require_active(ctx, contact.organization_id)
    if org.kind not in PARTNER_KINDS:
        raise NotAllowed()
    return contact, org


def edit_profile(ctx: ActionContext, contact_id: int, data: PartnerIn) -> ProfileSaved:
    """Save the profile fields ``data`` sets. Regions reaching beyond the partner's current
    ones and the manufacturer's areas for it are not saved: they wait for a partner
    manager (:func:`request_territory`), the other fields are saved at once."""
    contact, org = partner_contact(ctx, contact_id)
    if data.model_fields_set - PROFILE_FIELDS:
        raise NotAllowed()
    assert org.id is not None
    wider = widening(ctx, org, data.territory) if data.territory is not None else []
    request = None
    if wider:
        assert data.territory is not None
        request = request_territory(ctx, contact, org, data.territory, wider)
        rest = data.model_dump(exclude_unset=True, exclude={"territory"})
        data = PartnerIn.model_validate(rest)
    saved, _ = save_partner(ctx, data, partner_id=org.id)
    return ProfileSaved(saved, request)


def widening(ctx: ActionContext, org: Organization, requested: list[str]) -> list[str]:
    assert org.id is not None
    allowed = allowed_areas(ctx.session, org.id)
    return territory.beyond(requested, org.territory, org.country, allowed)
