"""The Signer: every signed link (purposes as data, on the runtime clock), reply and
bounce keys."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from mailflow.clock import Clock
from mailflow.links.claims import (
    AwayClaim,
    ChoiceClaim,
    DealClaim,
    DealReviewClaim,
    EmailChangeClaim,
    EscalationClaim,
    LinkClaim,
    ProfileClaim,
    ResetClaim,
    TerritoryClaim,
    UnsubscribeClaim,
    read_unsubscribe,
)
from mailflow.links.signer import PURPOSES, Claim, Signer, TokenExpired, TokenInvalid

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
KEY_A = "a" * 32
KEY_B = "b" * 32


def test_a_link_token_round_trips() -> None:
    signer = Signer([KEY_A], 3600)
    claim = signer.read(LinkClaim, signer.sign(LinkClaim(12, 34, "pick")))
    assert (claim.offer_id, claim.contact_id, claim.action) == (12, 34, "pick")


def test_a_link_signed_twice_within_a_second_is_the_same_token() -> None:
    clock = Clock()
    clock.set(NOON)
    signer = Signer([KEY_A], 3600, clock)
    first, again = signer.sign(LinkClaim(1, 2, "pick")), signer.sign(LinkClaim(1, 2, "pick"))
    assert first == again and signer.sign(LinkClaim(1, 2, "decline")) != first
    assert signer.read(LinkClaim, signer.sign(LinkClaim(1, 3, "pick"))).contact_id == 3
    clock.advance(seconds=1)
    later = signer.sign(LinkClaim(1, 2, "pick"))  # signed anew, with its own second
    assert later != first and signer.read(LinkClaim, later).action == "pick"


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
        signer.read(LinkClaim, mangle(signer.sign(LinkClaim(1, 2, "pick"))))  # type: ignore[operator]


def test_it_rejects_a_token_signed_with_another_key() -> None:
    token = Signer([KEY_B], 3600).sign(LinkClaim(1, 2, "pick"))
    with pytest.raises(TokenInvalid):
        Signer([KEY_A], 3600).read(LinkClaim, token)


def test_old_keys_still_verify_after_rotation_and_the_newest_signs() -> None:
    old_token = Signer([KEY_A], 3600).sign(LinkClaim(1, 2, "decline"))
    rotated = Signer([KEY_A, KEY_B], 3600)
    assert rotated.read(LinkClaim, old_token).action == "decline"
    assert (
        Signer([KEY_B], 3600).read(LinkClaim, rotated.sign(LinkClaim(1, 2, "pick"))).offer_id == 1
    )


def test_it_rejects_an_expired_token() -> None:
    clock = Clock()
    clock.set(NOON)
    signer = Signer([KEY_A], 3600, clock)
    token = signer.sign(LinkClaim(1, 2, "pick"))
    clock.advance(seconds=3600)
    assert signer.read(LinkClaim, token).action == "pick"  # exactly the max age: still valid
    clock.advance(seconds=1)
    with pytest.raises(TokenExpired):
        signer.read(LinkClaim, token)


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


def test_a_deal_key_names_the_contact_and_is_never_a_bounce_key() -> None:
    signer = Signer([KEY_A], 3600)
    key = signer.deal_key(77)
    assert signer.read_deal_key(key) == 77 and signer.read_deal_key(key.upper()) == 77
    with pytest.raises(TokenInvalid):
        signer.read_deal_key(signer.bounce_key(77))
    with pytest.raises(TokenInvalid):
        signer.read_bounce_key(key)
    with pytest.raises(TokenInvalid):
        signer.read_deal_key(key[:-1] + ("0" if key[-1] != "0" else "1"))


def test_a_token_for_an_unknown_action_cannot_be_made() -> None:
    with pytest.raises(ValueError):
        LinkClaim(1, 2, "delete")


def test_a_deal_link_carries_only_its_own_actions_and_says_its_purpose_by_its_class() -> None:
    """The partner's and the staff's deal links differ in their actions alone: a partner's
    link cannot say "decide", and no flag turns a partner's link into the staff's."""
    assert {f.name for f in fields(DealReviewClaim)} == {"deal_id", "contact_id", "action"}
    with pytest.raises(ValueError):
        DealClaim(1, 2, "decide")
    with pytest.raises(ValueError):
        DealReviewClaim(1, 2, "open")
    assert DealClaim.parse({"d": 1, "c": 2, "a": "open"}).purpose == "deal"
    assert DealReviewClaim.parse({"d": 1, "c": 2, "a": "decide"}).purpose == "deal_review"
    for claim, data in ((DealClaim, "decide"), (DealReviewClaim, "open")):
        with pytest.raises(TokenInvalid):
            claim.parse({"d": 1, "c": 2, "a": data})


# One claim of every purpose, and the payload links already in mailboxes carry for it.
DAY = datetime(2027, 1, 15, tzinfo=UTC)
CLAIMS: list[tuple[Claim, dict[str, object]]] = [
    (LinkClaim(1, 2, "pick"), {"o": 1, "c": 2, "a": "pick"}),
    (LinkClaim(3, 4, "qualify"), {"o": 3, "c": 4, "a": "qualify"}),
    (EscalationClaim(5, 6), {"l": 5, "c": 6}),
    (DealClaim(13, 14, "open"), {"d": 13, "c": 14, "a": "open"}),
    (DealReviewClaim(15, 16, "extend"), {"d": 15, "c": 16, "a": "extend"}),
    (AwayClaim(7, 8, DAY), {"o": 7, "c": 8, "u": "2027-01-15"}),
    (ChoiceClaim(12, 13, "1"), {"m": 12, "c": 13, "k": "1"}),
    (ChoiceClaim(12, 13, "note"), {"m": 12, "c": 13, "k": "note"}),
    (UnsubscribeClaim(9), {"c": 9}),
    (ProfileClaim(14), {"c": 14}),
    (TerritoryClaim(15, 16), {"t": 15, "c": 16}),
    (ResetClaim(10, "f" * 16), {"c": 10, "f": "f" * 16}),
    (
        EmailChangeClaim(11, "new@x.example", "e" * 16),
        {"c": 11, "e": "new@x.example", "f": "e" * 16},
    ),
]
# The salts of links already sent: changing one breaks every link in a mailbox.
SALTS = {
    "action": "mailflow.action-link.v1",
    "qualify": "mailflow.action-link.v1",
    "escalation": "mailflow.escalation-link.v1",
    "away": "mailflow.away-confirm-link.v1",
    "profile": "mailflow.profile-link.v1",
    "territory": "mailflow.territory-request-link.v1",
    "choice": "mailflow.reply-choice-link.v1",
    "unsubscribe": "mailflow.report-unsubscribe.v1",
    "password_reset": "mailflow.password-reset.v1",
    "email_change": "mailflow.email-change.v1",
    "deal": "mailflow.deal-link.v1",
    "deal_review": "mailflow.deal-review-link.v1",
    "join": "mailflow.partner-invitation-link.v1",
    "terms": "mailflow.terms-acceptance-link.v1",
}


def test_every_purpose_keeps_the_salt_and_path_of_the_links_already_sent() -> None:
    assert {name: p.salt for name, p in PURPOSES.items()} == SALTS
    paths = {name: p.path for name, p in PURPOSES.items()}
    assert paths == {"action": "/a/", "qualify": "/q/", "escalation": "/e/", "away": "/away/",
                     "profile": "/p/", "territory": "/territory/", "choice": "/r/",
                     "unsubscribe": "/reports/unsubscribe/",
                     "password_reset": "/console/reset/",
                     "email_change": "/console/email/", "deal": "/deal/",
                     "deal_review": "/deal-review/", "join": "/join/",
                     "terms": "/terms/"}  # fmt: skip


@pytest.mark.parametrize(("claim", "payload"), CLAIMS, ids=lambda c: type(c).__name__)
def test_a_token_signed_before_the_signer_was_unified_still_verifies(
    claim: Claim, payload: dict[str, object]
) -> None:
    """A token as the separate modules made it: itsdangerous with the purpose's salt."""
    old = URLSafeTimedSerializer([KEY_A], salt=SALTS[claim.purpose]).dumps(payload)
    assert Signer([KEY_A], 3600).read(type(claim), old) == claim
    assert Signer([KEY_A], 3600).path(claim).startswith(PURPOSES[claim.purpose].path)


