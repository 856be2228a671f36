"""What a reader sees for a code: a reason chosen in a dialog ("no capacity") shows as its
label in the reader's language ("Derzeit keine Kapazität"), a refusal as a sentence of the
catalog. Codes and labels are written once here; the ``label`` filter of every email
template uses them, so no code ever reaches a partner as it is stored. The console's
filters read the same way: a lead's source, an inbound email's way in and why it ended as
it did, how a reply's words were read, and the matcher's notes.
"""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from jinja2 import pass_context
from jinja2.runtime import Context

from mailflow import i18n
from mailflow.i18n import N_
from mailflow.rules.note import Note

# The reasons the decline dialog offers (its option values) and what a reader sees.
DECLINE_REASONS: dict[str, str] = {
    "too far away": N_("Too far away"),
    "no capacity": N_("No capacity right now"),
    "not our product line": N_("Not our product line"),
    "customer known, not interested": N_("We know this customer; not promising"),
    "other": N_("Other"),
}
# Why the system closed an offer (``Offer.reason``), beside the reasons people give.
CLOSE_REASONS: dict[str, str] = {"partner_deactivated": N_("the partner was deactivated")}
# The texts a partner accepts (``TermsVersion.kind``).
TERMS_KINDS: dict[str, str] = {
    "terms": N_("Terms of the partnership"),
    "dpa": N_("Data-processing agreement"),
}
# Where a lead came from: the ``source`` an integration, the CSV import or the seed
# writes. Any other source is an integrator's own word and shows as it was written.
SOURCES: dict[str, str] = {
    "api": N_("Interface (API)"),
    "csv": N_("CSV import"),
    "import": N_("CSV import"),
    "website": N_("Website"),
    "web": N_("Web form"),
    "form": N_("Web form"),
    "console": N_("Entered in the console"),
    "email": N_("Email enquiry"),
    "phone": N_("Phone call"),
    "trade fair": N_("Trade fair"),
    "fair": N_("Trade fair"),
    "referral": N_("Recommendation"),
}
# How an inbound email reached us (``InboundEmail.channel``).
INBOUND_CHANNELS: dict[str, str] = {
    "smtp": N_("our mail server"),
    "pipe": N_("the mail server's pipe"),
    "webhook": N_("the mail provider's HTTP hook"),
    "imap": N_("IMAP mailbox"),
    "graph": N_("Microsoft 365 mailbox"),
    "gmail": N_("Gmail mailbox"),
}
# How a rule read a reply's decisive words (``note`` of an interpretation).
READING_NOTES: dict[str, str] = {
    "negated": N_("read as negated"),
    "affirm": N_("a yes to the offer"),
    "rival": N_("another company got the order"),
    "customer": N_("said of the customer"),
}
# Shown when a refusal's text is not a sentence of the catalog (it cannot be translated).
REFUSED = N_("The lead has changed meanwhile, so this is not possible any more.")


def label(lang: str, value: object) -> str:
    """A code's label in ``lang``; a catalog message translated; other text (the
    partner's own words) as it is."""
    if value is None:
        return ""
    text = str(value)
    code = text.strip().lower()
    if code in DECLINE_REASONS:
        return i18n.gettext(lang, DECLINE_REASONS[code])
    if code in CLOSE_REASONS:
        return i18n.gettext(lang, CLOSE_REASONS[code])
    if code in TERMS_KINDS:
        return i18n.gettext(lang, TERMS_KINDS[code])
    return i18n.gettext(lang, text)


def coded(lang: str, table: dict[str, str], value: object) -> str:
    """The label of the code ``value`` of ``table`` in ``lang``; a value the table does not
    know as it is (a person's own word)."""
    text = "" if value is None else str(value)
    found = table.get(text.strip().lower())
    return i18n.gettext(lang, found) if found else text


