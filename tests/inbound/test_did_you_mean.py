"""A reply that is not clearly one command is asked back ("did you mean …?") with
one-click choices; a clear one gets one email that says what was understood."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import col, select

from mailflow.actions.outbound import outbox
from mailflow.jobs.sweeps import sweep_questions
from mailflow.mail.capture import CapturedMail, MailCapture
from mailflow.models import Event, InboundEmail, OutboundEmail
from mailflow.runtime import Runtime
from tests.factories import World
from tests.inbound.conftest import Offered
from tests.inbound.test_review_console import _login

UNSURE = "Vielleicht nehmen wir ihn."  # a pick, but not said plainly enough to act on


@pytest.fixture
def german(rt: Runtime, world: World, smtp: MailCapture) -> Offered:
    """An offered lead whose partners read German."""
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city, contacts=2, language="de")
    lead, offers = world.offered_lead()
    contacts = [world.contacts(o.organization_id)[0] for o in offers]
    _send(rt)
    smtp.clear()
    return Offered(rt, world, lead, offers, contacts)


def _send(rt: Runtime) -> None:
    outbox.dispatch(rt, outbox.due_ids(rt, rt.clock.now()))


def _mails(offered: Offered, smtp: MailCapture, i: int = 0) -> list[CapturedMail]:
    """The emails sent to the ``i``-th contact since the last look."""
    _send(offered.rt)
    found = [m for m in smtp.messages() if offered.contacts[i].email in m.to]
    smtp.clear()
    return found


def _kind(mail: CapturedMail) -> str:
    return str(mail.message["X-Mailflow-Kind"])


def _choice_links(mail: CapturedMail) -> list[str]:
    return re.findall(r'href="(http[^"]+/r/[^"]+)"', mail.part("html"))


def _path(url: str) -> str:
    return "/r/" + url.split("/r/", 1)[1]


def _asked(german: Offered, smtp: MailCapture, i: int = 0) -> CapturedMail:
    assert german.deliver(german.reply_from(i, UNSURE)) == "asked"
    mails = _mails(german, smtp, i)
    assert [_kind(m) for m in mails] == ["did_you_mean"]
    return mails[0]


def test_an_unsure_reply_is_asked_back_and_the_click_applies_it(
    german: Offered, smtp: MailCapture, client: Any
) -> None:
    question = _asked(german, smtp)
    assert german.lead_state() == "offered"  # nothing applied on a guess
    assert question.subject.startswith("Meinten Sie")
    html = question.part("html")
    assert "Vielleicht nehmen wir ihn." in html and "Nur eine Notiz" in html
    links = _choice_links(question)
    assert len(links) == 2  # the pick, and "only a note"
    assert "- Übernehmen: http" in question.part("plain")

    shown = client.get(_path(links[0]))
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and '<html lang="de">' in page
    assert 'data-action="confirm"' in page and "Meinten Sie: übernehmen?" in page
    assert german.lead_state() == "offered"  # GET changes nothing

    done = client.post(_path(links[0]))
    assert done.status_code == 200 and 'data-testid="choice-done"' in done.get_data(as_text=True)
    assert german.lead_state() == "picked"
    assert german.world.reload(german.lead).owner_contact_id == german.contacts[0].id
    mails = _mails(german, smtp)
    assert [_kind(m) for m in mails] == ["details"]  # one email: no extra confirmation
    assert "„nehmen wir“" in mails[0].part("plain")  # quotes the words it went by
    with german.rt.db.read() as s:
        row = s.exec(select(InboundEmail)).one()
        chosen = s.exec(select(Event).where(Event.kind == "inbound.chosen")).one()
    assert (row.state, row.outcome["chosen"]) == ("applied", "0")
    assert chosen.actor == f"contact:{german.contacts[0].id}" and chosen.channel == "web"

    again = client.post(_path(links[0]))
    assert again.status_code == 200 and 'data-testid="choice-before"' in again.get_data(
        as_text=True
    )
    assert _mails(german, smtp) == []  # nothing done twice
    other = client.post(_path(links[1]))  # "only a note" after the pick: still the pick
    assert other.status_code == 200 and "Erfasst: übernehmen" in other.get_data(as_text=True)


def test_only_a_note_keeps_the_reply_and_closes_the_question(
    german: Offered, smtp: MailCapture, client: Any
) -> None:
    note = _choice_links(_asked(german, smtp))[-1]
    assert "nur als Notiz am Lead speichern" in client.get(_path(note)).get_data(as_text=True)
    done = client.post(_path(note))
    assert done.status_code == 200 and "als Notiz" in done.get_data(as_text=True)
    assert german.lead_state() == "offered"
    with german.rt.db.read() as s:
        row = s.exec(select(InboundEmail)).one()
        notes = s.exec(select(Event).where(Event.kind == "lead.note")).all()
    assert row.state == "noted" and [n.data["text"] for n in notes] == [UNSURE]
    assert sweep_questions(german.rt) == 0
    german.rt.clock.advance(days=2)
    assert sweep_questions(german.rt) == 0  # answered: never to review


def test_an_expired_or_damaged_link_changes_nothing(
    german: Offered, smtp: MailCapture, client: Any
) -> None:
    link = _choice_links(_asked(german, smtp))[0]
    damaged = client.post(_path(link)[:-3] + "xyz")
    assert damaged.status_code == 404
    german.rt.clock.advance(days=german.rt.settings.token_max_age_days + 1)
    expired = client.post(_path(link))
    assert expired.status_code == 410 and "abgelaufen" in expired.get_data(as_text=True)
    assert german.lead_state() == "offered"


def test_a_choice_is_refused_when_another_partner_picked_meanwhile(
    german: Offered, smtp: MailCapture, client: Any
) -> None:
    link = _choice_links(_asked(german, smtp))[0]
    assert german.deliver(german.reply_from(1, "Wir nehmen ihn.")) == "applied"
    refused = client.post(_path(link))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and 'data-testid="choice-error"' in page
    assert "Es wurde nichts geändert" in page and "another partner" not in page
    assert german.world.reload(german.lead).owner_contact_id == german.contacts[1].id
    with german.rt.db.read() as s:
        assert s.exec(select(InboundEmail).order_by(col(InboundEmail.id))).first().state == "asked"  # type: ignore[union-attr]


def test_a_question_unanswered_for_a_day_goes_to_review(
    german: Offered, smtp: MailCapture, client: Any
) -> None:
    link = _choice_links(_asked(german, smtp))[0]
    german.keep_open(days=3)  # longer than the day the question waits
    german.rt.clock.advance(hours=23)
    assert sweep_questions(german.rt) == 0
    german.rt.clock.advance(hours=2)
    assert sweep_questions(german.rt) == 1
    assert sweep_questions(german.rt) == 0  # once
    with german.rt.db.read() as s:
        row = s.exec(select(InboundEmail)).one()
        moved = s.exec(select(Event).where(Event.kind == "inbound.unanswered")).one()
    assert row.state == "review" and moved.to_state == "review"
    _login(client, german)
    shown = client.get(f"/console/inbound/{row.id}").get_data(as_text=True)
    assert 'data-testid="choices"' in shown and "pick" in shown and "nehmen wir" in shown
    # the partner may still answer while it waits in review
    assert client.post(_path(link)).status_code == 200
    assert german.lead_state() == "picked"


def test_a_clear_pick_by_reply_gets_one_email_that_says_what_was_understood(
    german: Offered, smtp: MailCapture
) -> None:
    assert german.deliver(german.reply_from(0, "Wir nehmen ihn.")) == "applied"
    mails = _mails(german, smtp)
    assert [_kind(m) for m in mails] == ["details"]
    assert "Verstanden aus Ihrer Antwort „Wir nehmen“: übernehmen" in mails[0].part("plain")

    assert german.deliver(german.reply_from(0, "Gewonnen, 14.200 EUR")) == "applied"
    mails = _mails(german, smtp)
    assert [_kind(m) for m in mails] == ["feedback_thanks"]
    assert "„Gewonnen“: gewonnen 14.200,00\xa0€" in mails[0].part("plain")


def test_a_reply_without_any_reading_is_kept_as_a_note_as_before(
    german: Offered, smtp: MailCapture
) -> None:
    assert german.deliver(german.reply_from(0, "Kunde überlegt noch.")) == "review"
    assert [_kind(m) for m in _mails(german, smtp)] == ["not_understood"]
    with german.rt.db.read() as s:
        kinds = [e.kind for e in s.exec(select(OutboundEmail))]
    assert "did_you_mean" not in kinds
