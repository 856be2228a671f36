"""What each kind of signed link says (the payloads :class:`~mailflow.links.signer.Signer`
signs). The payload keys are short and fixed: links already in mailboxes carry them.

A console user's links (password reset, email change) carry a fingerprint of the value
they change: once the password or the address changes, the link is spent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Self

from mailflow.links.signer import Claim, Signer, TokenInvalid

ACTIONS: tuple[str, ...] = ("pick", "decline", "feedback", "portal", "qualify")
ESCALATION_CHOICES = ("offer_to", "widen", "withdraw")


def fingerprint(value: str | None) -> str:
    """Binds a token to the current value (a password hash, an email address)."""
    return hashlib.sha256((value or "-").encode()).hexdigest()[:16]


def _contact_id(data: dict[str, Any]) -> int:
    contact = data.get("c")
    if not isinstance(contact, int):
        raise TokenInvalid("unexpected payload")
    return contact


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class LinkClaim(Claim):
    """A partner's one-click link: ``{"o": offer, "c": contact, "a": action}`` (a qualify
    link names the lead as its offer)."""

    PURPOSE = "action"
    offer_id: int
    contact_id: int
    action: str

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}")

    @property
    def purpose(self) -> str:
        return "qualify" if self.action == "qualify" else "action"

    def payload(self) -> dict[str, Any]:
        return {"o": self.offer_id, "c": self.contact_id, "a": self.action}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        offer, contact, action = data.get("o"), data.get("c"), data.get("a")
        if action not in ACTIONS or not isinstance(offer, int) or not isinstance(contact, int):
            raise TokenInvalid("unexpected payload")
        return cls(offer, contact, str(action))


@dataclass(frozen=True)
class EscalationClaim(Claim):
    """The one-click choices of an escalation email: ``{"l": lead, "c": contact}``."""

    PURPOSE = "escalation"
    lead_id: int
    contact_id: int

    def payload(self) -> dict[str, Any]:
        return {"l": self.lead_id, "c": self.contact_id}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        try:
            return cls(int(data["l"]), int(data["c"]))
        except (KeyError, TypeError, ValueError):
            raise TokenInvalid("malformed escalation token") from None


@dataclass(frozen=True)
class AwayClaim(Claim):
    """A partner manager confirms the longer away period an out-of-office named:
    ``{"o": partner, "c": manager, "u": day}``."""

    PURPOSE = "away"
    organization_id: int
    contact_id: int  # the partner manager the link was sent to
    until: datetime  # the date the out-of-office named (midnight UTC when read)

    def payload(self) -> dict[str, Any]:
        return {"o": self.organization_id, "c": self.contact_id, "u": self.until.date().isoformat()}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        contact = _contact_id(data)
        try:
            day = date.fromisoformat(str(data["u"]))
            return cls(int(data["o"]), contact, datetime(*day.timetuple()[:3], tzinfo=UTC))
        except (KeyError, TypeError, ValueError):
            raise TokenInvalid("malformed away token") from None


DEAL_ACTIONS = ("open",)  # a partner's link to its registration: the page shows what it can do
DEAL_REVIEW_ACTIONS = ("decide", "extend")  # the staff's links: the decision, more time


@dataclass(frozen=True)
class DealClaim(Claim):
    """A partner contact's link to its deal registration: ``{"d": deal, "c": contact,
    "a": action}``, the action one of ``ACTIONS``."""

    PURPOSE = "deal"
    ACTIONS: ClassVar[tuple[str, ...]] = DEAL_ACTIONS
    deal_id: int
    contact_id: int
    action: str

    def __post_init__(self) -> None:
        if self.action not in self.ACTIONS:
            raise ValueError(f"unknown deal action {self.action!r}")

    def payload(self) -> dict[str, Any]:
        return {"d": self.deal_id, "c": self.contact_id, "a": self.action}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        deal, contact, action = data.get("d"), _contact_id(data), data.get("a")
        if not isinstance(deal, int) or action not in cls.ACTIONS:
            raise TokenInvalid("unexpected payload")
        return cls(deal, contact, str(action))


@dataclass(frozen=True)
class DealReviewClaim(DealClaim):
    """The staff's one-click link to decide a registration or grant more time (its own
    salt and path)."""

    PURPOSE = "deal_review"
    ACTIONS: ClassVar[tuple[str, ...]] = DEAL_REVIEW_ACTIONS


@dataclass(frozen=True)
class _ContactClaim(Claim):
    """A link that names one partner contact and nothing else: ``{"c": contact}``."""

    contact_id: int

    def payload(self) -> dict[str, Any]:
        return {"c": self.contact_id}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        return cls(_contact_id(data))


@dataclass(frozen=True)
class ProfileClaim(_ContactClaim):
    """A partner's contact opens its company's profile."""

    PURPOSE = "profile"


@dataclass(frozen=True)
class InvitationClaim(Claim):
    """An invited partner's page: ``{"i": invitation, "c": the invited contact}``."""

    PURPOSE = "join"
    invitation_id: int
    contact_id: int

    def payload(self) -> dict[str, Any]:
        return {"i": self.invitation_id, "c": self.contact_id}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        invitation = data.get("i")
        if not isinstance(invitation, int):
            raise TokenInvalid("unexpected payload")
        return cls(invitation, _contact_id(data))


