"""Is a message in a shared mailbox ours? Read from its header only: a recipient with one of
our reply (or bounce) keys at the inbound domain or its deals address, or In-Reply-To /
References naming one of our emails' Message-IDs, or (shared-address mode) a subject with a
code we signed.
Everything else belongs to the people who share the mailbox."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from typing import TYPE_CHECKING, TypeVar

from mailflow.links.signer import TokenExpired, TokenInvalid
from mailflow.mail.replies import code_of_subject
from mailflow.queries.threads import our_message_ids

if TYPE_CHECKING:
    from mailflow.runtime import Runtime

RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")
MAX_HEADER = 4_000  # a header value is read this far (References from its end)
MAX_THREAD_IDS = 50
_MSGID = re.compile(r"<([^<>\s]{1,250})>")
_PARSER = BytesHeaderParser(policy=compat32)
K = TypeVar("K", int, str)  # a message's id in its mailbox: an IMAP UID, an API's id


@dataclass
class Header:
    """What the decision needs from one message's header."""

    keyed: list[str]  # recipients with a valid (or only expired) key of ours
    thread_ids: list[str]
    coded: bool = False  # its subject has a reply code we signed


def read_header(rt: Runtime, raw: bytes) -> Header:
    msg = _PARSER.parsebytes(raw[: 256 * 1024])
    keyed: list[str] = []
    for name in RECIPIENT_HEADERS:
        values = [str(v)[:MAX_HEADER] for v in msg.get_all(name, [])]
        for _, address in getaddresses(values):
            if address and address.lower() not in keyed and our_address(rt, address):
                keyed.append(address.lower())
    thread = " ".join(
        str(v)[-MAX_HEADER:]
        for name in ("In-Reply-To", "References")
        for v in msg.get_all(name, [])
    )
    coded = _our_code(rt, _subject(str(msg.get("Subject", ""))[:MAX_HEADER]))
    return Header(keyed, _MSGID.findall(thread)[-MAX_THREAD_IDS:], coded)


def _subject(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # a broken encoded word: the value as it stands
        return value


def _our_code(rt: Runtime, subject: str) -> bool:
    code = code_of_subject(subject)
    if code is None:
        return False
    try:
        rt.signer.read_reply_code(code)
    except TokenExpired:
        return True
    except TokenInvalid:
        return False
    return True


def our_address(rt: Runtime, address: str) -> bool:
    """``reply+<key>@`` or ``bounce+<key>@`` the inbound domain, with a key we signed (an
    expired one too: processing tells the partner to answer a newer email); ``deals@`` or
    ``deals+<key>@`` it (a customer's email a partner forwards)."""
    local, _, domain = address.lower().rpartition("@")
    if domain != rt.settings.inbound_domain.lower():
        return False
    if local == "deals":
        return True
    tag, _, key = local.partition("+")
    if tag not in ("reply", "bounce", "deals") or not key:
        return False
    try:
        if tag == "reply":
            rt.read_reply_key(key)
        elif tag == "deals":
            rt.signer.read_deal_key(key)
        else:
            rt.signer.read_bounce_key(key)
    except TokenExpired:
        return True
    except TokenInvalid:
        return False
    return True


def ours(rt: Runtime, headers: dict[K, bytes]) -> dict[K, list[str]]:
    """Of the messages (id → header bytes), the ones to take: id → the recipients to
    store with them (our keyed addresses; empty for a reply found by its thread)."""
    read = {uid: read_header(rt, raw) for uid, raw in headers.items()}
    taken = {uid: h.keyed for uid, h in read.items() if h.keyed}
    taken.update((uid, []) for uid, h in read.items() if uid not in taken and h.coded)
    threaded = {uid: h.thread_ids for uid, h in read.items() if uid not in taken and h.thread_ids}
    if threaded:
        with rt.db.read() as session:
            known = our_message_ids(session, {i for ids in threaded.values() for i in ids})
        taken.update((uid, []) for uid, ids in threaded.items() if known.intersection(ids))
    return taken
