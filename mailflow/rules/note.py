"""A line a person reads that the system writes ("away until 2026-12-14", "dmarc=fail for
example.com"): a message of the catalog and its values. It is the English text wherever
text is wanted (JSON, the API, logs, the audit trail), and keeps the message and values so
a page or the API can show it in its reader's language (:func:`mailflow.mail.labels.note`).
A value may be a note itself (a nested reason): it is shown translated as well."""

from __future__ import annotations

from typing import Any


class Note(str):
    """``message`` (marked with ``N_``) filled with ``args``; ``language`` is a language
    code, ``date`` an ISO date, and a number is written for the reader where the note is
    shown. The text is the English message, or ``text`` where the text has always been
    written otherwise (a code the API carries, a rounded figure)."""

    message: str
    args: dict[str, Any]

    def __new__(cls, message: str, text: str | None = None, **args: Any) -> Note:
        note = super().__new__(cls, text if text is not None else message % args)
        note.message, note.args = message, args
        return note

    def as_json(self) -> list[Any]:
        """The message and its values (a nested note's the same way), to keep in JSON."""
        return [self.message, {k: as_json(v) for k, v in self.args.items()}]


def as_json(value: Any) -> Any:
    """``value`` as JSON keeps it: a note as its message and values, anything else as it
    is."""
    return value.as_json() if isinstance(value, Note) else value
