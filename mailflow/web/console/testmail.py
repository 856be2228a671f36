"""A test email to the console user: the draft rendered with sample data, sent at once.

Nothing is stored (it is no business email: no outbox row, no event); it goes through
the same compose, DKIM and SMTP path as every email, so what arrives is what partners get.
"""

from __future__ import annotations

import secrets
from email.utils import formataddr, parseaddr
from typing import Any

from mailflow import i18n
from mailflow.i18n import N_
from mailflow.mail.compile import Source, compile_source, layout
from mailflow.mail.compose import AddressError, Envelope, compose
from mailflow.mail.render import render_compiled
from mailflow.mail.send import DeliveryError
from mailflow.models import Contact
from mailflow.runtime import Runtime


def send_test(rt: Runtime, source: Source, context: dict[str, Any], user: Contact) -> str:
    """Send it; the answer is a sentence for the user, in the user's language."""
    lang = i18n.normalize(user.language)
    out = render_compiled(compile_source(source, layout()), context, source)
    name, addr = parseaddr(rt.settings.mail_from)
    envelope = Envelope(
        sender=formataddr((context["brand"].get("sender_name") or name, addr)),
        to=user.email,
        to_name=user.name,
        subject=f"[Test] {out.subject}",
        message_id=f"test.{source.kind}.{secrets.token_hex(8)}@{rt.settings.inbound_domain}",
        extra_headers=(("X-Mailflow-Kind", f"test:{source.kind}"),),
    )
    try:
        data = compose(envelope, out.text, out.html)
        data = rt.dkim.sign(data) if rt.dkim else data
        rt.sender().send(addr, user.email, data)
    except (AddressError, DeliveryError) as exc:
        return i18n.gettext(lang, N_("The test email could not be sent: %(error)s"), error=str(exc))
    return i18n.gettext(lang, N_("A test email went to %(email)s."), email=user.email)
