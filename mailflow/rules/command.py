"""What a partner asks for about an offer, whichever way it reached us: a reply's first
lines (read by the inbound interpreter) or a reviewer's correction in the console."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

from mailflow.i18n import N_

Action = Literal["pick", "decline", "feedback"]
Stage = Literal["contacted", "meeting", "proposal", "won", "lost"]
# A confirmation names the action it understood (``_(understood.action)``); the stages are
# lead states, marked in :mod:`mailflow.models.states`.
ACTION_WORDS: tuple[str, ...] = (N_("pick"), N_("decline"), N_("feedback"))


@dataclass(frozen=True)
class Command:
    action: Action
    stage: Stage | None = None
    amount: Decimal | None = None
    currency: str | None = None  # ISO code: EUR, USD, CHF, GBP
    reason: str | None = None


def as_json(command: Command) -> dict[str, Any]:
    """The command as stored (a message's outcome, an email's context); the amount as a
    string, so it stays exact."""
    return {
        "action": command.action,
        "stage": command.stage,
        "amount": str(command.amount) if command.amount is not None else None,
        "currency": command.currency,
        "reason": command.reason,
    }


def from_json(data: Any) -> Command | None:
    """The command :func:`as_json` stored; None for anything that is not one."""
    if not isinstance(data, dict) or data.get("action") not in get_args(Action):
        return None
    stage = data.get("stage")
    if stage is not None and stage not in get_args(Stage):
        return None
    try:
        amount = Decimal(str(data["amount"])) if data.get("amount") is not None else None
    except InvalidOperation:
        return None
    currency, reason = data.get("currency"), data.get("reason")
    return Command(
        action=data["action"],
        stage=stage,
        amount=amount,
        currency=currency if isinstance(currency, str) else None,
        reason=reason if isinstance(reason, str) else None,
    )


def readings(
    candidate: Command | None, alternatives: tuple[Command, ...], limit: int
) -> list[Command]:
    """The likely commands of an uncertain reply, best first, each once, at most ``limit``."""
    found = [c for c in (candidate, *alternatives) if c is not None]
    return list(dict.fromkeys(found))[:limit]
