"""Database tables (SQLModel), one module per area. Table models skip validation: input is
validated by the non-table models in :mod:`mailflow.models.schemas` before it reaches these.

Every table is re-exported here, and importing this package registers all of them on
``SQLModel.metadata`` (what Alembic compares the migrations with)."""

from __future__ import annotations

from mailflow.models.audit import Event, FailedJob, PointsEntry
from mailflow.models.connections import MailConnection
from mailflow.models.deals import DealRegistration
from mailflow.models.integration import ApiKey, IdempotencyKey, Webhook, WebhookDelivery
from mailflow.models.leads import Campaign, Feedback, Lead, MatchPoolVersion, Offer, PostalCode
from mailflow.models.mail import (
    EmailTemplate,
    EmailWording,
    InboundEmail,
    OutboundEmail,
    ReportSubscription,
)
from mailflow.models.onboarding import Invitation, TermsAcceptance, TermsVersion
from mailflow.models.partners import (
    AwayPeriod,
    Brand,
    Contact,
    CustomerLink,
    DigestItem,
    Organization,
    OrgAssignment,
    PartnerStats,
    Territory,
    TerritoryRequest,
)
from mailflow.models.push import PushSubscription
from mailflow.models.states import (
    DealState,
    DeliveryState,
    InboundState,
    LeadState,
    OfferState,
    OutboundState,
)

__all__ = [
    "ApiKey",
    "AwayPeriod",
    "Brand",
    "Campaign",
    "Contact",
    "CustomerLink",
    "DealRegistration",
    "DealState",
    "DeliveryState",
    "DigestItem",
    "EmailTemplate",
    "EmailWording",
    "Event",
    "FailedJob",
    "Feedback",
    "IdempotencyKey",
    "InboundEmail",
    "InboundState",
    "Invitation",
    "Lead",
    "LeadState",
    "MailConnection",
    "MatchPoolVersion",
    "Offer",
    "OfferState",
    "OrgAssignment",
    "Organization",
    "OutboundEmail",
    "OutboundState",
    "PartnerStats",
    "PointsEntry",
    "PostalCode",
    "PushSubscription",
    "ReportSubscription",
    "TermsAcceptance",
    "TermsVersion",
    "Territory",
    "TerritoryRequest",
    "Webhook",
    "WebhookDelivery",
]
