"""Raw bytes → what a message is and says: parse (:mod:`.message`), classify (reply,
auto-reply, bounce), extract the reply's own text, interpret its command; and who sent
it (:mod:`.sender`, :mod:`.authresults`). Pure: no database, no clock."""

from mailflow.inbound.parse.message import Parsed, parse_message, parse_text, with_language

__all__ = ["Parsed", "parse_message", "parse_text", "with_language"]
