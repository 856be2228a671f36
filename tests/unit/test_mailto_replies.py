"""The mailto: replies: every prefilled body is understood in every language with full
confidence, and the URLs follow RFC 6068."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from mailflow import i18n
from mailflow.inbound.parse.understand import THRESHOLD, understand
from mailflow.mail import replies

EXPECTED = {
    "pick": ("pick", None),
    "decline": ("decline", None),
    **{stage: ("feedback", stage) for stage in replies.STATUSES},
}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("action", list(replies.BODIES))
def test_each_prefilled_body_is_understood(lang: str, action: str) -> None:
    text = replies.body(lang, action)
    if lang != "en":
        assert text.split("\n")[0] != replies.BODIES[action]  # written in the reader's language
    for hint in (None, lang):
        reading = understand(text, hint)
        assert reading.command is not None, (lang, action, text)
        assert (reading.command.action, reading.command.stage) == EXPECTED[action]
        assert reading.confidence >= THRESHOLD


def test_mailto_urls_are_percent_encoded_utf8_with_crlf() -> None:
    url = replies.mailto("sales@nordwind.test", "Re: Übernehmen [#L-1-2-3-abcdef]", "a\nb & c")
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and parts.path == "sales@nordwind.test"
    assert "%C3%9Cbernehmen" in url and "%0D%0A" in url and "%26" in url
    assert " " not in url and "\n" not in url
    subject, body = (unquote(p.split("=", 1)[1]) for p in parts.query.split("&"))
    assert (subject, body) == ("Re: Übernehmen [#L-1-2-3-abcdef]", "a\r\nb & c")


def test_a_feedback_link_offers_every_status_and_a_decline_a_reason_line() -> None:
    found = replies.buttons("de", "reply+k@x.test", ["feedback", "portal"], None)
    assert list(found) == list(replies.STATUSES)
    assert replies.body("de", "decline").endswith("\nGrund: ")
