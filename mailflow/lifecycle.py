"""The lead and offer state machines: allowed transitions as data, nothing else.

Pure: no database, no Flask, no jobs. Actions ask ``check_lead``/``check_offer``
before they change a row, and the database's conditional UPDATE makes it stick.
"""

from __future__ import annotations

from typing import Final

LEAD_STATES: Final = (
    "new",
    "qualified",
    "rejected",
    "offered",
    "picked",
    "contacted",
    "meeting",
    "proposal",
    "won",
    "lost",
    "unassigned",
    "withdrawn",
)
OFFER_STATES: Final = ("open", "picked", "declined", "expired", "taken", "away", "withdrawn")

# Progress stages a partner reports after a pick; later ones may skip earlier ones.
STAGES: Final = ("contacted", "meeting", "proposal", "won", "lost")
OPEN_STAGES: Final = ("picked", "contacted", "meeting", "proposal")
CLOSED_STAGES: Final = ("won", "lost")


def _forward_stages(current: str) -> frozenset[str]:
    order = ("picked", "contacted", "meeting", "proposal")
    later = order[order.index(current) + 1 :]
    return frozenset((*later, "won", "lost"))


LEAD_TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "new": frozenset({"qualified", "rejected", "withdrawn"}),
    "qualified": frozenset({"offered", "unassigned", "withdrawn"}),
    "rejected": frozenset({"qualified"}),
    "offered": frozenset({"picked", "unassigned", "withdrawn"}),
    "unassigned": frozenset({"offered", "withdrawn"}),
    # A partner may give a picked lead back before it reports progress.
    "picked": _forward_stages("picked") | {"offered"},
    "contacted": _forward_stages("contacted"),
    "meeting": _forward_stages("meeting"),
    "proposal": _forward_stages("proposal"),
    "won": frozenset(),
    "lost": frozenset(),
    "withdrawn": frozenset(),
}

OFFER_TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "open": frozenset({"picked", "declined", "expired", "taken", "away", "withdrawn"}),
    **{s: frozenset() for s in OFFER_STATES if s != "open"},
}


class TransitionError(ValueError):
    """A transition the state machine does not allow."""

    def __init__(self, machine: str, current: str, target: str) -> None:
        super().__init__(f"{machine}: cannot go from {current!r} to {target!r}")
        self.machine = machine
        self.current = current
        self.target = target


def can_lead(current: str, target: str) -> bool:
    return target in LEAD_TRANSITIONS.get(current, frozenset())


def can_offer(current: str, target: str) -> bool:
    return target in OFFER_TRANSITIONS.get(current, frozenset())


def check_lead(current: str, target: str) -> None:
    if not can_lead(current, target):
        raise TransitionError("lead", current, target)


def check_offer(current: str, target: str) -> None:
    if not can_offer(current, target):
        raise TransitionError("offer", current, target)


def is_terminal_lead(state: str) -> bool:
    return not LEAD_TRANSITIONS[state]


def owner_sees_contact_data(state: str) -> bool:
    """From the pick on, the owning partner sees the customer's contact data."""
    return state in OPEN_STAGES or state in CLOSED_STAGES
