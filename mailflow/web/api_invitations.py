"""JSON API v1: partners invited by the manufacturer's key (the same action as the
console's form and the CSV import's ``invite`` column)."""

from __future__ import annotations

from typing import Any

from flask import g, url_for

from mailflow.actions import unit
from mailflow.actions.errors import NotFound
from mailflow.actions.partners.invitations import invite_partner
from mailflow.models import Invitation
from mailflow.models.api_schemas import InvitationIn, InvitationOut
from mailflow.web.api import bp
from mailflow.web.apispec import endpoint, require_manufacturer
from mailflow.web.context import runtime


def _out(invitation: Invitation) -> InvitationOut:
    return InvitationOut.model_validate(invitation, from_attributes=True)


@endpoint(bp, "POST", "/invitations", scope="partners:write",
          summary="Invite a partner: an email in its language to a page where it accepts the "
          "terms and keeps its profile; it receives offers once it has joined",
          body=InvitationIn, response=InvitationOut, status=201)  # fmt: skip
def create_invitation(body: InvitationIn) -> Any:
    require_manufacturer("invite partners")
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        out = _out(invite_partner(ctx, body))
    return out, 201, {"Location": url_for("api.get_invitation", invitation_id=out.id)}


@endpoint(bp, "GET", "/invitations/<int:invitation_id>", scope="partners:read",
          summary="An invitation and where it stands", response=InvitationOut)  # fmt: skip
def get_invitation(invitation_id: int) -> Any:
    require_manufacturer("read invitations")
    with runtime().db.read() as s:
        invitation = s.get(Invitation, invitation_id)
        if invitation is None:
            raise NotFound(f"No invitation {invitation_id}.")
        return _out(invitation)
