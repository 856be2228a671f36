"""Typed refusals an action raises; callers turn them into pages, HTTP codes or replies."""

from __future__ import annotations


class ActionError(Exception):
    """Base: the action was refused and nothing changed. ``code`` is stable for callers."""

    code = "refused"
    http_status = 400

    def __init__(self, message: str = "", **details: object) -> None:
        super().__init__(message or self.code)
        self.details = details


class NotFound(ActionError):
    code = "not_found"
    http_status = 404


class NotAllowed(ActionError):
    code = "not_allowed"
    http_status = 403


class PartnerInactive(NotAllowed):
    """The partner (or its contact) is deactivated: it picks, declines and reports nothing."""

    code = "partner_inactive"


class AlreadyTaken(ActionError):
    """Another partner picked the lead first."""

    code = "taken"
    http_status = 409


class OfferClosed(ActionError):
    """The offer is no longer open (expired, declined, withdrawn…); ``state`` says which."""

    code = "offer_closed"
    http_status = 410


class InvalidInput(ActionError):
    code = "invalid"
    http_status = 422


class WrongState(ActionError):
    """The lead is not in a state where this action applies."""

    code = "wrong_state"
    http_status = 409


class QueueBlocked(ActionError):
    """The partner has too many picked leads without feedback: it sees offers
    but cannot pick until it reports. ``overdue`` lists the lead ids to report on."""

    code = "queue_blocked"
    http_status = 423
