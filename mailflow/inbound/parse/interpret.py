"""What a partner's reply asks for: the command to act on, or None.

A thin front of :mod:`mailflow.inbound.parse.understand`, which reads whole replies in
seven languages and says how sure it is; ``interpret`` gives only a command sure enough to
act on (the full :class:`Interpretation` keeps the candidates below the threshold).
"""

from __future__ import annotations

from mailflow.inbound.parse.understand import Interpretation, understand
from mailflow.inbound.parse.understand.amounts import parse_amount
from mailflow.rules.command import Command

__all__ = ["Command", "Interpretation", "interpret", "parse_amount", "understand"]


def interpret(reply_text: str, language_hint: str | None = None) -> Command | None:
    """The command of a reply when it is clear enough to act on, else None (a note)."""
    return understand(reply_text, language_hint).command
