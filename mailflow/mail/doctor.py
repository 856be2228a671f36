"""``mailflow doctor``: is this deployment's mail set up so that it arrives and replies
come back? Each check answers ok, warn or fail with what to change.

DNS of the sending domain (the ``MAILFLOW_MAIL_FROM`` address's): SPF, DKIM (the published
key is the configured private key's), DMARC (policy and alignment); where replies go (MX of
the inbound domain or of the shared reply address); the relay (reachable, TLS, login). DNS
is asked through dnspython, of ``MAILFLOW_DNS_SERVER`` (``host:port``) when set.
"""

from __future__ import annotations

import base64
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Literal

import dkim.crypto
import dns.exception
import dns.resolver

from mailflow.mail.oauth import TokenError
from mailflow.mail.providers import connection_label, outbound_sender
from mailflow.mail.send import DeliveryError, SmtpSender
from mailflow.settings import Settings

Level = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    name: str
    level: Level
    detail: str  # what was found, and for warn/fail what to change


def resolver(settings: Settings) -> dns.resolver.Resolver:
    if not settings.dns_server:
        return dns.resolver.Resolver()
    found = dns.resolver.Resolver(configure=False)
    host, _, port = (
        settings.dns_server.rpartition(":")
        if ":" in settings.dns_server
        else (
            settings.dns_server,
            "",
            "53",
        )
    )
    found.nameservers, found.port = [host], int(port or 53)
    found.lifetime = 5.0
    return found


def _txt(res: dns.resolver.Resolver, name: str) -> list[str]:
    try:
        answer = res.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]


def _tags(record: str) -> dict[str, str]:
    pairs = (p.split("=", 1) for p in record.split(";") if "=" in p)
    return {k.strip().lower(): v.strip() for k, v in pairs}


def sending_domain(settings: Settings) -> str:
    return parseaddr(settings.mail_from)[1].rpartition("@")[2].lower()


def check_spf(res: dns.resolver.Resolver, domain: str) -> Check:
    records = [r for r in _txt(res, domain) if r.lower().startswith("v=spf1")]
    if not records:
        return Check("SPF", "fail", f"{domain} publishes no SPF record: add TXT 'v=spf1 … -all'")
    if len(records) > 1:
        return Check("SPF", "fail", f"{domain} has {len(records)} SPF records: merge them into one")
    terms = records[0].lower().split()
    final = next((t for t in terms if t.endswith("all")), None)
    if final in ("+all", "all", "?all") or final is None:
        return Check("SPF", "warn", f"{records[0]!r} lets anyone send: end it with -all or ~all")
    return Check("SPF", "ok", records[0])


def _public_key(private: str) -> bytes | dict[str, int]:
    """The configured DKIM key's public half: RSA modulus and exponent, or Ed25519 bytes."""
    if "BEGIN" in private:
        key = dkim.crypto.parse_pem_private_key(private.encode())
        return {"modulus": key["modulus"], "publicExponent": key["publicExponent"]}
    from nacl.signing import SigningKey  # optional: only Ed25519 keys need PyNaCl

    return bytes(SigningKey(base64.b64decode(private)).verify_key)


def check_dkim(res: dns.resolver.Resolver, settings: Settings) -> Check:
    if not (settings.dkim_key and settings.dkim_selector and settings.dkim_domain):
        return Check(
            "DKIM", "warn", "mail is not signed: set MAILFLOW_DKIM_KEY_FILE, _SELECTOR, _DOMAIN"
        )
    name = f"{settings.dkim_selector}._domainkey.{settings.dkim_domain}"
    records = [_tags(r) for r in _txt(res, name)]
    published = next((r.get("p", "") for r in records if "p" in r), None)
    if published is None:
        return Check("DKIM", "fail", f"no DKIM key at {name}: publish the configured key's p=")
    try:
        der = base64.b64decode(published.replace(" ", ""))
        theirs: bytes | dict[str, int] = der
        if not any(r.get("k", "rsa") == "ed25519" for r in records):
            key = dkim.crypto.parse_public_key(der)
            theirs = {"modulus": key["modulus"], "publicExponent": key["publicExponent"]}
        ours = _public_key(settings.dkim_key)
    except Exception as exc:  # a damaged record or key: say so, do not crash the report
        return Check("DKIM", "fail", f"cannot read the key at {name}: {exc}")
    if theirs != ours:
        return Check("DKIM", "fail", f"{name} is not the configured key: publish the new p=")
    return Check("DKIM", "ok", f"{name} matches the configured key")


