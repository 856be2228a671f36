"""Typed input checks for the actions: :mod:`mailflow.rules.forminput`'s rules as refusals
(``InvalidInput``, 422), so every channel that reaches an action gets them."""

from __future__ import annotations

from decimal import Decimal

from mailflow.actions.errors import InvalidInput
from mailflow.rules import forminput


def checked_texts(**texts: str | None) -> None:
    """Refuse any of the texts that carries a NUL byte."""
    try:
        forminput.check_texts(texts.items())
    except forminput.FormInputError as exc:
        raise InvalidInput(str(exc), field=str(exc).split(":", 1)[0]) from None


def amount(text: str, field: str) -> Decimal | None:
    """A typed amount (see :func:`mailflow.rules.forminput.parse_amount`), refused when bad."""
    try:
        return forminput.parse_amount(text, field)
    except forminput.FormInputError as exc:
        raise InvalidInput(str(exc), field=field) from None
