"""mail/messages.py builds one context per email kind, and agrees with mail/kinds.py: a
builder for every kind, only the variables its templates may use, and a context that
renders."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mailflow.links.claims import (
    AwayClaim,
    ChoiceClaim,
    EscalationClaim,
    LinkClaim,
    ProfileClaim,
    UnsubscribeClaim,
)
from mailflow.mail import kinds, messages
from mailflow.mail.render import Renderer
from mailflow.models import (
    Contact,
    DealRegistration,
    Feedback,
    Invitation,
    Lead,
    Offer,
    TerritoryRequest,
)
from mailflow.queries.backlog import Overdue
from mailflow.rules.command import Command
from mailflow.runtime import Runtime
from tests.conftest import make_settings
from tests.unit.test_email_templates import BRAND

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
LEAD = Lead(id=5, state="picked", city="Stuttgart", country="DE", postal_code="70173",
            customer_name="Erika Mustermann", value=Decimal("18500"), owner_id=2,
            created_at=NOW, updated_at=NOW)  # fmt: skip
OFFER = Offer(id=7, lead_id=5, organization_id=2, ring=1, state="picked", distance_km=11.6,
              offered_at=NOW, expires_at=NOW + timedelta(hours=4))  # fmt: skip
PARTNER = Contact(id=3, organization_id=2, name="Anna", email="anna@dealer.example",
                  created_at=NOW)  # fmt: skip
MANAGER = Contact(id=4, organization_id=1, name="Max", email="max@maker.example",
                  role="partner_manager", password_hash="h", created_at=NOW)  # fmt: skip
REPORT = Feedback(lead_id=5, organization_id=2, stage="won", amount=Decimal("12500"),
                  currency="EUR", channel="web", created_at=NOW)  # fmt: skip
INVITATION = Invitation(id=8, organization_id=2, contact_id=3, email="anna@dealer.example",
                        language="de", invited_by="console:4", created_at=NOW,
                        expires_at=NOW + timedelta(days=30))  # fmt: skip
VIEW = {k: v for k, v in kinds.sample("weekly_report").items() if k in kinds.KINDS["weekly_report"]}
UNDERSTOOD = kinds.sample("reply_confirmation")["understood"]
WON = Command("feedback", "won", Decimal("14200"), "EUR")
DEAL = DealRegistration(id=31, organization_id=2, contact_id=3, state="approved", channel="email",
                        customer_company="Weber GmbH", value=Decimal("42000"),
                        conflicts=[{"kind": "lead", "id": 5, "state": "offered",
                                    "organization_id": 2, "match": ["domain"]}],
                        exclusive_until=NOW + timedelta(days=90), created_at=NOW,
                        updated_at=NOW)  # fmt: skip

BUILDS: dict[str, Callable[[Runtime], dict[str, Any]]] = {
    "offer": lambda rt: messages.offer(rt, LEAD, OFFER, PARTNER),
    "details": lambda rt: messages.details(rt, LEAD, OFFER, PARTNER),
    "taken": lambda rt: messages.taken(rt, LEAD, OFFER, PARTNER),
    "decline_ack": lambda rt: messages.decline_ack(rt, LEAD, OFFER, PARTNER, "too far"),
    "feedback_thanks": lambda rt: messages.feedback_thanks(rt, LEAD, OFFER, PARTNER, REPORT),
    "moved_on": lambda rt: messages.moved_on(rt, LEAD, OFFER, PARTNER),
    "offer_reminder": lambda rt: messages.offer_reminder(rt, LEAD, OFFER, PARTNER),
    "feedback_reminder": lambda rt: messages.feedback_reminder(rt, LEAD, 7, 3),
    "pick_blocked": lambda rt: messages.pick_blocked(rt, 7, 3, [Overdue(LEAD, 7)], 3),
    "escalation": lambda rt: messages.escalation(rt, LEAD, MANAGER, "last_ring"),
    "queue_digest": lambda rt: messages.queue_digest(rt, kinds.sample("queue_digest")["partners"]),
    "reply_confirmation": lambda rt: messages.reply_confirmation(
        rt, LEAD, OFFER, PARTNER, UNDERSTOOD, None
    ),
    "not_understood": lambda rt: messages.not_understood(rt, LEAD, OFFER, PARTNER, "Hello?"),
    "staff_message": lambda rt: messages.staff_message(
        rt, LEAD, OFFER, PARTNER, "Did you call the customer?", "Paula", "q1@dealer.example"
    ),
    "did_you_mean": lambda rt: messages.did_you_mean(
        rt, LEAD, OFFER, PARTNER, 9, "maybe we won 14,200 EUR", "won", [WON, Command("pick")]
    ),
    "bounce_notice": lambda _: messages.bounce_notice("Dealer", PARTNER, "5.1.1"),
    "away_confirm": lambda rt: messages.away_confirm(
        rt, "Dealer", 2, 4, NOW + timedelta(days=14), NOW + timedelta(days=60)
    ),
    "colleague_invite": lambda rt: messages.colleague_invite(rt, PARTNER, "Jonas", "Dealer"),
    "partner_invite": lambda rt: messages.partner_invite(rt, INVITATION, "Dealer"),
    "invitation_reminder": lambda rt: messages.invitation_reminder(rt, INVITATION, "Dealer"),
    "terms_update": lambda rt: messages.terms_update(rt, PARTNER, ["terms"]),
    "offer_digest": lambda rt: messages.offer_digest(rt, PARTNER, [(OFFER, LEAD)]),
    "territory_request": lambda rt: messages.territory_request(
        rt,
        TerritoryRequest(
            id=6,
            organization_id=2,
            contact_id=3,
            territory=["DE", "AT"],
            wider=["AT"],
            created_at=NOW,
        ),
        MANAGER,
        "Dealer",
        "Anna",
    ),
    "qualify_request": lambda rt: messages.qualify_request(rt, LEAD, PARTNER),
    "weekly_report": lambda rt: messages.weekly_report(rt, VIEW, 4),
    "password_reset": lambda rt: messages.password_reset(rt, MANAGER),
    "email_change": lambda rt: messages.email_change(rt, MANAGER, "new@maker.example"),
    "email_changed": lambda rt: messages.email_changed(
        rt, "max@maker.example", "new@maker.example"
    ),
    "deal_understood": lambda rt: messages.deal_understood(rt, DEAL, PARTNER),
    "deal_review": lambda rt: messages.deal_review(rt, DEAL, MANAGER, "Dealer"),
    "deal_decided": lambda rt: messages.deal_decided(rt, DEAL, PARTNER),
    "deal_refused": lambda rt: messages.deal_refused(rt),
    "deal_expiring": lambda rt: messages.deal_expiring(rt, DEAL, PARTNER),
    "deal_extension": lambda rt: messages.deal_extension(rt, DEAL, MANAGER, "Dealer", 30),
    "deal_extended": lambda rt: messages.deal_extended(rt, DEAL, PARTNER),
    "connection_alert": lambda rt: messages.connection_alert(
        rt, "imaps://sales@mail.maker.example", "The login was refused.", "AUTHENTICATIONFAILED"
    ),
}


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[Runtime]:
    runtime = Runtime(make_settings(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}"))
    runtime.clock.set(NOW)
    yield runtime
    runtime.close()


def test_there_is_one_message_builder_per_email_kind() -> None:
    builders = {
        name
        for name, fn in inspect.getmembers(messages, inspect.isfunction)
        if fn.__module__ == messages.__name__ and not name.startswith("_")
    }
    assert builders == set(kinds.KINDS) == set(BUILDS)


@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
def test_a_message_uses_only_the_variables_of_its_kind_and_renders(rt: Runtime, kind: str) -> None:
    context = BUILDS[kind](rt)
    assert set(context) <= kinds.allowed(kind) - {"lang", "brand", "recipient_name"}
    assert set(kinds.KINDS[kind]) <= set(context), "every variable of the kind is filled"
    for name, url in context.get("links", {}).items():
        assert url.startswith(rt.settings.base_url), name
    full = {**context, "lang": "en", "brand": BRAND, "recipient_name": "Anna"}
    rendered = Renderer().render(kind, full)
    assert rendered.subject and rendered.text


def test_a_partner_sees_the_customer_only_once_it_owns_the_lead(rt: Runtime) -> None:
    assert "customer_name" not in messages.offer(rt, LEAD, OFFER, PARTNER)["lead"]
    assert messages.details(rt, LEAD, OFFER, PARTNER)["lead"]["customer_name"] == "Erika Mustermann"
    other = Offer(id=8, lead_id=5, organization_id=9, offered_at=NOW, expires_at=NOW)
    seen = messages.not_understood(rt, LEAD, other, PARTNER, "?")["lead"]
    assert "customer_name" not in seen


def test_the_links_of_a_message_are_the_signed_links_of_its_purpose(rt: Runtime) -> None:
    def claim(url: str, kind: type[Any]) -> Any:
        return rt.signer.read(kind, url.split("?")[0].rsplit("/", 1)[1])

    offer = messages.offer(rt, LEAD, OFFER, PARTNER)
    assert claim(offer["links"]["pick"], LinkClaim) == LinkClaim(7, 3, "pick")
    assert rt.read_reply_key(offer["reply_key"]) == (7, 3)
    qualify = messages.qualify_request(rt, LEAD, PARTNER)["links"]["qualify"]
    assert "/q/" in qualify and claim(qualify, LinkClaim) == LinkClaim(5, 3, "qualify")
    links = messages.escalation(rt, LEAD, MANAGER, "last_ring")["links"]
    assert links["widen"].endswith("?choice=widen")
    assert claim(links["withdraw"], EscalationClaim) == EscalationClaim(5, 4)
    away = messages.away_confirm(rt, "D", 2, 4, NOW, NOW + timedelta(days=60))["links"]["confirm"]
    assert claim(away, AwayClaim).until.date() == (NOW + timedelta(days=60)).date()
    invite = messages.colleague_invite(rt, PARTNER, "Jonas", "Dealer")["links"]["confirm"]
    assert "/p/" in invite and claim(invite, ProfileClaim) == ProfileClaim(3)
    report = messages.weekly_report(rt, VIEW, 4)["unsubscribe_url"]
    assert claim(report, UnsubscribeClaim) == UnsubscribeClaim(4)
    asked = messages.did_you_mean(rt, LEAD, OFFER, PARTNER, 9, "vielleicht", "x", [WON])
    assert [claim(c["url"], ChoiceClaim) for c in asked["choices"]] == [ChoiceClaim(9, 3, "0")]
    assert claim(asked["links"]["note"], ChoiceClaim) == ChoiceClaim(9, 3, "note")
    assert asked["choices"][0]["amount"] == "14200" and "/r/" in asked["links"]["note"]
