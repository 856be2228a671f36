"""What each email kind says: one function per kind of :mod:`mailflow.mail.kinds`, named
after it, that builds the template context (the variables, the signed links, the reply
key). The caller passes the result to :func:`mailflow.actions.outbound.outbox.queue`,
which adds what every email has (recipient name, language, brand).

A partner sees a lead's teaser until it owns the lead (:mod:`mailflow.rules.privacy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mailflow.links.claims import (
    ESCALATION_CHOICES,
    NOTE_CHOICE,
    AwayClaim,
    ChoiceClaim,
    DealClaim,
    DealReviewClaim,
    EmailChangeClaim,
    EscalationClaim,
    InvitationClaim,
    ProfileClaim,
    ResetClaim,
    TermsClaim,
    TerritoryClaim,
    UnsubscribeClaim,
    fingerprint,
)
from mailflow.links.signer import EMAIL_CHANGE_MAX_AGE_S
from mailflow.mail import labels
from mailflow.models import (
    Contact,
    DealRegistration,
    Feedback,
    Invitation,
    Lead,
    Offer,
    TerritoryRequest,
)
from mailflow.queries.backlog import Overdue, status_buttons
from mailflow.rules import privacy
from mailflow.rules.command import Command, as_json

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

Context = dict[str, Any]


def _ids(offer: Offer, contact: Contact) -> tuple[int, int]:
    assert offer.id is not None and contact.id is not None
    return offer.id, contact.id


def _links(rt: Runtime, offer: Offer, contact: Contact, *actions: str) -> dict[str, str]:
    offer_id, contact_id = _ids(offer, contact)
    return {a: rt.link(offer_id, contact_id, a) for a in actions}


def _replies(rt: Runtime, offer: Offer, contact: Contact) -> str:
    return rt.reply_key(*_ids(offer, contact))


def _offer(offer: Offer, offered_to: int | None = None) -> Context:
    """The offer as a template sees it; times as ISO strings with their offset (the
    ``datetime`` filter shows them in the reader's time zone)."""
    found: Context = {
        "id": offer.id,
        "ring": offer.ring,
        "offered_at": offer.offered_at.isoformat(),
        "expires_at": offer.expires_at.isoformat(),
        "distance_km": round(offer.distance_km) if offer.distance_km else None,
    }
    if offered_to is not None:
        found["offered_to"] = offered_to
    return found


def _partner(rt: Runtime, lead: Lead, offer: Offer, contact: Contact, *links: str) -> Context:
    """What every email to a partner about one of its offers has: the lead as the partner
    may see it, the offer, the links, and the reply key (its ``Reply-To``)."""
    owner = lead.owner_id == offer.organization_id
    return {
        "lead": privacy.details(lead) if owner else privacy.teaser(lead),
        "offer": _offer(offer),
        "links": _links(rt, offer, contact, *links),
        "reply_key": _replies(rt, offer, contact),
    }


# -- the lead loop ------------------------------------------------------------------
def offer(rt: Runtime, lead: Lead, offer: Offer, contact: Contact, offered_to: int = 1) -> Context:
    """``offered_to``: how many partners this ring offers the lead to (first come wins)."""
    return {
        "lead": privacy.teaser(lead),
        "offer": _offer(offer, offered_to),
        "links": _links(rt, offer, contact, "pick", "decline", "portal"),
        "reply_key": _replies(rt, offer, contact),
    }


def details(rt: Runtime, lead: Lead, offer: Offer, contact: Contact) -> Context:
    """To the partner who owns the lead now: who the customer is."""
    return {
        "lead": privacy.details(lead),
        "links": _links(rt, offer, contact, "feedback", "portal"),
        "reply_key": _replies(rt, offer, contact),
        "heard": None,  # what a reply was taken as, when one caused it (outbox.annotate)
    }


def taken(rt: Runtime, lead: Lead, offer: Offer, contact: Contact) -> Context:
    return _partner(rt, lead, offer, contact, "portal")


def decline_ack(
    rt: Runtime,
    lead: Lead,
    offer: Offer,
    contact: Contact,
    reason: str | None,
    others_open: int = 0,
) -> Context:
    """``reason``: a code of the decline dialog or the partner's own words;
    ``others_open``: how many ring-mates still hold the offer (else the lead moves on)."""
    return {
        **_partner(rt, lead, offer, contact, "portal"),
        "reason": reason,
        "heard": None,
        "others_open": others_open,
    }


def feedback_thanks(
    rt: Runtime, lead: Lead, offer: Offer, contact: Contact, report: Feedback
) -> Context:
    return {
        "lead": privacy.details(lead),
        "stage": report.stage,
        "amount": str(report.amount) if report.amount is not None else None,
        "currency": report.currency,
        "links": _links(rt, offer, contact, "feedback", "portal"),
        "reply_key": _replies(rt, offer, contact),
        "heard": None,
    }


# -- SLAs, rings, reminders, processing queue -----------------------------------------
def moved_on(rt: Runtime, lead: Lead, offer: Offer, contact: Contact) -> Context:
    found = _partner(rt, lead, offer, contact, "portal")
    del found["offer"]
    return {**found, "state": offer.state}


def offer_reminder(rt: Runtime, lead: Lead, offer: Offer, contact: Contact) -> Context:
    return {
        "lead": privacy.teaser(lead),
        "offer": {"id": offer.id, "expires_at": offer.expires_at.isoformat()},
        "links": _links(rt, offer, contact, "pick", "decline", "portal"),
        "reply_key": _replies(rt, offer, contact),
    }


def feedback_reminder(rt: Runtime, lead: Lead, offer_id: int, contact_id: int) -> Context:
    """``offer_id``: the picked offer, whose links carry the one-click status buttons."""
    row = status_buttons(rt, Overdue(lead, offer_id), contact_id)
    return {
        "lead": row["lead"],
        "state": lead.state,
        "buttons": row["buttons"],
        "links": {a: rt.link(offer_id, contact_id, a) for a in ("feedback", "portal")},
        "reply_key": rt.reply_key(offer_id, contact_id),
    }


def pick_blocked(
    rt: Runtime, offer_id: int, contact_id: int, overdue: Sequence[Overdue], limit: int
) -> Context:
    return {
        "overdue": [status_buttons(rt, o, contact_id) for o in overdue],
        "limit": limit,
        "links": {"portal": rt.link(offer_id, contact_id, "portal")},
        "reply_key": rt.reply_key(offer_id, contact_id),
    }


def escalation(
    rt: Runtime,
    lead: Lead,
    manager: Contact,
    why: str,
    declined: list[dict[str, str | None]] | None = None,
) -> Context:
    """One link per choice; the token is the same, the dialog asks for the choice.
    ``declined``: the partners who declined the lead (``name``, ``reason``)."""
    assert lead.id is not None and manager.id is not None
    link = rt.url(EscalationClaim(lead.id, manager.id))
    links = {c: f"{link}?choice={c}" for c in ESCALATION_CHOICES}
    links["console"] = f"{rt.settings.base_url}/console/leads/{lead.id}"
    return {
        "lead": privacy.teaser(lead),
        "ring": lead.ring,
        "why": why,
        "declined": declined or [],
        "links": links,
    }


def queue_digest(rt: Runtime, partners: list[dict[str, Any]]) -> Context:
    return {"partners": partners, "links": {"console": f"{rt.settings.base_url}/console/"}}


# -- answers by email ---------------------------------------------------------------
def _reply_to(rt: Runtime, lead: Lead, offer: Offer, contact: Contact) -> Context:
    found = _partner(rt, lead, offer, contact, "feedback", "portal", "pick", "decline")
    del found["offer"]
    return found


def reply_confirmation(
    rt: Runtime,
    lead: Lead,
    offer: Offer,
    contact: Contact,
    understood: dict[str, Any],
    error: str | None,
) -> Context:
    """What a reply was understood as, and why it was not applied when it was not: the
    refusal as a sentence of the catalog, so it reads in the partner's language."""
    return {
        **_reply_to(rt, lead, offer, contact),
        "understood": understood,
        "error": labels.refusal(error),
    }


def staff_message(
    rt: Runtime,
    lead: Lead,
    offer: Offer,
    contact: Contact,
    text: str,
    sender: str | None,
    in_reply_to: str | None,
) -> Context:
    """The manufacturer's staff write to the partner about the lead; the partner's answer
    goes to the reply address of the offer, so it comes back to the same lead."""
    return {
        **_partner(rt, lead, offer, contact, "portal"),
        "text": text,
        "sender": sender,
        "in_reply_to": in_reply_to,
    }


def not_understood(rt: Runtime, lead: Lead, offer: Offer, contact: Contact, text: str) -> Context:
    return {**_reply_to(rt, lead, offer, contact), "text": text}


def did_you_mean(
    rt: Runtime,
    lead: Lead,
    offer: Offer,
    contact: Contact,
    inbound_id: int,
    text: str,
    words: str,
    readings: Sequence[Command],
) -> Context:
    """The partner's words and one signed link per likely reading, plus "only a note"."""
    assert contact.id is not None

    def url(choice: str) -> str:
        return rt.url(ChoiceClaim(inbound_id, contact.id, choice))  # type: ignore[arg-type]

    context = _reply_to(rt, lead, offer, contact)
    context["links"]["note"] = url(NOTE_CHOICE)
    choices = [{**as_json(c), "url": url(str(i))} for i, c in enumerate(readings)]
    return {**context, "text": text, "words": words, "choices": choices}


def bounce_notice(partner: str, bounced: Contact, status: str | None) -> Context:
    return {
        "partner": partner,
        "address": bounced.email,
        "contact_name": bounced.name,
        "status": status or "",
    }


def away_confirm(
    rt: Runtime, partner: str, organization_id: int, manager_id: int, until: datetime,
    asked: datetime,
) -> Context:  # fmt: skip
    """``until``: the capped away period; ``asked``: the later date the reply named."""
    return {
        "partner": partner,
        "until": until.date().isoformat(),
        "asked": asked.date().isoformat(),
        "links": {"confirm": rt.url(AwayClaim(organization_id, manager_id, asked))},
    }


def offer_digest(rt: Runtime, contact: Contact, offers: Sequence[tuple[Offer, Lead]]) -> Context:
    """A contact's held offers of cold leads, each with its pick and decline links."""
    assert contact.id is not None
    first = offers[0][0]
    return {
        "offers": [
            {
                "lead": privacy.teaser(lead),
                "offer": _offer(offer),
                "pick": rt.link(offer.id, contact.id, "pick"),  # type: ignore[arg-type]
                "decline": rt.link(offer.id, contact.id, "decline"),  # type: ignore[arg-type]
            }
            for offer, lead in offers
        ],
        "links": _links(rt, first, contact, "portal"),
    }


def colleague_invite(rt: Runtime, colleague: Contact, inviter: str, partner: str) -> Context:
    """To a colleague a partner's contact added: its own profile link confirms."""
    assert colleague.id is not None
    return {
        "partner": partner,
        "inviter": inviter,
        "links": {"confirm": rt.url(ProfileClaim(colleague.id))},
    }


def partner_invite(rt: Runtime, invitation: Invitation, partner: str) -> Context:
    """To an invited partner: its own signed page accepts the terms and keeps the profile."""
    return {
        "partner": partner,
        "expires_at": invitation.expires_at.isoformat(),
        "links": {"join": _join_link(rt, invitation)},
    }


def invitation_reminder(rt: Runtime, invitation: Invitation, partner: str) -> Context:
    """The invitation again, 3 and 10 days later, while it is open."""
    return partner_invite(rt, invitation, partner)


def _join_link(rt: Runtime, invitation: Invitation) -> str:
    assert invitation.id is not None
    return rt.url(InvitationClaim(invitation.id, invitation.contact_id))


def terms_update(rt: Runtime, contact: Contact, kinds: Sequence[str]) -> Context:
    """To an active partner's contact: a new version to accept; offers go on meanwhile."""
    assert contact.id is not None
    return {"kinds": list(kinds), "links": {"terms": rt.url(TermsClaim(contact.id))}}


def territory_request(
    rt: Runtime, request: TerritoryRequest, manager: Contact, partner: str, asker: str
) -> Context:
    """To a partner manager: the regions a partner asked for, one link to decide."""
    assert request.id is not None and manager.id is not None
    return {
        "partner": partner,
        "asker": asker,
        "requested": list(request.territory),
        "wider": list(request.wider),
        "links": {"decide": rt.url(TerritoryClaim(request.id, manager.id))},
    }


# -- qualification, reports, console accounts --------------------------------------------
def qualify_request(rt: Runtime, lead: Lead, agency_contact: Contact) -> Context:
    assert lead.id is not None and agency_contact.id is not None
    link = rt.link(lead.id, agency_contact.id, "qualify")
    return {"lead": privacy.details(lead), "links": {"qualify": link}}


def weekly_report(rt: Runtime, view: Context, contact_id: int) -> Context:
    """``view``: the report's figures (:func:`mailflow.queries.reports.view`); the opt-out
    link also goes in the RFC 8058 headers (:func:`mailflow.actions.outbound.outbox.build`)."""
    return {
        **view,
        "unsubscribe_url": rt.url(UnsubscribeClaim(contact_id)),
        "links": {"console": f"{rt.settings.base_url}/console/dashboard"},
    }


def password_reset(rt: Runtime, user: Contact) -> Context:
    assert user.id is not None
    url = rt.url(ResetClaim(user.id, fingerprint(user.password_hash)))
    return {"links": {"reset": url}}


def email_change(rt: Runtime, user: Contact, new_email: str) -> Context:
    """To the OLD address: the link that confirms the new one."""
    assert user.id is not None
    link = rt.url(EmailChangeClaim(user.id, new_email, fingerprint(user.email)))
    return {
        "links": {"confirm": link},
        "old_email": user.email,
        "new_email": new_email,
        "hours": EMAIL_CHANGE_MAX_AGE_S // 3600,
    }


def email_changed(rt: Runtime, old_email: str, new_email: str) -> Context:
    return {
        "links": {"console": f"{rt.settings.base_url}/console/login"},
        "old_email": old_email,
        "new_email": new_email,
    }


def connection_alert(rt: Runtime, connection: str, problem: str, detail: str) -> Context:
    """To the manufacturer's admins: a mail connection failed to log in, or was not read."""
    return {
        "connection": connection,
        "problem": problem,
        "detail": detail,
        "links": {"console": f"{rt.settings.base_url}/console/connections"},
    }


# -- deal registrations --------------------------------------------------------------------
DEAL_FIELDS = ("customer_name", "customer_company", "customer_email", "customer_phone",
               "requirement", "value", "currency", "note", "state")  # fmt: skip


def _deal(deal: DealRegistration) -> Context:
    """A registration as a template sees it: its partner and the staff see it all."""
    found: Context = {name: getattr(deal, name) for name in DEAL_FIELDS}
    found["id"] = deal.id
    found["value"] = str(deal.value) if deal.value is not None else None
    found["state"] = str(deal.state)
    found["exclusive_until"] = deal.exclusive_until.isoformat() if deal.exclusive_until else None
    return found


def deal_understood(rt: Runtime, deal: DealRegistration, contact: Contact) -> Context:
    """To the partner who forwarded a customer's email: what we read, and the link that
    corrects and confirms it."""
    assert deal.id is not None and contact.id is not None
    return {"deal": _deal(deal), "links": {"deal": _deal_link(rt, deal, contact)}}


def deal_review(rt: Runtime, deal: DealRegistration, manager: Contact, partner: str) -> Context:
    """To the staff: the registration, what it conflicts with, the one-click decision."""
    assert deal.id is not None and manager.id is not None
    return {
        "deal": _deal(deal),
        "partner": partner,
        "conflicts": list(deal.conflicts),
        "links": {
            "decide": rt.url(DealReviewClaim(deal.id, manager.id, "decide")),
            "console": f"{rt.settings.base_url}/console/deals/{deal.id}",
        },
    }


def deal_decided(rt: Runtime, deal: DealRegistration, contact: Contact) -> Context:
    """To the partner: approved (with the lead and the end of its exclusivity) or not."""
    links = {"deal": _deal_link(rt, deal, contact)}
    return {"deal": _deal(deal), "reason": deal.decision_note, "links": links}


def deal_expiring(rt: Runtime, deal: DealRegistration, contact: Contact) -> Context:
    """To the partner, before its exclusivity ends: the page asks for more time."""
    return {"deal": _deal(deal), "links": {"deal": _deal_link(rt, deal, contact)}}


def deal_extension(
    rt: Runtime, deal: DealRegistration, manager: Contact, partner: str, days: int
) -> Context:
    """To the staff: a partner asks for more time; one click grants ``days`` more."""
    assert deal.id is not None and manager.id is not None
    return {
        "deal": _deal(deal),
        "partner": partner,
        "days": days,
        "links": {"decide": rt.url(DealReviewClaim(deal.id, manager.id, "extend"))},
    }


def deal_extended(rt: Runtime, deal: DealRegistration, contact: Contact) -> Context:
    return {"deal": _deal(deal), "links": {"deal": _deal_link(rt, deal, contact)}}


def deal_refused(rt: Runtime) -> Context:
    """To an unknown sender of the deals address: nothing was registered, and why."""
    return {"links": {}}


def _deal_link(rt: Runtime, deal: DealRegistration, contact: Contact) -> str:
    assert deal.id is not None and contact.id is not None
    return rt.url(DealClaim(deal.id, contact.id, "open"))