def why(lang: str, state: str, outcome: dict[str, Any]) -> str:
    """Why an inbound message ended as it did, in ``lang``: its catalog message with the
    values it was given, else its reason's label (a refusal's through :func:`refusal`)."""
    message = outcome.get("why")
    if message:
        args = outcome.get("why_args") or {}
        return i18n.gettext(lang, message, **{k: _value(lang, k, v) for k, v in args.items()})
    reason = str(outcome.get("reason") or "")
    return label(lang, refusal(reason) if state == "refused" else reason)


def _value(lang: str, name: str, value: object) -> str:
    if name == "date":
        return i18n.day(lang, value)
    if _is_stored_note(value):  # a nested reason kept with its values (a bounce's)
        return note(lang, "", value)  # type: ignore[arg-type]
    if name == "why":  # a nested reason (a bounce's): translated when it is a message
        return label(lang, value)
    return str(value)


def note(lang: str, value: object, stored: list[Any] | None = None) -> str:
    """A note (:class:`~mailflow.rules.note.Note`: a matching criterion's, why a partner
    was excluded, a sender check's) in ``lang``: its message, or the message and values
    kept in JSON (``stored``), with the values in the reader's format; other text as it
    is."""
    if isinstance(value, Note):
        message, args = value.message, value.args
    elif _is_stored_note(stored):
        assert stored is not None
        message, args = stored[0], dict(stored[1] or {})
    else:
        return "" if value is None else str(value)
    shown = {k: _note_value(lang, k, v) for k, v in args.items()}
    return i18n.gettext(lang, message, **shown)


def _is_stored_note(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict | type(None))
    )


def _note_value(lang: str, name: str, value: object) -> str:
    if isinstance(value, Note):
        return note(lang, value)
    if _is_stored_note(value):
        return note(lang, "", value)  # type: ignore[arg-type]
    if name == "language":
        try:
            return Locale.parse(str(value)).get_language_name(i18n.normalize(lang)) or str(value)
        except (UnknownLocaleError, ValueError):
            return str(value)
    if name == "date":
        return i18n.day(lang, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return i18n.number(lang, value)
    return str(value)


def is_message(text: str) -> bool:
    """True for an English sentence of the catalog (every catalog holds every message:
    a test keeps them complete, so the German one stands for all)."""
    return text in i18n.catalog("de").messages


def refusal(error: str | None) -> str | None:
    """A refusal as a catalog message: the action's own sentence when it is one, else the
    general one; a partner never reads an untranslatable English error."""
    if not error:
        return None
    return error if is_message(error) else REFUSED


@pass_context
def label_filter(ctx: Context, value: Any) -> str:
    return label(i18n.context_language(ctx), value)


def qualification(lang: str, value: object) -> str:
    """A waiting lead's note: each of its parts (``; ``) a catalog message translated, the
    rest (a campaign rule's own words, the fields missing) as it is."""
    text = "" if value is None else str(value)
    return "; ".join(i18n.gettext(lang, part) for part in text.split("; "))


@pass_context
def qualification_filter(ctx: Context, value: Any) -> str:
    return qualification(i18n.context_language(ctx), value)


@pass_context
def source_filter(ctx: Context, value: Any) -> str:
    return coded(i18n.context_language(ctx), SOURCES, value)


@pass_context
def inbound_channel_filter(ctx: Context, value: Any) -> str:
    return coded(i18n.context_language(ctx), INBOUND_CHANNELS, value)


@pass_context
def why_filter(ctx: Context, row: Any) -> str:
    """``row``: an InboundEmail."""
    return why(i18n.context_language(ctx), str(row.state), dict(row.outcome or {}))


@pass_context
def reading_note_filter(ctx: Context, value: Any) -> str:
    return coded(i18n.context_language(ctx), READING_NOTES, value) if value else ""


@pass_context
def note_filter(ctx: Context, value: Any, stored: list[Any] | None = None) -> str:
    return note(i18n.context_language(ctx), value, stored)
