"""The world the sweep walks through: for one language, a console user and partners who
read that language, and leads in every state a page shows (open, picked, won with an
amount, declined, lost, withdrawn), a reply waiting for review and a question asked back.
Every page that needs a parameter gets it from here, by name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from itsdangerous import URLSafeSerializer
from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.deals.decide import approve
from mailflow.actions.deals.register import draft, register
from mailflow.actions.inbound.store import store_raw
from mailflow.actions.leads.decline import decline
from mailflow.actions.leads.edit import add_note
from mailflow.actions.leads.feedback import feedback
from mailflow.actions.leads.pick import pick
from mailflow.actions.leads.withdraw import withdraw
from mailflow.actions.partners.away_periods import PlannedAway, add_away_period
from mailflow.actions.partners.invitations import invite_partner
from mailflow.actions.partners.profile import edit_profile
from mailflow.actions.partners.terms import publish_terms
from mailflow.inbound.process import process
from mailflow.links.claims import (
    AwayClaim,
    ChoiceClaim,
    DealClaim,
    DealReviewClaim,
    EmailChangeClaim,
    EscalationClaim,
    InvitationClaim,
    LinkClaim,
    ProfileClaim,
    ResetClaim,
    TermsClaim,
    TerritoryClaim,
    UnsubscribeClaim,
    fingerprint,
)
from mailflow.links.signer import PURPOSES
from mailflow.models import Contact, InboundEmail, Lead, Offer
from mailflow.models.api_schemas import InvitationIn, PartnerIn
from mailflow.models.schemas import DealIn, FeedbackIn
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _user
from tests.mail import reply

# The words of the customer, in the reader's language (a customer's own text is never
# translated, so the German world is written in German).
LEAD_TEXT = {
    "en": {"product_line": "Heat pump 12 kW", "requirement": "Replace the old gas boiler. " * 5},
    "de": {
        "product_line": "Wärmepumpe 12 kW",
        "requirement": "Alten Gaskessel im Einfamilienhaus ersetzen, 160 m². " * 5,
    },
}
AMOUNT = "12500"


def staff_email(lang: str) -> str:
    return f"ops-{lang}@nordwind.test"


def _offered(world: World, lang: str, mine: set[int]) -> tuple[Lead, list[Offer]]:
    """A lead offered to partners of both worlds, and its offers to this world's partners
    (those that read ``lang``)."""
    lead, offers = world.offered_lead(**LEAD_TEXT[lang])
    offers = [o for o in offers if o.organization_id in mine]
    assert offers, "the sweep's leads are offered to partners of the language"
    return lead, offers


def _first_contact(world: World, offer: Offer) -> int:
    contact_id = world.contacts(offer.organization_id)[0].id
    assert contact_id is not None
    return contact_id


def _reply(rt: Runtime, world: World, offer: Offer, body: str) -> int:
    contact = world.contacts(offer.organization_id)[0]
    assert offer.id is not None and contact.id is not None
    to = f"reply+{rt.reply_key(offer.id, contact.id)}@{rt.settings.inbound_domain}"
    raw = reply(body, to=to, sender=contact.email)
    stored = store_raw(rt, raw, channel="smtp", mail_from=contact.email, rcpt_to=[to])
    process(rt, stored)
    return stored


def build(rt: Runtime, world: World, lang: str) -> dict[str, str]:
    """The paths of the pages that need a parameter, by the name the sweep gives them."""
    _user(rt, world, role="admin", email=staff_email(lang))
    with rt.db.transaction() as s:
        staff = s.exec(select(Contact).where(Contact.email == staff_email(lang))).one()
        staff.language, staff.timezone = lang, "Europe/Berlin"
        staff_id, staff_hash = staff.id, staff.password_hash
    assert staff_id is not None
    long_name = "Wärmepumpen Weit mit einem sehr langen Firmennamen GmbH & Co. KG"
    partners = [
        world.partner("Stuttgart", language=lang, name=f"Kälte Klein {lang.upper()}"),
        world.partner("Ulm", language=lang, name=f"{long_name} {lang.upper()}"),
    ]
    mine = {p.id for p in partners if p.id is not None}
    path: dict[str, str] = {}

    def url(claim: Any) -> str:
        return rt.signer.path(claim)

    # open: the offer's dialogs, the partner's own page
    lead, offers = _offered(world, lang, mine)
    first = offers[0]
    assert first.id is not None and lead.id is not None
    contact = _first_contact(world, first)
    for action in ("pick", "decline", "portal"):
        path[f"dialog-{action}"] = url(LinkClaim(first.id, contact, action))
    path["lead-open"] = f"/console/leads/{lead.id}"
    path["matching"] = f"/console/leads/{lead.id}/matching"
    path["escalation"] = url(EscalationClaim(lead.id, staff_id))
    path["qualify"] = url(LinkClaim(lead.id, staff_id, "qualify"))
    # a question asked back ("did you mean …?") and a reply only a person can read
    asked = _reply(
        rt, world, offers[-1], "Vielleicht nehmen wir ihn." if lang == "de" else "Maybe we take it."
    )
    review = _reply(rt, world, offers[0], "Bitte rufen Sie mich an. " * 3)
    with rt.db.read() as s:
        states = dict(s.exec(select(InboundEmail.id, InboundEmail.state).where(
            col(InboundEmail.id).in_([asked, review]))).all())  # fmt: skip
    if states.get(asked) == "asked":
        path["did-you-mean"] = url(ChoiceClaim(asked, contact_of(rt, offers[-1]), "0"))
    path["review-item"] = f"/console/inbound/{review}"

    # picked, then won with an amount; the feedback dialog of a picked lead
    picked, offers = _offered(world, lang, mine)
    won, won_offers = _offered(world, lang, mine)
    lost, lost_offers = _offered(world, lang, mine)
    for one in (offers[0], won_offers[0], lost_offers[0]):
        assert one.id is not None
        with unit(rt, f"contact:{contact_of(rt, one)}", "web") as ctx:
            pick(ctx, one.id, contact_of(rt, one))
    assert offers[0].id is not None and won_offers[0].id is not None
    path["dialog-feedback"] = url(LinkClaim(offers[0].id, contact_of(rt, offers[0]), "feedback"))
    path["portal-won"] = url(LinkClaim(won_offers[0].id, contact_of(rt, won_offers[0]), "portal"))
    with unit(rt, f"contact:{contact_of(rt, won_offers[0])}", "web") as ctx:
        feedback(ctx, won_offers[0].id, contact_of(rt, won_offers[0]),
                 FeedbackIn(stage="won", amount=AMOUNT, currency="EUR"))  # fmt: skip
    assert lost_offers[0].id is not None
    with unit(rt, f"contact:{contact_of(rt, lost_offers[0])}", "web") as ctx:
        feedback(ctx, lost_offers[0].id, contact_of(rt, lost_offers[0]),
                 FeedbackIn(stage="lost", reason="price"))  # fmt: skip
    path["lead-picked"] = f"/console/leads/{picked.id}"
    path["lead-won"] = f"/console/leads/{won.id}"
    path["lead-lost"] = f"/console/leads/{lost.id}"

    declined, offers = _offered(world, lang, mine)
    assert offers[0].id is not None
    with unit(rt, f"contact:{contact_of(rt, offers[0])}", "web") as ctx:
        decline(ctx, offers[0].id, contact_of(rt, offers[0]), "no capacity")
    path["lead-declined"] = f"/console/leads/{declined.id}"
    gone = world.lead(**LEAD_TEXT[lang])
    assert gone.id is not None
    with unit(rt, f"console:{staff_id}", "console") as ctx:
        withdraw(ctx, gone.id, "customer cancelled")
        add_note(ctx, won.id or 0, "Kunde möchte im Frühjahr bauen.")
    path["lead-withdrawn"] = f"/console/leads/{gone.id}"

    # the partner's profile with an away period and wider regions waiting for approval; the
    # period begins tomorrow: one begun would hand on the offers whose dialogs are swept
    contact = contact_of(rt, first)
    today = rt.clock.now().date()
    with unit(rt, f"contact:{contact}", "web") as ctx:
        plan = PlannedAway(contact, today + timedelta(days=1), today + timedelta(days=9), None)
        add_away_period(ctx, contact, plan)
        wider = PartnerIn(territory=["DE-7", "AT"], expertise=["Wärmepumpen"], capacity=8)
        asked = edit_profile(ctx, contact, wider).request
    assert asked is not None and asked.id is not None
    path["profile"] = url(ProfileClaim(contact))
    # onboarding: an invited partner's page, and the terms page of an active partner
    with unit(rt, f"console:{staff_id}", "console") as ctx:
        for kind in ("terms", "dpa"):
            publish_terms(ctx, kind, {"en": "Our terms, version 1.", "de": "Unsere Bedingungen."})
        invited = invite_partner(ctx, InvitationIn(
            email=f"neu-{lang}@partner-neu.example", partner_name=f"Neu {lang}", language=lang,
            country="DE", city="Stuttgart",
        ))  # fmt: skip
    assert invited.id is not None
    path["join"] = url(InvitationClaim(invited.id, invited.contact_id))
    path["terms"] = url(TermsClaim(contact))
    path["territory-request"] = url(TerritoryClaim(asked.id, staff_id))

    # the staff's own links: away confirmation, report opt-out, password reset, new address
    until = rt.clock.now() + timedelta(days=30)
    assert partners[0].id is not None
    path["away"] = url(AwayClaim(partners[0].id, staff_id, until))
    path["unsubscribe"] = url(UnsubscribeClaim(staff_id))
    legacy = URLSafeSerializer(rt.settings.secret_keys, salt=PURPOSES["unsubscribe"].salt)
    legacy = legacy.dumps({"u": staff_id})  # an older report's untimed link
    path["unsubscribe-legacy"] = f"/u/{legacy}"
    path["reset"] = url(ResetClaim(staff_id, fingerprint(staff_hash)))
    change = EmailChangeClaim(staff_id, f"new-{lang}@nordwind.test", fingerprint(staff_email(lang)))
    path["email-change"] = url(change)
    path.update(_deals(rt, world, lang, first, staff_id))
    return path


def _deals(rt: Runtime, world: World, lang: str, offer: Offer, staff_id: int) -> dict[str, str]:
    """A deal registration read from a forwarded email (a draft), one submitted with a
    conflict, one approved; the partner's pages and the staff's."""
    contact_id = contact_of(rt, offer)
    with rt.db.read() as s:
        contact = s.get(Contact, contact_id)
    assert contact is not None and offer.id is not None
    customer = {"customer_name": "Jonas Weber", "customer_company": "Weber Haustechnik GmbH",
                "customer_email": f"j.weber-{lang}@weber-haustechnik.example",
                "requirement": LEAD_TEXT[lang]["requirement"], "value": AMOUNT}  # fmt: skip
    with unit(rt, f"contact:{contact_id}", "email") as ctx:
        drafted = draft(ctx, contact, DealIn(**customer), inbound_email_id=None)
    with unit(rt, f"contact:{contact_id}", "web") as ctx:
        waiting = register(ctx, offer.organization_id, contact_id, DealIn(**customer))
        approved = register(ctx, offer.organization_id, contact_id,
                            DealIn(**{**customer, "customer_email": f"x-{lang}@other.example",
                                      "customer_company": f"Andere {lang}"}))  # fmt: skip
    with unit(rt, f"console:{staff_id}", "console") as ctx:
        approve(ctx, approved.id or 0)
    assert drafted.id and waiting.id and approved.id
    return {
        "deal-draft": rt.signer.path(DealClaim(drafted.id, contact_id, "open")),
        "deal-approved": rt.signer.path(DealClaim(approved.id, contact_id, "open")),
        "deal-review": rt.signer.path(DealReviewClaim(waiting.id, staff_id, "decide")),
        "deal-console": f"/console/deals/{waiting.id}",
        "portal-deals": rt.signer.path(LinkClaim(offer.id, contact_id, "portal")) + "/deals",
    }


def contact_of(rt: Runtime, offer: Offer) -> int:
    with rt.db.read() as s:
        found = s.exec(
            select(Contact.id).where(Contact.organization_id == offer.organization_id)
        ).first()
    assert found is not None
    return found
