"""Every message kind and the context variables its template may use.

This table is the contract between the actions that queue an email (they fill the
variables) and the templates ops edit in the console (they may use only these). The
console refuses a template that uses a variable not listed here, and the preview fills
each kind with the sample data below. ``templates/email/README.md`` explains the same
in prose; a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

# Filled for every email by the outbox (``lang``, ``brand``, ``recipient_name``) or the
# renderer (``subject_line``: the rendered subject), set by the template itself
# (``preheader``), or given by the action when replies are possible (``reply_key``);
# ``links`` is a dict of http(s) URLs (any other value is dropped before rendering).
COMMON: frozenset[str] = frozenset(
    {"lang", "brand", "recipient_name", "links", "preheader", "subject_line", "reply_key"}
)
# Template globals: gettext bound to ``lang`` (:mod:`mailflow.mail.sandbox`).
GLOBALS: frozenset[str] = frozenset({"_", "gettext", "ngettext"})

KINDS: dict[str, frozenset[str]] = {
    # the lead loop
    "offer": frozenset({"lead", "offer"}),
    "details": frozenset({"lead"}),
    "taken": frozenset({"lead"}),
    "decline_ack": frozenset({"lead", "reason"}),
    "feedback_thanks": frozenset({"lead", "stage", "amount", "currency"}),
    # SLAs, rings, reminders, processing queue
    "moved_on": frozenset({"lead", "state"}),
    "offer_reminder": frozenset({"lead", "offer"}),
    "feedback_reminder": frozenset({"lead", "state", "buttons"}),
    "pick_blocked": frozenset({"overdue", "limit"}),
    "escalation": frozenset({"lead", "ring", "why"}),
    "queue_digest": frozenset({"partners"}),
    # answers by email
    "reply_confirmation": frozenset({"lead", "understood", "error"}),
    "not_understood": frozenset({"lead", "text"}),
    "bounce_notice": frozenset({"partner", "address", "contact_name", "status"}),
    "away_confirm": frozenset({"partner", "until", "asked"}),
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
            "unsubscribe_url",
        }
    ),
    "password_reset": frozenset(),
    # a console user's new address: confirmed from the old one, then a notice to the new one
    "email_change": frozenset({"old_email", "new_email", "hours"}),
    "email_changed": frozenset({"old_email", "new_email"}),
}

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
} | {"confirm": "https://leads.example.com/away/sample-token"}
_CONFIRM_EMAIL = "https://leads.example.com/console/email/sample-token"
_OFFER = {"id": 77, "ring": 1, "expires_at": "2026-12-01T16:00:00+00:00", "distance_km": 12}


def sample(kind: str, lang: str = "en") -> dict[str, Any]:
    """Realistic data for the console preview and the test email."""
    data: dict[str, Any] = {
        "lang": lang,
        "recipient_name": "Anna Berger",
        "links": dict(_LINKS),
        "lead": dict(_DETAILS if kind in ("details", "feedback_thanks") else _TEASER),
        "offer": dict(_OFFER),
        "reply_key": "1x.2y.sample0000",
        "reason": "too far away",
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
                "pick_rate_pct": "60 %",
                "cr_pct": "33 %",
                "weak_closer": False,
            },
        ],
        "command": "pick",
        "summary": "You picked lead #1042.",
        "excerpt": "Hello, can you send me more about this?",
        "period": {"label": "2026-W47", "start": "16.11.2026", "end": "22.11.2026"},
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
        "understood": {
            "action": "feedback",
            "stage": "won",
            "amount": "12,500.00 EUR",
            "reason": None,
            "summary": "won 12,500.00 EUR",
        },
        "error": None,
        "text": "Hello, can you send me more about this?",
        "address": "old.partner@dealer.example",
        "contact_name": "Max Mustermann",
        "status": "5.1.1",
        "until": "2026-12-28",
        "asked": "2028-11-20",
        "headlines": [{"label": "Pick rate", "value": "79 %", "previous": "70 %", "trend": "up"}],
        "pipeline": [
            {"label": "meeting", "count": 2, "value": 9000.0, "width": 100, "color": "#0b5cad"}
        ],
        "picks": [{"label": "16.11.", "count": 3, "width": 100, "color": "#2f9e6d"}],
        "actions": [
            {"id": 7, "state": "contacted", "url": _LINKS["feedback"], "action": "feedback"}
        ],
        "reps": [{"name": "Rita", "picks": 2, "pick_rate_pct": "50 %", "cr_pct": "–"}],
        "unsubscribe_url": "https://leads.example.com/reports/unsubscribe/sample",
    }
    if kind == "email_change":
        data["links"]["confirm"] = _CONFIRM_EMAIL
    keep = allowed(kind)
    return {k: v for k, v in data.items() if k in keep}
