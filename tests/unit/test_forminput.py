"""The one parser for amounts people type, and the NUL check for their text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mailflow.rules.forminput import FormInputError, check_text, parse_amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("12500", Decimal("12500.00")),
        ("12,500.00", Decimal("12500.00")),
        ("12.500,00", Decimal("12500.00")),
        ("12 500", Decimal("12500.00")),
        ("12\u202f500,5", Decimal("12500.50")),
        ("1'250'000", Decimal("1250000.00")),
        ("0", Decimal("0.00")),
        ("  ", None),
    ],
)
def test_it_reads_amounts_as_people_write_them(text: str, amount: Decimal | None) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    "text",
    ["NaN", "nan", "Infinity", "-inf", "-5", "+5", "1e3", "²", "12³", "٣", "1,000,000,000,000.00",
     "12 500 EUR", "0x10"],
)  # fmt: skip
def test_it_refuses_what_is_not_a_finite_positive_amount_of_ascii_digits(text: str) -> None:
    with pytest.raises(FormInputError) as refused:
        parse_amount(text, "value")
    assert str(refused.value).startswith("value: ")
    assert refused.value.field == "value"  # for a form to point at, whatever the wording


def test_it_refuses_text_with_a_nul_byte_and_keeps_other_text() -> None:
    assert check_text("note", "Grüße,\n\tline two") == "Grüße,\n\tline two"
    assert check_text("note", None) is None
    with pytest.raises(FormInputError, match="note: contains a NUL byte") as refused:
        check_text("note", "a\x00b")
    assert refused.value.field == "note"