@dataclass(frozen=True)
class TermsClaim(_ContactClaim):
    """A partner's contact accepts the current terms."""

    PURPOSE = "terms"


@dataclass(frozen=True)
class TerritoryClaim(Claim):
    """A partner manager decides a partner's request for wider regions: ``{"t": request,
    "c": manager}``."""

    PURPOSE = "territory"
    request_id: int
    contact_id: int

    def payload(self) -> dict[str, Any]:
        return {"t": self.request_id, "c": self.contact_id}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        contact, request = _contact_id(data), data.get("t")
        if not isinstance(request, int):
            raise TokenInvalid("malformed territory token")
        return cls(request, contact)


NOTE_CHOICE = "note"  # the choice that keeps a reply as a note and applies nothing


@dataclass(frozen=True)
class ChoiceClaim(Claim):
    """One button of a "did you mean …?" email: ``{"m": inbound message, "c": contact,
    "k": choice}``; the choice is the index of a stored reading or ``NOTE_CHOICE``."""

    PURPOSE = "choice"
    inbound_id: int
    contact_id: int
    choice: str

    def payload(self) -> dict[str, Any]:
        return {"m": self.inbound_id, "c": self.contact_id, "k": self.choice}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        contact, message, choice = _contact_id(data), data.get("m"), data.get("k")
        if not isinstance(message, int) or not isinstance(choice, str):
            raise TokenInvalid("malformed choice token")
        if choice != NOTE_CHOICE and not choice.isdigit():
            raise TokenInvalid("malformed choice token")
        return cls(message, contact, choice)


@dataclass(frozen=True)
class UnsubscribeClaim(Claim):
    """The one opt-out link of report emails: ``{"c": contact}``, never expires."""

    PURPOSE = "unsubscribe"
    contact_id: int

    def payload(self) -> dict[str, Any]:
        return {"c": self.contact_id}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        return cls(_contact_id(data))


def read_unsubscribe(signer: Signer, token: str) -> int:
    """The contact an opt-out token names: a current token, or the untimed ``{"u":
    contact}`` of an older ``/u/`` link in reports sent before the two were unified."""
    try:
        return signer.read(UnsubscribeClaim, token).contact_id
    except TokenInvalid:
        pass
    data = signer.read_untimed(UnsubscribeClaim.PURPOSE, token)
    contact_id = data.get("u") if isinstance(data, dict) else None
    if not isinstance(contact_id, int):
        raise TokenInvalid("unexpected payload")
    return contact_id


@dataclass(frozen=True)
class ResetClaim(Claim):
    """A console password reset: ``{"c": contact, "f": fingerprint of the hash}``."""

    PURPOSE = "password_reset"
    contact_id: int
    fingerprint: str | None

    def payload(self) -> dict[str, Any]:
        return {"c": self.contact_id, "f": self.fingerprint}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        return cls(_contact_id(data), _text(data.get("f")))


@dataclass(frozen=True)
class EmailChangeClaim(Claim):
    """A console user's new address, confirmed from the old one: ``{"c": contact, "e":
    new address, "f": fingerprint of the old address}``."""

    PURPOSE = "email_change"
    contact_id: int
    new_email: str | None
    fingerprint: str | None

    def payload(self) -> dict[str, Any]:
        return {"c": self.contact_id, "e": self.new_email, "f": self.fingerprint}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        return cls(_contact_id(data), _text(data.get("e")), _text(data.get("f")))
