"""One mailbox URL (``imaps://user:password@host:993/INBOX``) as the parts a connection
needs. The settings checked its shape already; here it is only taken apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

IMAPS_PORT, IMAP_PORT = 993, 143


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    folder: str
    tls: str  # "implicit" (imaps), "starttls" (imap) or "off" (imap with ?tls=off)
    auth: str  # "password" or "xoauth2"
    password: str | None = field(default=None, repr=False)
    token_file: str | None = None
    provider: str | None = None  # XOAUTH2 with tokens fetched: "microsoft" or "google"
    tenant: str = ""  # Microsoft's tenant

    @classmethod
    def from_url(cls, url: str) -> Mailbox:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        implicit = parts.scheme == "imaps"
        tls = "implicit" if implicit else ("off" if query.get("tls") == "off" else "starttls")
        return cls(
            host=parts.hostname or "",
            port=parts.port or (IMAPS_PORT if implicit else IMAP_PORT),
            user=unquote(parts.username or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
            tls=tls,
            auth=query.get("auth", "password"),
            password=unquote(parts.password) if parts.password is not None else None,
            token_file=query.get("token_file"),
            provider=query.get("provider"),
            tenant=query.get("tenant", ""),
        )

    @property
    def label(self) -> str:
        """How the log names it: never with the password."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"

    def secret(self) -> str:
        """The password, or for XOAUTH2 without a ``provider`` the access token: read from
        the token file at each login, so whatever refreshes it (a sidecar, a cron job) only
        rewrites the file."""
        if self.auth == "xoauth2" and self.token_file:
            return Path(self.token_file).read_text(encoding="utf-8").strip()
        return self.password or ""
