"""The states a row can be in. The columns stay strings (no migration): each member *is*
its string, so ``lead.state == LeadState.PICKED`` holds for a row read back as ``"picked"``
and a member binds as its value in SQL, JSON and templates."""

from __future__ import annotations

from enum import StrEnum

from mailflow.i18n import N_


# Lead and offer states are shown to partners (``_(lead.state)``): N_ marks them for the
# catalogs.
class LeadState(StrEnum):
    NEW = N_("new")
    QUALIFIED = N_("qualified")
    REJECTED = N_("rejected")
    OFFERED = N_("offered")
    PICKED = N_("picked")
    CONTACTED = N_("contacted")
    MEETING = N_("meeting")
    PROPOSAL = N_("proposal")
    WON = N_("won")
    LOST = N_("lost")
    UNASSIGNED = N_("unassigned")
    WITHDRAWN = N_("withdrawn")


class OfferState(StrEnum):
    OPEN = N_("open")
    PICKED = N_("picked")
    DECLINED = N_("declined")
    EXPIRED = N_("expired")
    TAKEN = N_("taken")
    AWAY = N_("away")
    WITHDRAWN = N_("withdrawn")


class DealState(StrEnum):
    """A deal registration: understood from an email and waiting for the partner's
    confirmation (``draft``), waiting for the staff's decision, then decided; an approved
    one ``ended`` once its exclusivity ran out."""

    DRAFT = N_("draft")
    SUBMITTED = N_("submitted")
    APPROVED = N_("approved")
    REJECTED = N_("rejected")
    ENDED = N_("ended")


class OutboundState(StrEnum):
    """An email of the outbox: queued in the action, claimed by the sender, then done."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class DeliveryState(StrEnum):
    """A webhook delivery of the webhook outbox."""

    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class InboundState(StrEnum):
    """A received message: waiting, then what processing (or the review queue) made of it."""

    RECEIVED = "received"
    APPLIED = "applied"
    # Not sure what the reply meant: the partner was asked back with one-click choices
    # ("did you mean …?"); a day without a choice hands it to the review queue.
    ASKED = "asked"
    NOTED = "noted"  # the partner chose "only a note": kept on the lead, nothing applied
    REFUSED = "refused"
    REVIEW = "review"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    FAILED = "failed"
    DISMISSED = "dismissed"
