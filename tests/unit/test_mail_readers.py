"""Every email as its reader gets it: codes shown as labels, refusals as translated
sentences, amounts, shares, dates and times through Babel in the reader's locale and
zone, the footer of the reader's audience, a Reply-To on every partner email, no empty
address line, and no English sentence of the catalog in any other language."""

from __future__ import annotations

import pytest

from mailflow import i18n
from mailflow.mail import kinds, labels
from mailflow.mail.render import Rendered
from mailflow.runtime import Runtime
from tests.unit.test_catalogs import SAME_AS_ENGLISH
from tests.unit.test_email_templates import BRAND
from tests.unit.test_mail_languages import _SPACES, _all, _english_fragments, _render
from tests.unit.test_messages import BUILDS, rt  # noqa: F401  (rt: the fixture)

OTHER = [lang for lang in i18n.LANGUAGES if lang != "en"]


def _plain(mail: Rendered) -> str:
    return _all(mail).translate(_SPACES)


@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
@pytest.mark.parametrize("lang", OTHER)
def test_no_english_sentence_of_the_catalog_in_any_other_language(kind: str, lang: str) -> None:
    english, translated = _all(_render(kind, "en")), _all(_render(kind, lang))
    allowed = SAME_AS_ENGLISH.get(lang, {})
    left = [
        f for f in _english_fragments() if f in english and f in translated and f not in allowed
    ]
    assert left == []


@pytest.mark.parametrize(
    ("lang", "label"),
    [("en", "No capacity right now"), ("de", "Derzeit keine Kapazität"),
     ("fr", i18n.gettext("fr", "No capacity right now")),
     ("pl", i18n.gettext("pl", "No capacity right now"))],
)  # fmt: skip
def test_a_decline_reason_shows_as_its_label_not_its_code(lang: str, label: str) -> None:
    mail = _render("decline_ack", lang, reason="no capacity")
    assert label in mail.text and label in mail.html
    if lang != "en":
        assert label != "No capacity right now"
    assert "no capacity" not in _all(mail)
    # the partner's own words stay as they are
    own = _render("decline_ack", lang, reason="wir sind im Urlaub")
    assert "wir sind im Urlaub" in own.text


def test_an_offer_the_system_closed_shows_why_in_words_not_its_code() -> None:
    assert labels.label("de", "partner_deactivated") == "der Partner wurde deaktiviert"


def test_a_refusal_reaches_the_partner_as_a_translated_sentence() -> None:
    understood = {"action": "pick", "stage": None, "amount": None, "currency": None,
                  "reason": None, "summary": "pick"}  # fmt: skip
    for lang in ("de", "fr", "pl"):
        error = labels.refusal("Another partner picked this lead first.")
        mail = _render("reply_confirmation", lang, understood=understood, error=error)
        sentence = i18n.gettext(lang, "Another partner picked this lead first.")
        assert sentence != "Another partner picked this lead first."
        assert sentence in mail.text and "Another partner" not in _all(mail)
    # an English text that is not a catalog sentence never reaches a partner as it is
    assert labels.refusal("offer is expired") == labels.REFUSED
    mail = _render("reply_confirmation", "de", understood=understood, error=labels.REFUSED)
    assert i18n.gettext("de", labels.REFUSED) in mail.text


@pytest.mark.parametrize(
    ("lang", "amount"),
    [("en", "€12,500.00"), ("de", "12.500,00 €"), ("fr", "12 500,00 €"), ("pl", "12 500,00 €")],
)
def test_a_reply_confirmation_formats_the_amount_like_the_other_emails(
    lang: str, amount: str
) -> None:
    confirmation = _plain(_render("reply_confirmation", lang))
    thanks = _plain(_render("feedback_thanks", lang))
    assert amount in confirmation and amount in thanks
    assert "12,500.00 EUR" not in confirmation


@pytest.mark.parametrize(
    ("lang", "until", "offered"),
    [
        ("en", "Dec 1, 2026, 5:00 PM CET", "3 partners"),
        ("de", "01.12.2026, 17:00 MEZ", "3 Partner"),
        ("fr", "1 déc. 2026, 17:00 CET", "3 partenaires"),
        ("nl", "1 dec 2026, 17:00 CET", "3 partners"),
    ],
)
def test_the_offer_says_until_when_in_the_readers_zone_and_to_how_many(
    lang: str, until: str, offered: str
) -> None:
    mail = _render("offer", lang)  # expires 2026-12-01T16:00Z, reader in Europe/Berlin
    assert until in _plain(mail)
    assert offered in mail.text and offered in mail.html
    in_new_york = _render("offer", lang, tz="America/New_York")
    assert ("11:00" in in_new_york.text) or ("11:00 AM" in in_new_york.text)
    one = _render("offer", lang, offer={**kinds.sample("offer")["offer"], "offered_to": 1})
    assert i18n.ngettext(lang, "Offered to %(num)s partner only: your company.",
                         "Offered to %(num)s partners at the same time: the first to pick it "
                         "gets the customer.", 1) in one.text  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "de", "it"])
