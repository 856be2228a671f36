"""Signed action links and reply keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailflow.clock import Clock
from mailflow.tokens import Signer, TokenExpired, TokenInvalid

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
KEY_A = "a" * 32
KEY_B = "b" * 32


def test_a_link_token_round_trips() -> None:
    signer = Signer([KEY_A], 3600)
    claim = signer.read_link(signer.link_token(12, 34, "pick"))
    assert (claim.offer_id, claim.contact_id, claim.action) == (12, 34, "pick")


def test_a_link_signed_twice_within_a_second_is_the_same_token() -> None:
    clock = Clock()
    clock.set(NOON)
    signer = Signer([KEY_A], 3600, clock)
    first, again = signer.link_token(1, 2, "pick"), signer.link_token(1, 2, "pick")
    assert first == again and signer.link_token(1, 2, "decline") != first
    assert signer.read_link(signer.link_token(1, 3, "pick")).contact_id == 3
    clock.advance(seconds=1)
    later = signer.link_token(1, 2, "pick")  # signed anew, with its own second
    assert later != first and signer.read_link(later).action == "pick"


@pytest.mark.parametrize(
    "mangle",
    [
        # tampered signature (the first character: the last may only carry padding bits)
        lambda t: (
            t[: t.rindex(".") + 1]
            + ("A" if t[t.rindex(".") + 1] != "A" else "B")
            + t[t.rindex(".") + 2 :]
        ),
        lambda t: t[: len(t) // 2],  # truncated
        lambda t: "x" + t,  # tampered payload
        lambda t: "",
    ],
)
def test_it_rejects_a_tampered_or_truncated_token(mangle: object) -> None:
    signer = Signer([KEY_A], 3600)
    with pytest.raises(TokenInvalid):
        signer.read_link(mangle(signer.link_token(1, 2, "pick")))  # type: ignore[operator]


def test_it_rejects_a_token_signed_with_another_key() -> None:
    token = Signer([KEY_B], 3600).link_token(1, 2, "pick")
    with pytest.raises(TokenInvalid):
        Signer([KEY_A], 3600).read_link(token)


def test_old_keys_still_verify_after_rotation_and_the_newest_signs() -> None:
    old_token = Signer([KEY_A], 3600).link_token(1, 2, "decline")
    rotated = Signer([KEY_A, KEY_B], 3600)
    assert rotated.read_link(old_token).action == "decline"
    assert Signer([KEY_B], 3600).read_link(rotated.link_token(1, 2, "pick")).offer_id == 1


def test_it_rejects_an_expired_token() -> None:
    clock = Clock()
    clock.set(NOON)
    signer = Signer([KEY_A], 3600, clock)
    token = signer.link_token(1, 2, "pick")
    clock.advance(seconds=3600)
    assert signer.read_link(token).action == "pick"  # exactly the max age: still valid
    clock.advance(seconds=1)
    with pytest.raises(TokenExpired):
        signer.read_link(token)


def test_a_reply_key_is_short_verifiable_and_bound_to_its_ids() -> None:
    signer = Signer([KEY_A], 3600)
    key = signer.reply_key(123456, 7890)
    assert len(f"reply+{key}") <= 64
    assert signer.read_reply_key(key) == (123456, 7890)
    assert signer.read_reply_key(key.upper()) == (123456, 7890)  # local parts may be case-folded
    forged = key.replace(key.split(".")[0], "zz", 1)
    with pytest.raises(TokenInvalid):
        signer.read_reply_key(forged)
    with pytest.raises(TokenInvalid):
        Signer([KEY_B], 3600).read_reply_key(key)


def test_a_reply_key_expires_with_the_link_max_age() -> None:
    clock = Clock()
    clock.set(NOON)
    signer = Signer([KEY_A], 30 * 86400, clock)
    key = signer.reply_key(5, 6)
    clock.advance(days=29)
    assert signer.read_reply_key(key) == (5, 6)
    clock.advance(days=3)
    with pytest.raises(TokenExpired):
        signer.read_reply_key(key)


def test_a_bounce_key_names_the_email_and_cannot_be_forged() -> None:
    signer = Signer([KEY_A], 3600)
    key = signer.bounce_key(4711)
    assert signer.read_bounce_key(key) == 4711
    with pytest.raises(TokenInvalid):
        signer.read_bounce_key("3nz." + key.split(".")[1])


def test_a_token_for_an_unknown_action_cannot_be_made() -> None:
    with pytest.raises(ValueError):
        Signer([KEY_A], 3600).link_token(1, 2, "delete")
