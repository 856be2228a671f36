"""JSON API v1: partners and contacts (create, update, upsert by external id), KPIs and
webhook subscriptions."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.console.webhook import register_webhook, remove_webhook
from mailflow.actions.errors import NotFound
from mailflow.actions.partners.save import save_contact, save_partner
from mailflow.models import Contact, Organization, Webhook
from mailflow.models.api_schemas import (
    ContactIn,
    ContactOut,
    KpiQuery,
    KpiReport,
    PartnerIn,
    PartnerOut,
    WebhookIn,
    WebhookList,
    WebhookOut,
)
from mailflow.queries import kpi, visibility
from mailflow.web.api import bp
from mailflow.web.apispec import endpoint, require_manufacturer
from mailflow.web.context import runtime


def _partner_out(org: Organization) -> PartnerOut:
    return PartnerOut.model_validate(org, from_attributes=True)


def _contact_out(contact: Contact) -> ContactOut:
    return ContactOut.model_validate(contact, from_attributes=True)


def _save_partner(body: PartnerIn, partner_id: int | None = None) -> Any:
    require_manufacturer("manage partners")
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        org, created = save_partner(ctx, body, partner_id=partner_id)
        return _partner_out(org), 201 if created else 200


@endpoint(bp, "POST", "/partners", scope="partners:write", summary="Create a partner",
          body=PartnerIn, response=PartnerOut, status=201)  # fmt: skip
def create_partner(body: PartnerIn) -> Any:
    return _save_partner(body)


@endpoint(bp, "GET", "/partners/<int:partner_id>", scope="partners:read", summary="A partner",
          response=PartnerOut)  # fmt: skip
def get_partner(partner_id: int) -> Any:
    if g.organization.kind != "manufacturer" and g.organization.id != partner_id:
        raise NotFound(f"No partner {partner_id}.")
    with runtime().db.read() as s:
        org = s.get(Organization, partner_id)
        if org is None or org.kind == "manufacturer":
            raise NotFound(f"No partner {partner_id}.")
        return _partner_out(org)


@endpoint(bp, "PATCH", "/partners/<int:partner_id>", scope="partners:write",
          summary="Update a partner's fields", body=PartnerIn, response=PartnerOut)  # fmt: skip
def update_partner(partner_id: int, body: PartnerIn) -> Any:
    return _save_partner(body, partner_id)[0]


@endpoint(bp, "PUT", "/partners/by-external-id/<external_id>", scope="partners:write",
          summary="Create or update the partner with this external id", body=PartnerIn,
          response=PartnerOut, status=201)  # fmt: skip
def upsert_partner(external_id: str, body: PartnerIn) -> Any:
    return _save_partner(body.model_copy(update={"external_id": external_id}))


def _save_contact(body: ContactIn, contact_id: int | None = None) -> Any:
    require_manufacturer("manage partners")
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        contact, created = save_contact(ctx, body, contact_id=contact_id)
        return _contact_out(contact), 201 if created else 200


@endpoint(bp, "POST", "/contacts", scope="partners:write", summary="Create a partner's contact",
          body=ContactIn, response=ContactOut, status=201)  # fmt: skip
def create_contact(body: ContactIn) -> Any:
    return _save_contact(body)


@endpoint(bp, "PATCH", "/contacts/<int:contact_id>", scope="partners:write",
          summary="Update a contact", body=ContactIn, response=ContactOut)  # fmt: skip
def update_contact(contact_id: int, body: ContactIn) -> Any:
    return _save_contact(body, contact_id)[0]


@endpoint(bp, "PUT", "/contacts/by-external-id/<external_id>", scope="partners:write",
          summary="Create or update the contact with this external id", body=ContactIn,
          response=ContactOut, status=201)  # fmt: skip
def upsert_contact(external_id: str, body: ContactIn) -> Any:
    return _save_contact(body.model_copy(update={"external_id": external_id}))


@endpoint(bp, "GET", "/kpis", scope="kpis:read",
          summary="Offers, picks, wins, losses and conversion per partner over a period",
          query=KpiQuery, response=KpiReport)  # fmt: skip
def kpis(query: KpiQuery) -> Any:
    with runtime().db.read() as s:
        viewer = visibility.for_organization(s, g.organization)
        return kpi.report(s, viewer, runtime().clock.now(), query.since, query.until)


def _hook_out(hook: Webhook, *, secret: bool = False) -> WebhookOut:
    assert hook.id is not None
    return WebhookOut(
        id=hook.id,
        url=hook.url,
        events=hook.events,
        active=hook.active,
        created_at=hook.created_at,
        secret=hook.secret if secret else None,
    )


@endpoint(bp, "GET", "/webhooks", scope="webhooks:read", summary="The caller's webhooks",
          response=WebhookList)  # fmt: skip
def list_webhooks() -> Any:
    with runtime().db.read() as s:
        hooks = s.exec(
            select(Webhook)
            .where(Webhook.organization_id == g.organization.id, Webhook.active == True)  # noqa: E712
            .order_by(col(Webhook.id))
        ).all()
        return WebhookList(items=[_hook_out(h) for h in hooks])


@endpoint(bp, "POST", "/webhooks", scope="webhooks:write",
          summary="Register a URL for events; the answer shows the signing secret once",
          body=WebhookIn, response=WebhookOut, status=201)  # fmt: skip
def create_webhook(body: WebhookIn) -> Any:
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        return _hook_out(register_webhook(ctx, g.organization.id, body), secret=True)


@endpoint(bp, "DELETE", "/webhooks/<int:webhook_id>", scope="webhooks:write",
          summary="Remove a webhook", status=204)  # fmt: skip
def delete_webhook(webhook_id: int) -> Any:
    with unit(runtime(), f"api:{g.api_key.id}", "api") as ctx:
        remove_webhook(ctx, g.organization.id, webhook_id)
    return None
