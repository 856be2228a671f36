"""A note a person reads beside a criterion's value ("12 won of 20 picked"): a message of
the catalog and its values. It is the English text wherever text is wanted (JSON, the API,
the audit trail), and a page shows the message translated with the values in the reader's
format (:func:`mailflow.mail.labels.note`)."""

from __future__ import annotations

from mailflow.i18n import N_
from mailflow.rules.note import Note

__all__ = ["LEVEL_NAMES", "Note"]

# The partner levels, as a note names them.
LEVEL_NAMES = {
    "premium": N_("premium partner"),
    "gold": N_("gold partner"),
    "silver": N_("silver partner"),
    "standard": N_("standard partner"),
}
