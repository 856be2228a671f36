"""Every allowed and every forbidden transition of the lead and offer state machines,
against the table in design.md written out here independently of the code."""

from __future__ import annotations

import itertools

import pytest

from mailflow.models.states import LeadState, OfferState
from mailflow.rules import lifecycle
from mailflow.rules.lifecycle import LEAD_STATES, OFFER_STATES, TransitionError

SPEC_LEAD = {
    ("new", "qualified"),
    ("new", "rejected"),
    ("new", "withdrawn"),
    ("rejected", "qualified"),
    ("qualified", "offered"),
    ("qualified", "unassigned"),
    ("qualified", "withdrawn"),
    ("offered", "picked"),
    ("offered", "unassigned"),
    ("offered", "withdrawn"),
    ("unassigned", "offered"),
    ("unassigned", "withdrawn"),
    ("picked", "offered"),
    ("picked", "contacted"),
    ("picked", "meeting"),
    ("picked", "proposal"),
    ("picked", "won"),
    ("picked", "lost"),
    ("contacted", "meeting"),
    ("contacted", "proposal"),
    ("contacted", "won"),
    ("contacted", "lost"),
    ("meeting", "proposal"),
    ("meeting", "won"),
    ("meeting", "lost"),
    ("proposal", "won"),
    ("proposal", "lost"),
}
SPEC_OFFER = {("open", s) for s in ("picked", "declined", "expired", "taken", "away", "withdrawn")}


@pytest.mark.parametrize(("current", "target"), sorted(itertools.product(LEAD_STATES, LEAD_STATES)))
def test_lead_transition_is_allowed_exactly_when_the_design_says_so(
    current: str, target: str
) -> None:
    allowed = (current, target) in SPEC_LEAD
    assert lifecycle.can_lead(current, target) is allowed
    assert (current in lifecycle.lead_sources(LeadState(target))) is allowed
    if allowed:
        lifecycle.check_lead(current, target)
        assert lifecycle.lead_to(str(current), LeadState(target)) == target
    else:
        with pytest.raises(TransitionError, match=f"'{current}' to '{target}'"):
            lifecycle.check_lead(current, target)
        with pytest.raises(TransitionError, match=f"^lead: cannot go from '{current}' to"):
            lifecycle.lead_to(str(current), LeadState(target))


@pytest.mark.parametrize(
    ("current", "target"), sorted(itertools.product(OFFER_STATES, OFFER_STATES))
)
def test_offer_transition_is_allowed_exactly_when_the_design_says_so(
    current: str, target: str
) -> None:
    allowed = (current, target) in SPEC_OFFER
    assert lifecycle.can_offer(current, target) is allowed
    assert (current in lifecycle.offer_sources(OfferState(target))) is allowed
    if allowed:
        lifecycle.check_offer(current, target)
        assert lifecycle.offer_to(str(current), OfferState(target)) == target
    else:
        with pytest.raises(TransitionError):
            lifecycle.check_offer(current, target)
        with pytest.raises(TransitionError, match=f"^offer: cannot go from '{current}' to"):
            lifecycle.offer_to(str(current), OfferState(target))


def test_the_states_are_the_strings_the_columns_hold() -> None:
    assert [str(s) for s in LEAD_STATES] == [
        "new", "qualified", "rejected", "offered", "picked", "contacted", "meeting",
        "proposal", "won", "lost", "unassigned", "withdrawn",
    ]  # fmt: skip
    assert [str(s) for s in OFFER_STATES] == [
        "open", "picked", "declined", "expired", "taken", "away", "withdrawn",
    ]  # fmt: skip
    assert LeadState.PICKED == "picked" and f"{OfferState.OPEN}" == "open"


def test_a_closing_update_starts_from_open_only() -> None:
    for target in OfferState:
        expected = () if target == OfferState.OPEN else (OfferState.OPEN,)
        assert lifecycle.offer_sources(target) == expected
    assert lifecycle.lead_sources(LeadState.PICKED) == (LeadState.OFFERED,)


def test_won_lost_and_withdrawn_are_terminal() -> None:
    assert [s for s in LEAD_STATES if lifecycle.is_terminal_lead(s)] == ["won", "lost", "withdrawn"]


def test_only_picked_and_later_stages_show_contact_data_to_the_owner() -> None:
    visible = {s for s in LEAD_STATES if lifecycle.owner_sees_contact_data(s)}
    assert visible == {"picked", "contacted", "meeting", "proposal", "won", "lost"}


def test_unknown_states_are_refused() -> None:
    assert not lifecycle.can_lead("nonsense", "won")
    assert not lifecycle.can_offer("open", "nonsense")