def test_the_footer_speaks_to_the_readers_audience(lang: str) -> None:
    brand = {"name": "Nordwind", "color": "#0b5cad", "footer": None}
    partner = i18n.gettext(
        lang, "You receive this email because your company is a sales partner of %(brand)s.",
        brand="Nordwind",
    )  # fmt: skip
    staff = i18n.gettext(
        lang,
        "You receive this email because you work with the leads and sales partners of %(brand)s.",
        brand="Nordwind",
    )
    my_leads = i18n.gettext(lang, "My leads")
    console = i18n.gettext(lang, "Open the lead console")
    for kind in ("weekly_report", "escalation", "queue_digest"):
        mail = _render(kind, lang, brand=brand, audience=kinds.STAFF)
        assert staff in mail.text and staff in mail.html, kind
        assert partner not in _all(mail) and my_leads not in _all(mail), kind
        assert console in mail.text, kind
    for kind in ("offer", "taken", "decline_ack"):
        mail = _render(kind, lang, brand=brand, audience=kinds.PARTNER)
        assert partner in mail.text and partner in mail.html, kind
        assert my_leads in mail.text and staff not in _all(mail), kind
    agency = _render("qualify_request", lang, brand=brand, audience=kinds.AGENCY)
    assert partner not in _all(agency) and staff not in _all(agency)


def test_the_audience_follows_the_recipients_organization() -> None:
    assert kinds.audience("weekly_report", "manufacturer") == kinds.STAFF
    assert kinds.audience("weekly_report", "dealer") == kinds.PARTNER
    assert kinds.audience("escalation") == kinds.STAFF
    assert kinds.audience("qualify_request", "agency") == kinds.AGENCY
    assert kinds.audience("taken") == kinds.PARTNER


def test_every_partner_email_about_an_offer_has_a_reply_key(rt: Runtime) -> None:  # noqa: F811
    # a registration, an invitation is about no offer; a digest about several, so no reply
    # says which
    about_no_offer = ("qualify_request", "deal_understood", "deal_decided", "deal_refused",
                      "deal_expiring", "deal_extended", "colleague_invite",
                      "offer_digest", "partner_invite", "invitation_reminder",
                      "terms_update")  # fmt: skip
    partner_kinds = [
        k for k in kinds.KINDS if kinds.audience(k) == kinds.PARTNER and k not in about_no_offer
    ]
    assert {"taken", "decline_ack", "moved_on", "pick_blocked"} <= set(partner_kinds)
    missing = [k for k in partner_kinds if not BUILDS[k](rt).get("reply_key")]
    assert missing == []


@pytest.mark.parametrize("lang", ["en", "de", "es"])
def test_a_missing_street_or_place_leaves_no_empty_address_line(lang: str) -> None:
    lead = dict(kinds.sample("details")["lead"])
    word = i18n.gettext(lang, "Address")
    no_street = _render("details", lang, lead={**lead, "customer_street": None})
    line = next(x for x in no_street.text.splitlines() if x.startswith(word))
    assert line == f"{word}: 70173 Stuttgart DE"
    assert ">70173 Stuttgart DE</td>" in no_street.html.replace("\n", "")
    nothing = {**lead, "customer_street": "", "postal_code": None, "city": None, "country": None}
    empty = _render("details", lang, lead=nothing)
    assert f"{word}:" not in empty.text and f">{word}<" not in empty.html
    assert "None" not in empty.text and ", ," not in empty.text
    for value in (None, ""):
        bare = _render("details", lang, lead={**lead, "customer_email": value})
        assert f"{i18n.gettext(lang, 'Email')}: \n" not in bare.text


@pytest.mark.parametrize(
    ("lang", "won", "rate", "pipeline", "day"),
    [
        ("en", "€54,200.00", "79%", "€9,000.00", "11/16/26"),
        ("de", "54.200,00 €", "79 %", "9.000,00 €", "16.11.26"),
        ("fr", "54 200,00 €", "79 %", "9 000,00 €", "16/11/2026"),
    ],
)
def test_the_weekly_report_formats_its_figures_in_the_readers_locale(
    lang: str, won: str, rate: str, pipeline: str, day: str
) -> None:
    mail = _render("weekly_report", lang)
    text = _plain(mail)
    for value in (won, rate, pipeline, day):
        assert value in text, value
    assert "Conversion rate" not in mail.html or lang == "en"


def test_an_unknown_senders_refusal_says_why_they_got_it_not_that_they_are_a_partner() -> None:
    assert kinds.audience("deal_refused") == kinds.SENDER
    brand = {**BRAND, "footer": None}
    for lang in ("en", "de"):
        text = _render("deal_refused", lang, brand=brand, audience=kinds.SENDER).text
        assert i18n.gettext(lang, "You receive this email because you wrote to %(brand)s.",
                            brand=brand["name"]) in text  # fmt: skip
        partner = "You receive this email because your company is a sales partner of %(brand)s."
        assert i18n.gettext(lang, partner, brand=brand["name"]) not in text