@pytest.mark.parametrize(("claim", "payload"), CLAIMS, ids=lambda c: type(c).__name__)
def test_a_token_of_one_purpose_never_verifies_as_another(
    claim: Claim, payload: dict[str, object]
) -> None:
    signer = Signer([KEY_A], 3600)
    token = signer.sign(claim)
    for other, _ in CLAIMS:
        if SALTS[other.purpose] != SALTS[claim.purpose]:
            with pytest.raises(TokenInvalid):
                signer.read(type(other), token)


@pytest.mark.parametrize(("claim", "payload"), CLAIMS, ids=lambda c: type(c).__name__)
def test_every_purpose_ages_on_the_runtime_clock(claim: Claim, payload: dict[str, object]) -> None:
    clock = Clock()
    clock.set(NOON)
    signer = Signer([KEY_A], 7 * 86400, clock)
    token = signer.sign(claim)
    clock.advance(seconds=-60)
    max_age = signer.max_age_s(claim.purpose)
    if max_age is not None:
        with pytest.raises(TokenExpired):  # signed in the future
            signer.read(type(claim), token)
    clock.set(NOON)
    clock.advance(seconds=max_age or 10 * 365 * 86400)
    assert signer.read(type(claim), token) == claim
    clock.advance(seconds=1)
    if max_age is None:
        assert signer.read(type(claim), token) == claim  # an old report still unsubscribes
    else:
        with pytest.raises(TokenExpired):
            signer.read(type(claim), token)


