"""Where a partner's reply goes, and the ``mailto:`` buttons that write one.

Two modes. By default every email that can be answered has its own reply address,
``reply+<key>@<inbound domain>``. With ``MAILFLOW_REPLY_ADDRESS`` set (a corporate mailbox
without plus-addressing) every reply goes to that one address; the reply key then travels
in the email's Message-ID (a reply's In-Reply-To and References name it) and as a short
code in the subject (``[#L-…]``), both signed (:mod:`mailflow.links.signer`).

Every action offered by a link is also offered as a ``mailto:`` link to the reply address
with a subject and a body in the reader's language, written from the words the reply
reader understands (:mod:`mailflow.inbound.parse.understand`), so what it sends is read
with full confidence. RFC 6068: UTF-8, percent-encoded, line breaks as ``%0D%0A``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from mailflow import i18n
from mailflow.i18n import N_
from mailflow.settings import Settings

# In the Message-ID, after the kind and the random part: ``offer.1f3a….rk-2n-1c-k3p-ab12cd…@``
MESSAGE_ID_KEY = re.compile(r"\.rk-([0-9a-z]{1,13}(?:-[0-9a-z]{1,13}){3})@", re.IGNORECASE)
SUBJECT_CODE = re.compile(r"\[#(L(?:-[0-9a-z]{1,13}){4})\]", re.IGNORECASE)

# A link's action → the replies it stands for: a feedback link stands for every status.
STATUSES: tuple[str, ...] = ("contacted", "meeting", "proposal", "won", "lost")
_FOR_LINK: dict[str, tuple[str, ...]] = {
    "pick": ("pick",),
    "decline": ("decline",),
    "feedback": STATUSES,
}
# What each reply says; every language's catalog words it so its reader understands it
# (a test reads each one in each language).
BODIES: dict[str, str] = {
    "pick": N_("We take this lead."),
    "decline": N_("We decline this lead."),
    "contacted": N_("We have contacted the customer."),
    "meeting": N_("We have an appointment with the customer."),
    "proposal": N_("We have sent the customer a quote."),
    "won": N_("We won the order."),
    "lost": N_("We lost the customer."),
}
REASON = N_("Reason")  # the line a decline leaves to fill in


def shared(settings: Settings) -> bool:
    return settings.reply_address is not None


def reply_address(settings: Settings, key: str) -> str:
    """The address a reply to an email with reply key ``key`` goes to."""
    return settings.reply_address or f"reply+{key}@{settings.inbound_domain}"


def message_id(settings: Settings, kind: str, random: str, key: str | None) -> str:
    """An email's Message-ID; in shared-address mode it carries the reply key."""
    domain = settings.inbound_domain
    if key and shared(settings):
        return f"{kind}.{random}.rk-{key.replace('.', '-')}@{domain}"
    return f"{kind}.{random}@{domain}"


def key_of_message_id(message_id: str) -> str | None:
    """The reply key a Message-ID of :func:`message_id` carries (not checked yet)."""
    found = MESSAGE_ID_KEY.search(message_id)
    return found.group(1).lower().replace("-", ".") if found else None


def code_of_subject(subject: str) -> str | None:
    """The subject code (``L-…``) in a subject, as written (not checked yet)."""
    found = SUBJECT_CODE.search(subject)
    return found.group(1) if found else None


def with_code(subject: str, code: str | None) -> str:
    return f"{subject} [#{code}]" if code else subject


def body(lang: str, action: str) -> str:
    text = i18n.gettext(lang, BODIES[action])
    if action == "decline":
        text += f"\n{i18n.gettext(lang, REASON)}: "
    return text


def mailto(address: str, subject: str, text: str) -> str:
    """A ``mailto:`` URL (RFC 6068): the address as it is, subject and body percent-encoded
    UTF-8 with CRLF line breaks."""

    def enc(value: str) -> str:
        return quote(value.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")

    return f"mailto:{quote(address, safe='@')}?subject={enc(subject)}&body={enc(text)}"


def buttons(lang: str, address: str, link_actions: list[str], code: str | None) -> dict[str, str]:
    """``action → mailto URL`` for the replies the email's links offer, in order."""
    found: dict[str, str] = {}
    for link in link_actions:
        for action in _FOR_LINK.get(link, ()):
            label = i18n.gettext(lang, action)
            subject = with_code(f"Re: {label[:1].upper()}{label[1:]}", code)
            found[action] = mailto(address, subject, body(lang, action))
    return found
