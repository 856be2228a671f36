"""Every message kind and the context variables its template may use.

This table is the contract between the actions that queue an email (they fill the
variables) and the templates ops edit in the console (they may use only these). The
console refuses a template that uses a variable not listed here, and the preview fills
each kind with the sample data below. ``templates/email/README.md`` explains the same
in prose; a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from mailflow.i18n import N_

# Filled for every email by the outbox (``lang``, ``tz``: the reader's time zone, ``brand``,
# ``recipient_name``, ``audience``) or the renderer (``subject_line``: the rendered subject),
# set by the template itself (``preheader``), or given by the action when replies are
# possible (``reply_key``; the outbox adds ``mailto``: the ``mailto:`` replies to the
# actions the links offer, action → URL) and, answering a partner's message, its Message-ID
# (``in_reply_to``); ``links`` is a dict of http(s) URLs (any other value is dropped before
# rendering).
COMMON: frozenset[str] = frozenset(
    {
        "lang",
        "tz",
        "brand",
        "recipient_name",
        "audience",
        "links",
        "preheader",
        "subject_line",
        "reply_key",
        "mailto",
        "in_reply_to",
    }
)
# What a person reads for each kind (the console's template list and editors, the brand's
# preview); the kind itself stays the key of files, URLs and the API.
NAMES: dict[str, str] = {
    "offer": N_("Offer of a lead"),
    "details": N_("Customer details after a pick"),
    "taken": N_("Lead taken by another partner"),
    "decline_ack": N_("Decline acknowledged"),
    "feedback_thanks": N_("Thanks for the feedback"),
    "moved_on": N_("Offer moved on"),
    "offer_reminder": N_("Reminder of an open offer"),
    "feedback_reminder": N_("Reminder to report on a lead"),
    "pick_blocked": N_("Pick blocked by missing feedback"),
    "escalation": N_("Escalation to the partner manager"),
    "queue_digest": N_("Digest of overdue feedback"),
    "reply_confirmation": N_("Confirmation of an email reply"),
    "not_understood": N_("Email reply not understood"),
    "staff_message": N_("Message from the manufacturer's staff"),
    "did_you_mean": N_("Question back: did you mean …?"),
    "bounce_notice": N_("Undeliverable email address"),
    "away_confirm": N_("Away period confirmed by email"),
    "qualify_request": N_("Qualification request to the agency"),
    "weekly_report": N_("Weekly report"),
    "password_reset": N_("Password reset link"),
    "email_change": N_("Confirmation of a new email address"),
    "email_changed": N_("Email address changed notice"),
    "connection_alert": N_("Mail connection alert"),
    "colleague_invite": N_("Invitation of a colleague"),
    "partner_invite": N_("Invitation of a new partner"),
    "invitation_reminder": N_("Reminder of a partner's invitation"),
    "terms_update": N_("New version of the terms to accept"),
    "offer_digest": N_("Digest of offers of cold leads"),
    "territory_request": N_("Request to widen a territory"),
    "deal_understood": N_("Deal registration: what was understood"),
    "deal_review": N_("Deal registration to decide"),
    "deal_decided": N_("Deal registration decided"),
    "deal_refused": N_("Deal registration from an unknown sender refused"),
    "deal_expiring": N_("Exclusivity of a deal registration ending soon"),
    "deal_extension": N_("Request to extend a deal registration"),
    "deal_extended": N_("Deal registration extended"),
}
# Template globals: gettext bound to ``lang`` (:mod:`mailflow.mail.sandbox`).
GLOBALS: frozenset[str] = frozenset({"_", "gettext", "ngettext"})

KINDS: dict[str, frozenset[str]] = {
    # the lead loop
    "offer": frozenset({"lead", "offer"}),
    # a contact's held offers of cold leads: list of {lead (teaser), offer, pick, decline}
    "offer_digest": frozenset({"offers"}),
    # ``heard``: what a reply was taken as, when the reply caused this email
    "details": frozenset({"lead", "heard"}),
    "taken": frozenset({"lead", "offer"}),
    "decline_ack": frozenset({"lead", "offer", "reason", "heard", "others_open"}),
    "feedback_thanks": frozenset({"lead", "stage", "amount", "currency", "heard"}),
    # SLAs, rings, reminders, processing queue
    "moved_on": frozenset({"lead", "state"}),
    "offer_reminder": frozenset({"lead", "offer"}),
    "feedback_reminder": frozenset({"lead", "state", "buttons"}),
    "pick_blocked": frozenset({"overdue", "limit"}),
    "escalation": frozenset({"lead", "ring", "why", "declined"}),
    "queue_digest": frozenset({"partners"}),
    # answers by email
    "reply_confirmation": frozenset({"lead", "understood", "error"}),
    "not_understood": frozenset({"lead", "text"}),
    # the manufacturer's staff answer a partner by email (``sender``: the staff's name)
    "staff_message": frozenset({"lead", "offer", "text", "sender"}),
    "did_you_mean": frozenset({"lead", "text", "words", "choices"}),
    "bounce_notice": frozenset({"partner", "address", "contact_name", "status"}),
    "away_confirm": frozenset({"partner", "until", "asked"}),
    # a colleague a partner's contact added on the profile page: its link confirms
    "colleague_invite": frozenset({"partner", "inviter"}),
    # onboarding: a partner the staff invited (its link accepts the terms and keeps the
    # profile), reminded after 3 and 10 days; an active partner asked to accept a new
    # version of the terms or the data-processing agreement (``kinds``: "terms", "dpa")
    "partner_invite": frozenset({"partner", "expires_at"}),
    "invitation_reminder": frozenset({"partner", "expires_at"}),
    "terms_update": frozenset({"kinds"}),
    # a partner asked for regions beyond what it is allowed: to its partner manager
    "territory_request": frozenset({"partner", "asker", "requested", "wider"}),
    # qualification by an agency
    "qualify_request": frozenset({"lead"}),
    # reports and console accounts
    "weekly_report": frozenset(
        {
            "period",
            "headlines",
            "pipeline",
            "picks",
            "partners",
            "actions",
            "reps",
            "currency",
            "unsubscribe_url",
        }
    ),
    "password_reset": frozenset(),
    # a console user's new address: confirmed from the old one, then a notice to the new one
    "email_change": frozenset({"old_email", "new_email", "hours"}),
    "email_changed": frozenset({"old_email", "new_email"}),
    # a mailbox or the way out failing (a refused sign-in, a mailbox not read for a while)
    "connection_alert": frozenset({"connection", "problem", "detail"}),
    # deal registrations: what a forwarded email was read as, the staff's decision on a
    # registration and its answer
    "deal_understood": frozenset({"deal"}),
    "deal_review": frozenset({"deal", "partner", "conflicts"}),
    "deal_decided": frozenset({"deal", "reason"}),
    "deal_refused": frozenset(),
    # an approved registration's exclusivity: ending soon, more time asked for, granted
    "deal_expiring": frozenset({"deal"}),
    "deal_extension": frozenset({"deal", "partner", "days"}),
    "deal_extended": frozenset({"deal"}),
}

# Who reads each kind, for its footer: a sales partner's contact, the manufacturer's staff
# (ops, partner managers), or a qualifying agency. The recipient's organization decides
# where a kind goes to both (a weekly report goes to ops and to dealers' managers).
PARTNER, STAFF, AGENCY = "partner", "staff", "agency"
SENDER = "sender"  # someone who wrote to us and is no contact (an unknown sender's refusal)
AUDIENCE: dict[str, str] = {
    "escalation": STAFF,
    "queue_digest": STAFF,
    "bounce_notice": STAFF,
    "away_confirm": STAFF,
    "territory_request": STAFF,
    "weekly_report": STAFF,
    "password_reset": STAFF,
    "email_change": STAFF,
    "email_changed": STAFF,
    "connection_alert": STAFF,
    "qualify_request": AGENCY,
    "deal_review": STAFF,
    "deal_refused": SENDER,
    "deal_extension": STAFF,
}


def audience(kind: str, organization_kind: str | None = None) -> str:
    """The reader of ``kind`` sent to a member of an organization of ``organization_kind``
    (``None``: unknown, the kind's usual reader)."""
    if organization_kind == "manufacturer":
        return STAFF
    if organization_kind == "agency":
        return AGENCY
    if organization_kind is not None:
        return PARTNER
    return AUDIENCE.get(kind, PARTNER)


# Emails to a partner not active yet: the footer has no profile link (it opens once the
# partner has joined)
BEFORE_JOINING: frozenset[str] = frozenset({"partner_invite", "invitation_reminder"})

# Emails that may be switched off by the recipient (RFC 8058 one-click unsubscribe).
REPORT_KINDS: frozenset[str] = frozenset({"weekly_report"})


def allowed(kind: str) -> frozenset[str]:
    return COMMON | GLOBALS | KINDS.get(kind, frozenset())


_TEASER = {
    "id": 1042,
    "temperature": "hot",
    "region": "70xxx Stuttgart DE",
    "city": "Stuttgart",
    "country": "DE",
    "product_line": "Heat pump 12 kW",
    "requirement": "Replace a 20-year-old oil boiler in a detached house (180 m²) "
    "with a heat pump; installation before winter.",
    "value": "18500",
    "currency": "EUR",
}
_DETAILS = {
    **_TEASER,
    "customer_name": "Erika Mustermann",
    "customer_company": "Mustermann GmbH",
    "customer_email": "erika@mustermann.example",
    "customer_phone": "+49 711 123456",
    "customer_street": "Königstraße 1",
    "postal_code": "70173",
    "remarks": "Prefers a call in the afternoon.",
}
_LINKS = {
    a: f"https://leads.example.com/a/sample-{a}"
    for a in ("pick", "decline", "feedback", "portal", "console")
} | {
    "profile": "https://leads.example.com/p/sample-token",
    "confirm": "https://leads.example.com/away/sample-token",
    "deal": "https://leads.example.com/deal/sample-token",
    "note": "https://leads.example.com/r/sample-note",
    "join": "https://leads.example.com/join/sample-token",
    "terms": "https://leads.example.com/terms/sample-token",
}
# A link name two kinds use for different pages: each kind's sample points to its own
# (a territory request is decided on /territory/, a deal registration on /deal-review/).
_KIND_LINKS: dict[str, dict[str, str]] = {
    "territory_request": {"decide": "https://leads.example.com/territory/sample-token"},
    "deal_review": {"decide": "https://leads.example.com/deal-review/sample-token"},
}
_CONFIRM_EMAIL = "https://leads.example.com/console/email/sample-token"
_DEAL = {
    "id": 31,
    "customer_name": "Jonas Weber",
    "customer_company": "Weber Haustechnik GmbH",
    "customer_email": "j.weber@weber-haustechnik.example",
    "customer_phone": "+49 711 987654",
    "requirement": "Two heat pumps for a new office building, installation in spring.",
    "value": "42000",
    "currency": "EUR",
    "note": "Met them at the trade fair.",
    "state": "approved",
    "exclusive_until": "2027-03-07T10:00:00+00:00",
}
_OFFER = {
    "id": 77,
    "ring": 1,
    "offered_at": "2026-11-30T08:00:00+00:00",
    "expires_at": "2026-12-01T16:00:00+00:00",
    "distance_km": 12,
    "offered_to": 3,
}


def sample(kind: str, lang: str = "en") -> dict[str, Any]:
    """Realistic data for the console preview and the test email."""
    data: dict[str, Any] = {
        "lang": lang,
        "tz": "Europe/Berlin",
        "audience": AUDIENCE.get(kind, PARTNER),
        "recipient_name": "Anna Berger",
        "links": _LINKS | _KIND_LINKS.get(kind, {}),
        "lead": dict(_DETAILS if kind in ("details", "feedback_thanks") else _TEASER),
        "offer": dict(_OFFER),
        "reply_key": "1x.2y.sample0000",
        "reason": "no capacity",
        "deal": dict(_DEAL),
        "days": 30,
        "conflicts": [
            {
                "kind": "lead",
                "id": 1017,
                "state": "offered",
                "organization_id": 4,
                "match": ["domain", "company"],
            },
            {
                "kind": "registration",
                "id": 28,
                "state": "submitted",
                "organization_id": 9,
                "match": ["company"],
            },
        ],
        "stage": "meeting",
        "amount": "12500",
        "currency": "EUR",
        "hours_left": 2,
        "days_since_pick": 7,
        "pending": [
            {"lead": dict(_TEASER, id=1000 + i), "link": _LINKS["feedback"], "age_days": 9 + i}
            for i in range(3)
        ],
        "pending_count": 3,
        "limit": 3,
        "partner": "Haustechnik Schwaben GmbH",
        "partners": [
            {
                "name": "Haustechnik Schwaben GmbH",
                "overdue": 4,
                "limit": 3,
                "blocked": True,
                "picks": 5,
                "pick_rate": 0.71,
                "cr": 0.2,
                "pick_rate_pct": "71 %",
                "cr_pct": "20 %",
                "weak_closer": True,
            },
            {
                "name": "Klima Kraus GmbH",
                "overdue": 1,
                "limit": 3,
                "blocked": False,
                "picks": 3,
                "pick_rate": 0.6,
                "cr": 0.33,
                "pick_rate_pct": "60 %",
                "cr_pct": "33 %",
                "weak_closer": False,
            },
        ],
        "command": "pick",
        "summary": "You picked lead #1042.",
        "excerpt": "Hello, can you send me more about this?",
        "period": {"label": "2026-W47", "start": "2026-11-16", "end": "2026-11-22"},
        "kpis": {
            "offered": 14,
            "picked": 11,
            "won": 3,
            "lost": 2,
            "pick_rate": 79,
            "median_pick_minutes": 38,
            "won_value": "54200",
        },
        "open_leads": [
            {"lead": dict(_TEASER, id=990 + i), "state": "contacted", "link": _LINKS["feedback"]}
            for i in range(2)
        ],
        "reset_url": "https://leads.example.com/console/reset/sample-token",
        "expires_minutes": 30,
        "old_email": "anna.berger@nordwind.example",
        "new_email": "a.berger@nordwind.example",
        "hours": 24,
        "connection": "graph://nordwind.onmicrosoft.com/leads@nordwind.example",
        "problem": "The provider refused our sign-in: check the client secret, the admin "
        "consent or the delegation.",
        "detail": "invalid_client (AADSTS7000215: Invalid client secret provided)",
        "state": "contacted",
        "buttons": [(s, f"{_LINKS['feedback']}?stage={s}") for s in ("contacted", "won", "lost")],
        "overdue": [
            {
                "lead": dict(_DETAILS, id=1000 + i),
                "state": "picked",
                "buttons": [(s, f"{_LINKS['feedback']}?stage={s}") for s in ("contacted", "won")],
            }
            for i in range(3)
        ],
        "ring": 3,
        "why": "last_ring",
        "others_open": 2,
        "sender": "Paula Berger",
        "inviter": "Jonas Keller",
        "expires_at": "2027-01-06T10:00:00+00:00",
        "kinds": ["terms", "dpa"],
        "offers": [
            {
                "lead": dict(_TEASER, id=1042 + i, temperature="cold"),
                "offer": dict(_OFFER, id=77 + i),
                "pick": f"https://leads.example.com/a/sample-pick-{i}",
                "decline": f"https://leads.example.com/a/sample-decline-{i}",
            }
            for i in range(2)
        ],
        "asker": "Jonas Keller",
        "requested": ["DE-7", "DE-8", "AT"],
        "wider": ["DE-8", "AT"],
        "declined": [
            {"name": "Klima Kraus GmbH", "reason": "no capacity"},
            {"name": "Wärme Nord KG", "reason": "Customer is outside our service area"},
        ],
        "understood": {
            "action": "feedback",
            "stage": "won",
            "amount": "12500.00",
            "currency": "EUR",
            "reason": None,
            "summary": "won 12,500.00 EUR",
            "words": "got the order",
        },
        "error": None,
        "heard": {
            "action": "feedback",
            "stage": "won",
            "amount": "12500.00",
            "currency": "EUR",
            "reason": None,
            "words": "got the order",
        },
        "words": "we got it",
        "choices": [
            {
                "action": "feedback",
                "stage": "won",
                "amount": "14200",
                "currency": "EUR",
                "reason": None,
                "url": "https://leads.example.com/r/sample-0",
            },
            {
                "action": "pick",
                "stage": None,
                "amount": None,
                "currency": None,
                "reason": None,
                "url": "https://leads.example.com/r/sample-1",
            },
        ],
        "text": "Hello, can you send me more about this?",
        "address": "old.partner@dealer.example",
        "contact_name": "Max Mustermann",
        "status": "5.1.1",
        "until": "2026-12-28",
        "asked": "2028-11-20",
        "headlines": [
            {"label": "Pick rate", "unit": "percent", "now": 0.79, "before": 0.7, "trend": "up"},
            {"label": "Value won", "unit": "money", "now": 54200, "before": 31000, "trend": "up"},
            {
                "label": "Time to pick (median, h)",
                "unit": "number",
                "now": 1.5,
                "before": 2.25,
                "trend": "up",
            },
        ],
        "pipeline": [
            {"label": "meeting", "count": 2, "value": 9000.0, "width": 100, "color": "#0b5cad"}
        ],
        "picks": [
            {"label": "16.11.", "start": "2026-11-16", "count": 3, "width": 100, "color": "#2f9e6d"}
        ],
        "actions": [
            {
                "id": 7,
                "state": "contacted",
                "since": "2026-11-18",
                "url": _LINKS["feedback"],
                "action": "feedback",
            },
            {
                "id": 8,
                "state": "meeting",
                "since": "2026-11-19",
                "url": _LINKS["console"],
                "action": "console",
            },
        ],
        "reps": [
            {
                "name": "Rita",
                "picks": 2,
                "pick_rate": 0.5,
                "cr": None,
                "pick_rate_pct": "50 %",
                "cr_pct": "–",
            }
        ],
        "unsubscribe_url": "https://leads.example.com/reports/unsubscribe/sample",
    }
    if kind == "email_change":
        data["links"]["confirm"] = _CONFIRM_EMAIL
    keep = allowed(kind)
    return {k: v for k, v in data.items() if k in keep}
