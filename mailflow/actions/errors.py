"""Typed refusals an action raises; callers turn them into pages, HTTP codes or replies.

A refusal a partner may read (by email, in a dialog) says so in a sentence of the catalog
(``N_``): the email shows it translated. Each kind has its general sentence (``text``),
the message when none is given."""

from __future__ import annotations

from mailflow.i18n import N_


class ActionError(Exception):
    """Base: the action was refused and nothing changed. ``code`` is stable for callers."""

    code = "refused"
    http_status = 400
    # True for a refusal that found and recorded something true whatever the answer (an
    # offer past its deadline, expired on the spot): its writes commit, then it is raised.
    keeps_writes = False
    text = N_("This is not possible.")

    def __init__(self, message: str = "", *, said: str | None = None, **details: object) -> None:
        super().__init__(message or self.text)
        self.details = details
        # the refusal in a person's words: a catalog message, filled from ``details``
        self.said = said


class NotFound(ActionError):
    code = "not_found"
    http_status = 404
    text = N_("We could not find this lead or offer.")


class NotAllowed(ActionError):
    code = "not_allowed"
    http_status = 403
    text = N_("You are not allowed to do this.")


class PartnerInactive(NotAllowed):
    """The partner (or its contact) is deactivated: it picks, declines and reports nothing."""

    code = "partner_inactive"
    text = N_(
        "Your partner account is not active: it can no longer pick, decline or report on "
        "leads. Please ask the manufacturer to reactivate it."
    )


class AlreadyTaken(ActionError):
    """Another partner picked the lead first."""

    code = "taken"
    http_status = 409
    text = N_("Another partner picked this lead first.")


class OfferClosed(ActionError):
    """The offer is no longer open (expired, declined, withdrawn…); ``state`` says which."""

    code = "offer_closed"
    http_status = 410
    text = N_("This offer is closed: it has expired, moved on or been withdrawn.")


class OfferExpired(OfferClosed):
    """The answer came after the offer's deadline: refused, and the offer expired on the
    spot (that stands, whether or not the sweeps have run)."""

    code = "offer_expired"
    keeps_writes = True


class InvalidInput(ActionError):
    code = "invalid"
    http_status = 422
    text = N_("Some of what you sent is not valid.")


class WrongState(ActionError):
    """The lead is not in a state where this action applies."""

    code = "wrong_state"
    http_status = 409
    text = N_("The lead is not at a stage where this applies.")


class QueueBlocked(ActionError):
    """The partner has too many picked leads without feedback: it sees offers
    but cannot pick until it reports. ``overdue`` lists the lead ids to report on."""

    code = "queue_blocked"
    http_status = 423
    text = N_("Too many of your picked leads are waiting for your feedback.")