def _aligned(a: str, b: str, strict: bool) -> bool:
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    if strict:
        return a == b
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def check_dmarc(res: dns.resolver.Resolver, settings: Settings) -> Check:
    domain = sending_domain(settings)
    records = [r for r in _txt(res, f"_dmarc.{domain}") if r.lower().startswith("v=dmarc1")]
    if len(records) != 1:
        what = "no" if not records else "more than one"
        return Check("DMARC", "fail", f"{what} DMARC record at _dmarc.{domain}: publish one")
    tags = _tags(records[0])
    dkim_domain = settings.dkim_domain or ""
    if not dkim_domain or not _aligned(dkim_domain, domain, tags.get("adkim") == "s"):
        return Check(
            "DMARC",
            "fail",
            f"DKIM domain {dkim_domain or '(none)'} is not aligned with {domain}: sign as {domain}",
        )
    if tags.get("p", "none").lower() == "none":
        return Check("DMARC", "warn", f"{records[0]!r}: policy none; use quarantine or reject")
    return Check("DMARC", "ok", records[0])


def check_replies(res: dns.resolver.Resolver, settings: Settings) -> Check:
    address = settings.reply_address or f"reply+…@{settings.inbound_domain}"
    domain = address.rpartition("@")[2]
    try:
        hosts = sorted(str(r.exchange).rstrip(".") for r in res.resolve(domain, "MX"))
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return Check("replies", "fail", f"no MX for {domain}: replies to {address} cannot arrive")
    except dns.exception.DNSException as exc:
        return Check("replies", "fail", f"cannot look up MX of {domain}: {exc}")
    return Check("replies", "ok", f"replies to {address} go to {', '.join(hosts)}")


def check_relay(settings: Settings) -> Check:
    """The relay reached and logged in to exactly as sending does: the URL's TLS, its
    password or its OAuth2 token source (``?auth=xoauth2``); an API connection's token."""
    if settings.smtp_url == "capture":
        return Check("relay", "warn", "no relay: MAILFLOW_SMTP_URL is 'capture' (demo only)")
    where = connection_label(settings.smtp_url)
    try:
        sender = outbound_sender(settings, settings.smtp_url)
        if not isinstance(sender, SmtpSender):
            sender.mailbox.api.tokens.token()  # the provider's token: what it logs in with
            return Check("relay", "ok", f"{where}: the provider's API, token granted")
        encrypted = sender.probe()
    except smtplib.SMTPAuthenticationError:
        what = (
            "the token source (provider, tenant, client secret) and that the mailbox may send"
            " by SMTP"
            if "auth=xoauth2" in settings.smtp_url
            else "the URL's user:password"
        )
        return Check("relay", "fail", f"{where} refused the login: check {what}")
    except (DeliveryError, TokenError, OSError, smtplib.SMTPException) as exc:
        return Check("relay", "fail", f"{where}: {exc}")
    if not encrypted:
        return Check("relay", "warn", f"{where}: not encrypted: use smtps:// or a STARTTLS relay")
    return Check("relay", "ok", f"{where}: TLS{', login' if sender.user else ''}")


def dns_checks(settings: Settings) -> list[Callable[[], Check]]:
    res = resolver(settings)
    domain = sending_domain(settings)
    return [
        lambda: check_spf(res, domain),
        lambda: check_dkim(res, settings),
        lambda: check_dmarc(res, settings),
        lambda: check_replies(res, settings),
    ]


def run(settings: Settings) -> list[Check]:
    found = []
    for name, check in zip(("SPF", "DKIM", "DMARC", "replies"), dns_checks(settings), strict=True):
        try:
            found.append(check())
        except dns.exception.DNSException as exc:
            found.append(Check(name, "fail", f"DNS lookup failed: {exc}"))
    found.append(check_relay(settings))
    return found
