"""The SMTP library logs every command line and recipient at INFO: a reply address holds a
signed key (whoever reads it can answer as the partner), so it is logged without it."""

from __future__ import annotations

import logging
import re

SMTP_LOGGER = "mail.log"  # aiosmtpd's
# "reply+<key>@" within a run of the characters a key may hold: tried once a run, from its
# start and only when an "@" ends it (tried again from every "reply+" in the run, a line of
# "reply+a+reply+a+…" took seconds); group 1 keeps what stands before "reply+" in the run.
_KEYED = re.compile(
    r"(?<![^@\s'\"<>])(?=[^@\s'\"<>]*+@)([^@\s'\"<>]*?)\b(reply|bounce)\+[^@\s'\"<>]++@",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    return _KEYED.sub(r"\1\2+<key>@", text)


class ReplyKeyFilter(logging.Filter):
    """Writes the record's message out once, with every ``reply+<key>@`` made anonymous."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    logger = logging.getLogger(SMTP_LOGGER)
    if not any(isinstance(f, ReplyKeyFilter) for f in logger.filters):
        logger.addFilter(ReplyKeyFilter())
