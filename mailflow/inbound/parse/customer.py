"""What a customer's forwarded email says about the customer: the name and address of its
sender, the company and phone number of its signature, what it asks for, and a value
when one is stated with its currency. Each is left empty rather than guessed. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mailflow.inbound.parse.extract import extract_reply
from mailflow.inbound.parse.understand.amounts import PHONE_WORDS

_TAIL = 20  # signature lines looked at for the company
_PHONE_LABEL = re.compile(
    rf"(?:^|\s|\|)(?:{PHONE_WORDS})\.?\s*+(?:\w{{1,6}}\.?\s*+)?[:.]?\s*+"
    r"(\+?\(?\d[\d \-/().]{5,22}\d)",
    re.IGNORECASE,
)
_PHONE_BARE = re.compile(r"(?<![\w+])(\+\d{1,3}[\d \-/().]{6,20}\d)")
_COMPANY_LABEL = re.compile(
    r"^\s*+(?:firma|company|unternehmen|soci[ée]t[ée]|entreprise|empresa|azienda|bedrijf)\s*+:\s*"
    r"(.{2,120})$",
    re.IGNORECASE,
)
_LEGAL_FORM = re.compile(
    r"(?<![\w.])(?:GmbH(?: & Co\.? KG)?|AG|KG|OHG|UG|e\.\s?K\.|GbR|Ltd\.?|LLC|Inc\.?|PLC|SARL"
    r"|S\.?A\.?S\.?|S\.A\.|SA|S\.L\.U?\.?|SL|S\.r\.l\.|Srl|S\.p\.A\.|SpA|B\.V\.|BV|N\.V\.|NV"
    r"|[Ss]p\.\s?z\s?o\.\s?o\.|S\.C\.)(?![\w])"
)
_CURRENCY = {"€": "EUR", "eur": "EUR", "euro": "EUR", "chf": "CHF", "$": "USD", "usd": "USD",
             "£": "GBP", "gbp": "GBP", "zł": "PLN", "pln": "PLN"}  # fmt: skip
_CUR = r"€|eur(?:o)?\b|chf\b|\$|usd\b|£|gbp\b|zł|pln\b"
_NUM = r"\d{1,3}(?:[.,' \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT = re.compile(
    rf"(?:(?P<c1>{_CUR})\s?(?P<n1>{_NUM})\s?(?P<k1>k|tsd\.?|mio\.?)?(?!\w))"
    rf"|(?:(?<![\w.,])(?P<n2>{_NUM})\s?(?P<k2>k|tsd\.?|tausend|mil|mio\.?)?\s?(?P<c2>{_CUR}))",
    re.IGNORECASE,
)
_VALUE_WORDS = re.compile(
    r"budget|wert|volumen|value|valeur|montant|presupuesto|valor|importe|valore|importo"
    r"|waarde|bedrag|warto[śs][ćc]|bud[żz]et|kwota",
    re.IGNORECASE,
)
_SCALE = {"k": 1000, "tsd": 1000, "tausend": 1000, "mil": 1000, "mio": 1_000_000}
_GROUPING = re.compile(r"[' \u00a0\u202f]")  # what groups thousands besides "." and ","
_SEPARATOR = re.compile(r"[.,]")


@dataclass(frozen=True)
class Customer:
    name: str | None = None
    email: str | None = None
    company: str | None = None
    phone: str | None = None
    requirement: str | None = None
    value: Decimal | None = None
    currency: str | None = None


def read_customer(body: str, name: str, address: str) -> Customer:
    """``body``: the forwarded message's text; ``name`` and ``address``: its sender."""
    body = body[:64_000]
    text = extract_reply(body)  # the customer's own words: no signature, no older quotes
    head = body[: body.find(text[-40:]) + 40] if text else body
    signature = body[len(head) :].splitlines()[:_TAIL] if text else body.splitlines()[-_TAIL:]
    email = address.strip().lower() if "@" in address else None
    value, currency = amount(text or body)
    return Customer(
        name=name.strip().strip("\"'").strip()[:200] or None,
        email=email if email and len(email) <= 254 else None,
        company=_company(body.splitlines(), signature),
        phone=_phone(body),
        requirement=text.strip()[:5000] or None,
        value=value,
        currency=currency,
    )


def _company(lines: list[str], signature: list[str]) -> str | None:
    for line in lines[:400]:
        found = _COMPANY_LABEL.match(line[:200])
        if found:
            return found.group(1).strip()[:200]
    for line in signature:
        probe = line.strip().strip("|").strip()
        plain = "@" not in probe and "http" not in probe.lower()
        if 2 < len(probe) <= 80 and plain and _LEGAL_FORM.search(probe):
            return probe[:200]
    return None


def _phone(body: str) -> str | None:
    found = _PHONE_LABEL.search(body[:64_000]) or _PHONE_BARE.search(body[:64_000])
    if found is None:
        return None
    return " ".join(found.group(1).split())[:50]


def amount(text: str) -> tuple[Decimal | None, str | None]:
    """The first amount stated with a currency, one on a line naming a budget or value
    first; "18.500 €", "EUR 18,500.00", "20k €", "ca. 15 Tsd. EUR"."""
    lines = text[:20_000].splitlines()
    ordered = [x for x in lines if _VALUE_WORDS.search(x)] + lines
    for line in ordered:
        for found in _AMOUNT.finditer(line[:500]):
            number = _number(found.group("n1") or found.group("n2"))
            if number is None:
                continue
            scale = (found.group("k1") or found.group("k2") or "").lower().rstrip(".")
            currency = (found.group("c1") or found.group("c2") or "").lower()
            value = number * _SCALE.get(scale, 1)
            if 0 < value < Decimal("1e12"):
                return value.quantize(Decimal("0.01")), _CURRENCY.get(currency, "EUR")
    return None, None


def _number(raw: str) -> Decimal | None:
    """German, French, English and Polish ways of writing 18500.5: the last separator
    followed by one or two digits is the decimal one; the others group thousands."""
    digits = _GROUPING.sub("", raw)
    last = max(digits.rfind("."), digits.rfind(","))
    if last != -1 and len(digits) - last - 1 in (1, 2):
        whole, cents = digits[:last], digits[last + 1 :]
        digits = _SEPARATOR.sub("", whole) + "." + cents
    else:
        digits = _SEPARATOR.sub("", digits)
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None
