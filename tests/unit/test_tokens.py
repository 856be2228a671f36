"""Signed action links and reply keys."""

from __future__ import annotations

import time

import pytest

from mailflow.tokens import Signer, TokenExpired, TokenInvalid

KEY_A = "a" * 32
KEY_B = "b" * 32


def test_a_link_token_round_trips() -> None:
    signer = Signer([KEY_A], 3600)
    claim = signer.read_link(signer.link_token(12, 34, "pick"))
    assert (claim.offer_id, claim.contact_id, claim.action) == (12, 34, "pick")


@pytest.mark.parametrize(
    "mangle",
    [
        # tampered signature: the first character (the last one's low bits can be padding,
        # so changing it may decode to the same bytes)
        lambda t: (
            t.rsplit(".", 1)[0]
            + "."
            + ("A" if t.rsplit(".", 1)[1][0] != "A" else "B")
            + t.rsplit(".", 1)[1][1:]
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
    signer = Signer([KEY_A], 1)
    token = signer.link_token(1, 2, "pick")
    time.sleep(2.1)  # itsdangerous timestamps have one-second resolution
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


def test_a_token_for_an_unknown_action_cannot_be_made() -> None:
    with pytest.raises(ValueError):
        Signer([KEY_A], 3600).link_token(1, 2, "delete")
