"""The lead and offer state machines: allowed transitions as data, and the one place a
transition is refused.

Pure: no database, no Flask, no jobs. An action asks :func:`lead_to` / :func:`offer_to`
for the new state before it sets it; a conditional UPDATE instead names the states it
may start from, ``WHERE state IN offer_sources(target)``, so the database refuses a row
that moved meanwhile.
"""

from __future__ import annotations

from typing import Final

from mailflow.models.states import LeadState, OfferState

L = LeadState  # the transition table reads as a table

LEAD_STATES: Final = tuple(LeadState)
OFFER_STATES: Final = tuple(OfferState)

# Progress stages a partner reports after a pick; later ones may skip earlier ones.
STAGES: Final = (L.CONTACTED, L.MEETING, L.PROPOSAL, L.WON, L.LOST)
OPEN_STAGES: Final = (L.PICKED, L.CONTACTED, L.MEETING, L.PROPOSAL)
CLOSED_STAGES: Final = (L.WON, L.LOST)


def _forward_stages(current: LeadState) -> frozenset[LeadState]:
    later = OPEN_STAGES[OPEN_STAGES.index(current) + 1 :]
    return frozenset((*later, *CLOSED_STAGES))


# Keyed by plain strings too: a state read from the database is a ``str``.
LEAD_TRANSITIONS: Final[dict[str, frozenset[LeadState]]] = {
    L.NEW: frozenset({L.QUALIFIED, L.REJECTED, L.WITHDRAWN}),
    L.QUALIFIED: frozenset({L.OFFERED, L.UNASSIGNED, L.WITHDRAWN}),
    L.REJECTED: frozenset({L.QUALIFIED}),
    L.OFFERED: frozenset({L.PICKED, L.UNASSIGNED, L.WITHDRAWN}),
    L.UNASSIGNED: frozenset({L.OFFERED, L.WITHDRAWN}),
    # A partner may give a picked lead back before it reports progress.
    L.PICKED: _forward_stages(L.PICKED) | {L.OFFERED},
    L.CONTACTED: _forward_stages(L.CONTACTED),
    L.MEETING: _forward_stages(L.MEETING),
    L.PROPOSAL: _forward_stages(L.PROPOSAL),
    L.WON: frozenset(),
    L.LOST: frozenset(),
    L.WITHDRAWN: frozenset(),
}

# An offer is answered once: every move starts from open, and every other state is final.
OFFER_TRANSITIONS: Final[dict[str, frozenset[OfferState]]] = {
    OfferState.OPEN: frozenset(set(OfferState) - {OfferState.OPEN}),
    **{s: frozenset() for s in OfferState if s != OfferState.OPEN},
}


class TransitionError(ValueError):
    """A transition the state machine does not allow."""

    def __init__(self, machine: str, current: str, target: str) -> None:
        super().__init__(f"{machine}: cannot go from {str(current)!r} to {str(target)!r}")
        self.machine = machine
        self.current = str(current)
        self.target = str(target)


def can_lead(current: str, target: str) -> bool:
    return target in LEAD_TRANSITIONS.get(current, frozenset())


def can_offer(current: str, target: str) -> bool:
    return target in OFFER_TRANSITIONS.get(current, frozenset())


def lead_to(current: str, target: LeadState) -> LeadState:
    """``target``, when a lead in ``current`` may move there; else :class:`TransitionError`."""
    if not can_lead(current, target):
        raise TransitionError("lead", current, target)
    return target


def offer_to(current: str, target: OfferState) -> OfferState:
    """``target``, when an offer in ``current`` may move there; else :class:`TransitionError`."""
    if not can_offer(current, target):
        raise TransitionError("offer", current, target)
    return target


def check_lead(current: str, target: str) -> None:
    if not can_lead(current, target):
        raise TransitionError("lead", current, target)


def check_offer(current: str, target: str) -> None:
    if not can_offer(current, target):
        raise TransitionError("offer", current, target)


def lead_sources(target: LeadState) -> tuple[LeadState, ...]:
    """The states a lead may move to ``target`` from: a conditional UPDATE's ``IN (...)``."""
    return tuple(s for s in LeadState if target in LEAD_TRANSITIONS[s])


def offer_sources(target: OfferState) -> tuple[OfferState, ...]:
    """The states an offer may move to ``target`` from: a conditional UPDATE's ``IN (...)``."""
    return tuple(s for s in OfferState if target in OFFER_TRANSITIONS[s])


def is_terminal_lead(state: str) -> bool:
    return not LEAD_TRANSITIONS[state]


def owner_sees_contact_data(state: str) -> bool:
    """From the pick on, the owning partner sees the customer's contact data."""
    return state in OPEN_STAGES or state in CLOSED_STAGES
