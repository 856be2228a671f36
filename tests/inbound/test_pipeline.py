"""Replies act through the same actions as the dialogs; everything else is handled safely."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel import col, select

from mailflow.actions import unit
from mailflow.actions.inbound.review import apply_reviewed, dismiss
from mailflow.jobs.sweeps import sweep_questions
from mailflow.mail.capture import MailCapture
from mailflow.models import (
    AwayPeriod,
    Contact,
    Event,
    Feedback,
    InboundEmail,
    OutboundEmail,
)
from mailflow.queries.away import paused_spans
from mailflow.rules.command import Command
from mailflow.rules.followup import back_at
from tests.inbound.conftest import Offered
from tests.mail import reply


def _kinds_sent(offered: Offered) -> list[str]:
    with offered.rt.db.read() as s:
        return [e.kind for e in s.exec(select(OutboundEmail).order_by(col(OutboundEmail.id)))]


def test_a_reply_with_pick_picks_and_is_confirmed(offered: Offered) -> None:
    raw = reply(
        "Wir nehmen ihn!\n\nAm 1. März schrieb mailflow:\n> Neuer Lead",
        to=offered.reply_to(0),
        sender=offered.contacts[0].email,
    )
    assert offered.deliver(raw) == "applied"
    assert offered.lead_state() == "picked"
    assert offered.offer_states() == ["picked", "taken", "taken"]
    kinds = _kinds_sent(offered)
    # one email for the command: the details say what the reply was understood as
    assert "details" in kinds and "reply_confirmation" not in kinds
    with offered.rt.db.read() as s:
        details = s.exec(select(OutboundEmail).where(OutboundEmail.kind == "details")).one()
    assert details.context["heard"]["action"] == "pick" and details.context["heard"]["words"]


def test_a_later_pick_by_reply_is_refused_and_told(offered: Offered) -> None:
    offered.deliver(reply("pick", to=offered.reply_to(0), sender=offered.contacts[0].email))
    assert (
        offered.deliver(reply("yes", to=offered.reply_to(1), sender=offered.contacts[1].email))
        == "refused"
    )
    with offered.rt.db.read() as s:
        refusal = s.exec(
            select(OutboundEmail).where(
                OutboundEmail.to_addr == offered.contacts[1].email,
                OutboundEmail.kind == "reply_confirmation",
            )
        ).one()
    assert refusal.context["error"] == "Another partner picked this lead first."


def test_won_with_an_amount_by_reply(offered: Offered) -> None:
    offered.deliver(reply("pick", to=offered.reply_to(0), sender=offered.contacts[0].email))
    raw = reply(
        "gewonnen 12.500 €\n\nViele Grüße\nAnna",
        to=offered.reply_to(0),
        sender=offered.contacts[0].email,
    )
    assert offered.deliver(raw) == "applied"
    assert offered.lead_state() == "won"
    with offered.rt.db.read() as s:
        fb = s.exec(select(Feedback)).one()
    assert (fb.stage, fb.amount, fb.currency, fb.channel) == (
        "won",
        Decimal("12500.00"),
        "EUR",
        "email",
    )


def test_decline_with_a_reason_by_reply(offered: Offered) -> None:
    raw = reply(
        "not interested - too far away", to=offered.reply_to(1), sender=offered.contacts[1].email
    )
    assert offered.deliver(raw) == "applied"
    assert offered.offer_states()[1] == "declined"
    assert offered.world.offers(offered.lead.id)[1].reason == "too far away"  # type: ignore[arg-type]


def test_another_contact_of_the_same_partner_may_answer(offered: Offered) -> None:
    colleague = offered.world.contacts(offered.offers[0].organization_id)[1]
    assert (
        offered.deliver(reply("take it", to=offered.reply_to(0), sender=colleague.email))
        == "applied"
    )
    assert offered.world.reload(offered.lead).owner_contact_id == colleague.id


def test_a_reply_from_a_stranger_goes_to_review(offered: Offered) -> None:
    raw = reply("pick", to=offered.reply_to(0), sender="intruder@evil.example")
    assert offered.deliver(raw) == "review"
    assert offered.lead_state() == "offered"


def test_missing_or_invalid_from_goes_to_review(offered: Offered) -> None:
    for sender in ("", "not an address"):
        raw = reply("pick", to=offered.reply_to(0), sender=sender)
        assert offered.deliver(raw) == "review"
    assert offered.lead_state() == "offered"


def test_a_forged_reply_key_goes_to_review(offered: Offered) -> None:
    forged = offered.reply_to(0).replace("reply+", "reply+1", 1)
    assert offered.deliver(reply("pick", to=forged, sender=offered.contacts[0].email)) == "review"
    assert offered.lead_state() == "offered"


def test_an_expired_reply_key_is_refused_and_the_partner_told_nothing_changed(
    offered: Offered,
) -> None:
    raw = reply("pick", to=offered.reply_to(0), sender=offered.contacts[0].email)
    offered.rt.clock.advance(days=offered.rt.settings.token_max_age_days + 2)
    assert offered.deliver(raw) == "refused"
    assert offered.lead_state() == "offered"


def test_a_reply_without_reply_address_is_routed_by_its_thread(offered: Offered) -> None:
    with offered.rt.db.read() as s:
        original = s.exec(
            select(OutboundEmail).where(OutboundEmail.to_addr == offered.contacts[2].email)
        ).first()
    assert original is not None
    raw = reply(
        "pick",
        to="leads@nordwind.test",
        sender=offered.contacts[2].email,
        headers={"In-Reply-To": f"<{original.message_id}>"},
    )
    assert offered.deliver(raw) == "applied"
    assert offered.offer_states()[2] == "picked"


def test_the_same_message_delivered_three_times_changes_state_once(offered: Offered) -> None:
    raw = reply(
        "won 5k USD",
        to=offered.reply_to(0),
        sender=offered.contacts[0].email,
        message_id="<same-message@dealer.example>",
    )
    offered.deliver(reply("pick", to=offered.reply_to(0), sender=offered.contacts[0].email))
    states = [offered.deliver(raw) for _ in range(3)]
    assert states == ["applied", "duplicate", "duplicate"]
    with offered.rt.db.read() as s:
        assert len(s.exec(select(Feedback)).all()) == 1


def test_our_own_mail_looping_back_is_ignored(offered: Offered, smtp: MailCapture) -> None:
    own = smtp.messages()[0].raw
    assert offered.deliver(own, rcpt=[offered.reply_to(0)]) == "ignored"
    assert offered.lead_state() == "offered"


def test_free_text_becomes_a_note_goes_to_review_and_the_partner_is_told_the_options(
    offered: Offered,
) -> None:
    text = (
        "Thanks for the lead. We are currently checking whether our installers have time in March, "
        "I will come back to you next week once I have talked to the team."
    )
    assert (
        offered.deliver(reply(text, to=offered.reply_to(0), sender=offered.contacts[0].email))
        == "review"
    )
    with offered.rt.db.read() as s:
        note = s.exec(select(Event).where(Event.kind == "lead.note")).one()
    assert "installers" in note.data["text"]
    assert _kinds_sent(offered).count("not_understood") == 1
    offered.deliver(reply(text + " Also", to=offered.reply_to(0), sender=offered.contacts[0].email))
    assert _kinds_sent(offered).count("not_understood") == 1  # at most one a day


def test_an_out_of_office_reply_moves_the_offer_on_and_marks_the_partner_away(
    offered: Offered,
) -> None:
    offered.rt.clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    raw = reply(
        "Ich bin bis zum 20.12.2026 nicht im Büro.",
        to=offered.reply_to(0),
        sender=offered.contacts[0].email,
        subject="Abwesenheitsnotiz: Neuer Lead",
        headers={"Auto-Submitted": "auto-replied"},
    )
    sent_before = len(_kinds_sent(offered))
    assert offered.deliver(raw) == "auto_reply"
    assert offered.offer_states()[0] == "away"
    now = offered.rt.clock.now()
    with offered.rt.db.read() as s:  # an away period of the contact pauses the partner
        period = s.exec(select(AwayPeriod)).one()
        back = back_at(paused_spans(s, offered.offers[0].organization_id, now), now)
    assert period.contact_id == offered.contacts[0].id and period.stand_in_id is None
    assert back is not None and back.date() == date(2026, 12, 20)
    assert "reply_confirmation" not in _kinds_sent(offered)[sent_before:]  # never answered


def test_a_hard_bounce_marks_the_address_and_tells_the_partner_managers(offered: Offered) -> None:
    rt, world = offered.rt, offered.world
    with rt.db.transaction() as s:
        s.add(
            Contact(
                organization_id=world.manufacturer(),
                name="PM",
                email="pm@nordwind.test",
                role="partner_manager",
                receives_offers=False,
                created_at=rt.clock.now(),
            )
        )
    with rt.db.read() as s:
        email = s.exec(
            select(OutboundEmail).where(OutboundEmail.to_addr == offered.contacts[0].email)
        ).first()
    assert email is not None and email.id is not None
    bounce_to = f"bounce+{rt.signer.bounce_key(email.id)}@{rt.settings.inbound_domain}"
    raw = _dsn(offered.contacts[0].email, "5.1.1", bounce_to)
    assert offered.deliver(raw, rcpt=[bounce_to]) == "bounce"
    with rt.db.read() as s:
        contact = s.get(Contact, offered.contacts[0].id)
        notice = s.exec(select(OutboundEmail).where(OutboundEmail.kind == "bounce_notice")).one()
    assert contact is not None and contact.undeliverable
    assert notice.to_addr == "pm@nordwind.test"


def test_review_queue_apply_and_dismiss(offered: Offered) -> None:
    raw = reply(
        "We might do it, let me check with my boss about the schedule and the budget first.",
        to=offered.reply_to(0),
        sender=offered.contacts[0].email,
    )
    assert offered.deliver(raw) == "asked"  # not sure: the partner is asked first
    offered.keep_open(days=3)
    stranger = reply("pick", to=offered.reply_to(1), sender="intruder@evil.example")
    offered.deliver(stranger)
    offered.rt.clock.advance(days=1, minutes=1)
    assert sweep_questions(offered.rt) == 1  # no choice within a day: to review
    with offered.rt.db.read() as s:
        first, second = (r.id for r in s.exec(select(InboundEmail).order_by(col(InboundEmail.id))))
    with unit(offered.rt, "console:1", "console") as ctx:
        apply_reviewed(ctx, first, Command(action="pick"))  # type: ignore[arg-type]
    with unit(offered.rt, "console:1", "console") as ctx:
        dismiss(ctx, second, "spam")  # type: ignore[arg-type]
    assert offered.lead_state() == "picked"
    with offered.rt.db.read() as s:
        assert [r.state for r in s.exec(select(InboundEmail).order_by(col(InboundEmail.id)))] == [
            "applied",
            "dismissed",
        ]


def _dsn(recipient: str, status: str, to: str) -> bytes:
    return (
        f"From: MAILER-DAEMON@mx.dealer.example\r\nTo: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-1@mx.dealer.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\n"
        "The mail system could not deliver your message.\r\n\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.dealer.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n--B--\r\n"
    ).encode()
