"""What a push notification says: a title and a short text in the contact's language and
the signed link of the email it accompanies. Never the customer's name or address: the
payload passes through the push service and shows on a lock screen."""

from __future__ import annotations

from typing import Any

from mailflow import i18n
from mailflow.i18n import N_

# the email kinds that also go out as a notification: (title, text)
TEXTS: dict[str, tuple[str, str]] = {
    "offer": (
        N_("New lead offer"),
        N_("Lead #%(id)s is offered to you. Open it to pick it or decline."),
    ),
    "did_you_mean": (
        N_("Did you mean …?"),
        N_("We were not sure what your reply about lead #%(id)s meant. Open it to choose."),
    ),
}


def notification(
    kind: str, lang: str, context: dict[str, Any], lead_id: int | None
) -> dict[str, Any]:
    """The payload for the email ``kind`` with ``context`` (its outbox row's), in ``lang``."""
    title, text = TEXTS[kind]
    return {
        "title": i18n.gettext(lang, title),
        "body": i18n.gettext(lang, text, id=lead_id),
        "url": link(kind, context),
        "lang": lang,
        "tag": f"{kind}-{lead_id}",  # a second notification of the same replaces the first
    }


def link(kind: str, context: dict[str, Any]) -> str:
    """The email's main signed link: the pick dialog of an offer (it shows the offer and
    both buttons); the likeliest reading of a "did you mean" question."""
    links = context.get("links") or {}
    if kind == "did_you_mean":
        choices = context.get("choices") or []
        return str(choices[0]["url"] if choices else links["note"])
    return str(links["pick"])
