"""Finding a customer's personal data in an email, wherever it may hide: subject and every
header (decoded encoded-words), every body part (after quoted-printable and base64
decoding, HTML unescaped), every URL (percent-decoded) and the payload of every signed
token in them (itsdangerous payloads are only base64: readable without the key)."""

from __future__ import annotations

import html
import json
import random
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

_URL = re.compile(r"""(?:https?|mailto):[^\s"'<>()]+""", re.IGNORECASE)
_PROBE_TIMED = URLSafeTimedSerializer("any key: loads_unsafe does not check it")
_PROBE = URLSafeSerializer("any key: loads_unsafe does not check it")


def token_payloads(text: str) -> list[str]:
    """The decoded payload of every itsdangerous-looking piece of ``text``."""
    found = []
    for piece in re.findall(r"[A-Za-z0-9_\-.]{12,}", text):
        for probe in (_PROBE_TIMED, _PROBE):
            try:
                _, payload = probe.loads_unsafe(piece)
            except Exception:
                continue
            if payload is not None:
                found.append(json.dumps(payload, ensure_ascii=False))
                break
    return found


def readable(raw: bytes) -> dict[str, str]:
    """Every place of an email a reader, a client or a log could see, decoded."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    places: dict[str, str] = {"raw": raw.decode("utf-8", "replace")}
    places["headers"] = "\n".join(f"{k}: {v}" for k, v in msg.items())
    places["subject"] = str(msg.get("Subject", ""))
    bodies = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        content = part.get_content()
        text = content if isinstance(content, str) else content.decode("utf-8", "replace")
        bodies.append(html.unescape(text) if part.get_content_type() == "text/html" else text)
    places["body"] = "\n".join(bodies)
    urls = _URL.findall(places["body"] + "\n" + places["headers"])
    decoded = []
    for url in urls:
        parts = urlsplit(html.unescape(url))
        decoded.append(unquote(parts.path))
        decoded += [f"{k}={v}" for k, v in parse_qsl(parts.query)]
    places["urls"] = "\n".join(decoded)
    places["tokens"] = "\n".join(token_payloads(places["urls"] + "\n" + places["headers"]))
    return places


def folded(raw: bytes) -> dict[str, str]:
    """:func:`readable`, case-folded once (a mail is searched for many secrets)."""
    return {where: text.casefold() for where, text in readable(raw).items()}


def leaks(raw: bytes | dict[str, str], secrets: list[str]) -> list[str]:
    """``place: secret`` for each secret (case-insensitive) found in the email."""
    places = folded(raw) if isinstance(raw, bytes) else raw
    wanted = [(secret, secret.casefold()) for secret in secrets if secret]
    return [
        f"{where}: {secret}"
        for where, text in places.items()
        for secret, needle in wanted
        if needle in text
    ]


# -- generated customers: varied, with umlauts and characters that like to break things --
_FIRST = ["Zoë", "Jürgen", "Ömer", "Renée", "Åsa", "Siobhán", "Łukasz", "François", "Iñaki"]
_FIRST += ["Günther", "Ælfrida", "Dörte", "Ηλέκτρα", "Małgorzata", "Søren"]
_LAST = ["Überschär", "O'Brien", "Weißmüller", "Dvořák", "Nguyễn", "Müller-Lüdenscheidt"]
_LAST += ["van der Höh", "D'Ãngelo", "Straßburger", "Kowalczyk", "Öztürk", "Þórsdóttir"]
_TRICKY = ['"Quote" Mann', "<b>Bold</b> Frau", "=?utf-8?q?Mall=C3=B6ry?=", "Null & Void"]
_TRICKY += ["Semi;Colon, Komma", "Back\\slash Bär", "Ünïcödé  Spaces"]
_STREETS = ["Königstraße", "Straße des 17. Juni", "Rue de l'Église", "Øster Allé", "Hauptstr."]
_STREETS += ["Am Weißen Steg", "Löwengässchen", "Ulica Świętokrzyska", '"Zum Hirschen"-Weg']
_STREETS += ["<i>Kursiv</i>gasse", "Ährenfeld / Hof 2"]


def customer(rng: random.Random, n: int) -> dict[str, Any]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    name = rng.choice(_TRICKY) + f" {n}" if n % 7 == 0 else f"{first} {last}{n}"
    local = rng.choice(["kunde", "o'neil", "zoe.weiss+lead", "jürgen", "x_y-z"]) + str(n)
    street = f"{rng.choice(_STREETS)} {rng.randint(1, 240)}{rng.choice(['', 'a', ' b'])}"
    digits = "".join(str(rng.randint(0, 9)) for _ in range(7))
    phone = rng.choice(
        [f"+49 711 {digits}", f"+49 (0)30 / {digits[:3]}-{digits[3:]}", f"0043 1 {digits}"]
    )
    return {
        "customer_name": name,
        "customer_company": f"{last} Haustechnik {n} GmbH & Co. KG",
        "customer_email": f"{local}@{last.casefold().replace(' ', '')[:6]}-bau{n}.example",
        "customer_phone": phone,
        "customer_street": street,
    }


def secrets_of(lead_fields: dict[str, Any]) -> list[str]:
    """The strings that must never reach a non-owner: each field whole, the phone also
    without its separators, the surname and the email's local part on their own."""
    name, phone = lead_fields["customer_name"], lead_fields["customer_phone"]
    found = [
        name,
        lead_fields["customer_company"],
        lead_fields["customer_email"],
        lead_fields["customer_email"].split("@")[0],
        phone,
        re.sub(r"\D", "", phone),
        lead_fields["customer_street"],
        name.split()[-1],
    ]
    return [s for s in found if len(s) >= 4]
