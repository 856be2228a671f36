"""``mailflow doctor [--send-test ADDRESS [--wait SECONDS]]``: the mail checks of
:mod:`mailflow.mail.doctor`, one line each (ok / warn / fail and what to change); exit 1
when one failed.

The send test is a round trip: the test message goes out through the configured relay or
API to ADDRESS, with a copy to a reply address of ours (``reply+<key>@`` the inbound
domain, or the shared reply address with the key's subject code), and the doctor waits
until the configured way in — the MX to the ``smtp`` process, an MTA pipe, the webhook, or
a mailbox read by ``mailflow inbound fetch`` — has stored it. The key names no offer, and
the message carries ``X-Mailflow-Kind``: processing sets it aside as our own email."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from mailflow.mail import replies
from mailflow.mail.compose import AddressError, Envelope, compose
from mailflow.mail.doctor import Check, run
from mailflow.mail.providers import ApiSender, connection_label
from mailflow.mail.send import DeliveryError
from mailflow.queries.arrivals import arrival
from mailflow.queries.connections import connections
from mailflow.runtime import Runtime
from mailflow.settings import Settings

POLL_S = 1.0  # how often the database is asked whether the test message arrived
PROGRESS_S = 10.0  # the longest time between two "still waiting" lines
Say = Callable[[str], None]


def _line(level: str, name: str, detail: str) -> str:
    return f"{level:<4}  {name:<9}  {detail}"


def _say(text: str) -> None:
    print(text, flush=True)


def send_test(rt: Runtime, address: str) -> tuple[Check, str | None]:
    """The test message to ``address`` and a reply address of ours; the check, and the
    Message-ID sent (None when it was not)."""
    settings = rt.settings
    key = rt.reply_key(0, 0)  # offer 0: no offer is ever answered with it
    back = replies.reply_address(settings, key)
    code = rt.signer.reply_code(key) if replies.shared(settings) else None
    message_id = replies.message_id(settings, "doctor", secrets.token_hex(8), key)
    copy = back.lower() != address.strip().lower()
    envelope = Envelope(
        sender=settings.mail_from,
        to=address,
        to_name=None,
        subject=replies.with_code("mailflow doctor test", code),
        message_id=message_id,
        reply_to=settings.reply_address,
        extra_headers=(("X-Mailflow-Kind", "doctor"), *((("Cc", back),) if copy else ())),
    )
    text = "This message tests the mail setup of mailflow. Nothing needs to be done."
    try:
        data = compose(envelope, text, f"<p>{text}</p>")
    except AddressError as exc:
        return Check("send test", "fail", str(exc)), None
    data = rt.dkim.sign(data) if rt.dkim else data
    recipients = [address, back] if copy else [address]
    sender = rt.sender()
    # an API sends to the message's To and Cc at once; a relay to each envelope recipient
    targets = recipients[:1] if isinstance(sender, ApiSender) else recipients
    try:
        for to in targets:
            sender.send(settings.mail_from.rpartition("<")[2].rstrip(">"), to, data)
    except (DeliveryError, OSError) as exc:
        return Check("send test", "fail", f"the test message did not go out: {exc}"), None
    return Check("send test", "ok", f"sent <{message_id}> to {', '.join(recipients)}"), message_id


def wait_for(rt: Runtime, message_id: str, wait_s: float, say: Say = _say) -> Check:
    """Until the test message is stored inbound, or ``wait_s`` passed; a line of progress
    at most every :data:`PROGRESS_S` seconds."""
    say(_line("…", "arrival", f"waiting up to {wait_s:.0f} s for it through {_way_in(rt)}"))
    every = min(PROGRESS_S, max(1.0, wait_s / 4))
    start = time.monotonic()
    told = 0.0
    while True:
        waited = time.monotonic() - start
        try:
            with rt.db.read() as session:
                found = arrival(session, message_id)
        except SQLAlchemyError as exc:
            return Check("arrival", "fail", f"cannot read the database: {type(exc).__name__}")
        if found is not None:
            return Check("arrival", "ok", f"came back after {waited:.0f} s (channel {found[1]})")
        if waited >= wait_s:
            return Check("arrival", "fail", _advice(rt, wait_s))
        if waited - told >= every:
            told = waited
            say(_line("…", "arrival", f"still waiting: {waited:.0f} of {wait_s:.0f} s"))
        time.sleep(min(POLL_S, max(0.0, wait_s - waited)))


def _way_in(rt: Runtime) -> str:
    urls = rt.settings.inbound_mailbox_urls
    if urls:
        return "the mailbox " + ", ".join(connection_label(u) for u in urls)
    return f"the MX of {rt.settings.inbound_domain}"


def _advice(rt: Runtime, wait_s: float) -> str:
    """What to look at when the test message did not come back."""
    settings = rt.settings
    head = f"not stored within {wait_s:.0f} s through {_way_in(rt)}: "
    if not settings.inbound_mailbox_urls:
        return head + (
            f"point the MX of {settings.inbound_domain} at the host of the `smtp` process "
            "(`mailflow inbound serve`, port 25 open) or at your MTA piping to `mailflow "
            "inbound deliver`; a bounce to MAILFLOW_MAIL_FROM may say why"
        )
    errors = []
    with rt.db.read() as session:
        for view in connections(session, rt.clock.now()):
            if view.row.direction == "inbound" and view.row.last_error:
                errors.append(f"{view.row.name}: {view.row.last_error}")
    where = "; ".join(errors) if errors else "no error recorded"
    return head + (
        "is `mailflow inbound fetch` (the `mailbox` process) running, and does mail to "
        f"{replies.reply_address(settings, '…')} reach that mailbox? ({where})"
    )


def main(settings: Settings, send_to: str | None, wait_s: float = 120.0) -> int:
    checks = run(settings)
    for check in checks:
        _say(_line(check.level, check.name, check.detail))
    if send_to:
        rt = Runtime(settings)
        try:
            checks += _round_trip(rt, send_to, wait_s)
        finally:
            rt.close()
    return 1 if any(c.level == "fail" for c in checks) else 0


def _round_trip(rt: Runtime, send_to: str, wait_s: float) -> list[Check]:
    sent, message_id = send_test(rt, send_to)
    _say(_line(sent.level, sent.name, sent.detail))
    if message_id is None or wait_s <= 0:
        return [sent]
    came = wait_for(rt, message_id, wait_s)
    _say(_line(came.level, came.name, came.detail))
    return [sent, came]
