"""A note a person reads beside a criterion's value ("12 won of 20 picked"): a message of
the catalog and its values. It is the English text wherever text is wanted (JSON, the API,
the audit trail), and a page shows the message translated with the values in the reader's
format (:func:`mailflow.mail.labels.note`)."""

from __future__ import annotations

from typing import Any

from mailflow.i18n import N_

# The partner levels, as a note names them.
LEVEL_NAMES = {
    "premium": N_("premium partner"),
    "gold": N_("gold partner"),
    "silver": N_("silver partner"),
    "standard": N_("standard partner"),
}


class Note(str):
    """``message`` (marked with ``N_``) filled with ``args``; ``language`` is a language
    code and a number is written for the reader where the note is shown. The text is the
    English message, or ``text`` where the API has always carried a code (a level)."""

    message: str
    args: dict[str, Any]

    def __new__(cls, message: str, text: str | None = None, **args: Any) -> Note:
        note = super().__new__(cls, text if text is not None else message % args)
        note.message, note.args = message, args
        return note

    def as_json(self) -> list[Any]:
        """The message and its values, as an offer keeps them with its ranking."""
        return [self.message, self.args]