def test_the_fixed_max_ages_and_the_configured_one() -> None:
    signer = Signer([KEY_A], 5 * 86400)
    ages = {name: signer.max_age_s(name) for name in PURPOSES}
    assert ages == {"action": 5 * 86400, "qualify": 5 * 86400, "escalation": 5 * 86400,
                    "away": 5 * 86400, "profile": 5 * 86400, "territory": 5 * 86400,
                    "choice": 5 * 86400, "unsubscribe": None,
                    "password_reset": 3600, "email_change": 86400, "deal": 5 * 86400,
                    "deal_review": 5 * 86400, "join": 31 * 86400,
                    "terms": 5 * 86400}  # fmt: skip


def test_an_older_untimed_opt_out_token_still_names_its_contact() -> None:
    signer = Signer([KEY_A], 3600)
    legacy = URLSafeSerializer([KEY_A], salt=SALTS["unsubscribe"]).dumps({"u": 42})
    assert read_unsubscribe(signer, legacy) == 42
    assert read_unsubscribe(signer, signer.sign(UnsubscribeClaim(43))) == 43
    with pytest.raises(TokenInvalid):
        read_unsubscribe(
            signer, URLSafeSerializer([KEY_B], salt=SALTS["unsubscribe"]).dumps({"u": 1})
        )
    with pytest.raises(TokenInvalid):
        read_unsubscribe(signer, signer.sign(ResetClaim(42, None)))


def test_a_malformed_payload_under_a_good_signature_is_invalid() -> None:
    signer = Signer([KEY_A], 3600)
    for claim_type, payload in (
        (LinkClaim, {"o": 1, "c": 2, "a": "delete"}),
        (LinkClaim, {"o": "1", "c": 2, "a": "pick"}),
        (EscalationClaim, {"l": 1}),
        (AwayClaim, {"o": 1, "c": 2, "u": "not a day"}),
        (ResetClaim, {"c": "2"}),
        (UnsubscribeClaim, ["c", 2]),
    ):
        token = URLSafeTimedSerializer([KEY_A], salt=SALTS[claim_type.PURPOSE]).dumps(payload)
        with pytest.raises(TokenInvalid):
            signer.read(claim_type, token)


def test_a_choice_token_names_a_reading_or_the_note_and_reads_late_only_for_telling() -> None:
    bad = ({"m": 1, "c": 2, "k": "drop"}, {"m": "1", "c": 2, "k": "0"}, {"m": 1, "k": "0"})
    # signed by the library itself, so at the wall clock's time: the signer reads them a
    # second later, whatever the date the tests run on
    forged = [URLSafeTimedSerializer([KEY_A], salt=SALTS["choice"]).dumps(b) for b in bad]
    clock = Clock()
    clock.set(datetime.now(UTC) + timedelta(seconds=1))
    signer = Signer([KEY_A], 86400, clock)
    for token in forged:
        with pytest.raises(TokenInvalid):
            signer.read(ChoiceClaim, token)
    token = signer.sign(ChoiceClaim(1, 2, "0"))
    clock.advance(seconds=2 * 86400)
    with pytest.raises(TokenExpired):
        signer.read(ChoiceClaim, token)
    assert signer.read_any_age(ChoiceClaim, token) == ChoiceClaim(1, 2, "0")
    with pytest.raises(TokenInvalid):
        Signer([KEY_B], 86400, clock).read_any_age(ChoiceClaim, token)
