"""What processing made of one stored message: its final state and why.

The reason is a message of the catalog: a plain one as it is (the console translates it
where it shows it), one with values through :meth:`Outcome.said`, which keeps the message
and its values beside the English ``reason`` the logs and the API read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mailflow.rules.note import as_json


@dataclass
class Outcome:
    # applied | asked | refused | review | duplicate | ignored | bounce | auto_reply | failed
    state: str
    reason: str
    data: dict[str, Any] = field(default_factory=dict)
    offer_id: int | None = None
    contact_id: int | None = None
    lead_id: int | None = None

    @classmethod
    def said(
        cls,
        state: str,
        message: str,
        args: dict[str, Any],
        data: dict[str, Any] | None = None,
        **ids: Any,
    ) -> Outcome:
        """The outcome whose reason is ``message`` (a catalog message, ``N_``) filled
        with ``args``: in English as ``reason``, and as ``why`` with ``why_args`` (a
        :class:`~mailflow.rules.note.Note` among them kept as its message and values)."""
        why = {"why": message, "why_args": {k: as_json(v) for k, v in args.items()}}
        return cls(state, message % args, {**(data or {}), **why}, **ids)
