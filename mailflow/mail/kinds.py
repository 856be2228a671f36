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
# Template globals from :mod:`mailflow.i18n`.
GLOBALS: frozenset[str] = frozenset({"_", "gettext", "ngettext"})

KINDS: dict[str, frozenset[str]] = {
    "offer": frozenset({"lead", "offer"}),
    "details": frozenset({"lead"}),
    "taken": frozenset({"lead"}),
    "moved_on": frozenset({"lead", "offer", "reason"}),
    "decline_ack": frozenset({"lead", "reason"}),
    "feedback_thanks": frozenset({"lead", "stage", "amount", "currency"}),
    "reminder": frozenset({"lead", "offer", "hours_left"}),
    "feedback_request": frozenset({"lead", "days_since_pick"}),
    "queue_block": frozenset({"pending", "pending_count", "limit"}),
    "escalation": frozenset({"lead", "offer", "partner", "reason"}),
    "reply_confirmation": frozenset({"lead", "command", "summary"}),
    "not_understood": frozenset({"lead", "excerpt"}),
    "weekly_report": frozenset({"period", "kpis", "open_leads", "currency"}),
    "password_reset": frozenset({"reset_url", "expires_minutes"}),
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
    for a in ("pick", "decline", "feedback", "portal", "console", "unsubscribe")
}
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
        "partner": {"id": 5, "name": "Haustechnik Schwaben GmbH"},
        "command": "pick",
        "summary": "You picked lead #1042.",
        "excerpt": "Hello, can you send me more about this?",
        "period": {"start": "2026-11-16", "end": "2026-11-22"},
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
    }
    if kind not in REPORT_KINDS:  # the outbox adds the unsubscribe link to reports only
        del data["links"]["unsubscribe"]
    keep = allowed(kind)
    return {k: v for k, v in data.items() if k in keep}
