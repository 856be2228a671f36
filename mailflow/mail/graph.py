"""One Microsoft 365 mailbox through Microsoft Graph (app-only): the new messages of a folder
by delta query, each one's internet headers and its raw MIME (``/$value``), moving,
categorising or deleting them, and sending a MIME message (``sendMail``).

The application needs the ``Mail.ReadWrite`` and ``Mail.Send`` application permissions;
an application access policy in Exchange Online may limit it to the mailboxes it serves."""

from __future__ import annotations

import base64
from urllib.parse import quote

from mailflow.mail.apiclient import ApiClient, ApiError
from mailflow.mail.oauth import TokenSource

TAKEN = "mailflow"  # the category of a message taken when the mark is "flag"
PAGE = 100
# the answers that say a delta link is no longer known (documented "synchronization reset":
# 410 Gone; an expired token also as 400 with one of these codes): start over
_RESET_CODES = ("syncstatenotfound", "syncstateinvalid", "resyncrequired")


class GraphMailbox:
    def __init__(
        self, api_url: str, tokens: TokenSource, tenant: str, address: str, folder: str = "inbox"
    ) -> None:
        self.api = ApiClient(api_url, tokens, "Microsoft Graph")
        self.tenant = tenant
        self.address = address
        self.folder = folder
        self.user = f"/users/{quote(address)}"
        self._delta: str | None = None  # the delta link: where the next round starts
        self._target: str | None = None  # the id of the folder taken messages move to

    @property
    def label(self) -> str:
        """The connection's name: its URL (without the folder when it is the inbox)."""
        folder = "" if self.folder == "inbox" else f"?folder={self.folder}"
        return f"graph://{self.tenant}/{self.address}{folder}"

    # -- where reading goes on ----------------------------------------------------
    @property
    def position(self) -> str | None:
        """The delta link the next round starts from (None: the whole folder)."""
        return self._delta

    def resume(self, position: str | None) -> None:
        """Go on from a delta link saved by an earlier process. Only a link of the configured
        API is taken: the bearer token goes nowhere else."""
        base = self.api.base_url + "/"
        self._delta = position if position and position.startswith(base) else None

    # -- reading ------------------------------------------------------------------
    def new(self) -> list[str]:
        """The ids of messages added or changed since the last call (all of the folder's at
        the first), without the ones already taken (categorised) or removed. A delta link
        the service no longer knows starts over with the whole folder (its Location header
        would start the same fresh enumeration, without our ``$select``)."""
        try:
            return self._changes()
        except ApiError as exc:
            if self._delta is None or not _reset(exc):
                raise
            self._delta = None
            return self._changes()

    def _changes(self) -> list[str]:
        link = self._delta or (
            f"{self.user}/mailFolders/{quote(self.folder)}/messages/delta?$select=categories"
        )
        found: list[str] = []
        while True:
            page = self.api.json("GET", link, headers={"Prefer": f"odata.maxpagesize={PAGE}"})
            for item in page.get("value", []):
                if "@removed" not in item and TAKEN not in (item.get("categories") or []):
                    found.append(str(item["id"]))
            if "@odata.nextLink" in page:
                link = str(page["@odata.nextLink"])
                continue
            self._delta = str(page.get("@odata.deltaLink") or "") or None
            return found

    def headers(self, ids: list[str]) -> dict[str, bytes]:
        """id → the message's header as bytes (from ``internetMessageHeaders``)."""
        found: dict[str, bytes] = {}
        for message_id in ids:
            body = self.api.json(
                "GET",
                f"{self.user}/messages/{quote(message_id)}?$select=internetMessageHeaders",
                ok=(200, 404),
            )
            if body.get("error"):  # removed meanwhile
                continue
            lines = [
                f"{h.get('name')}: {h.get('value')}"
                for h in body.get("internetMessageHeaders") or []
            ]
            found[message_id] = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace")
        return found

    def raw(self, message_id: str) -> bytes:
        return self.api.call("GET", f"{self.user}/messages/{quote(message_id)}/$value").content

    # -- marking ------------------------------------------------------------------
    def prepare(self, how: str, folder: str) -> None:
        if how == "move" and self._target is None:
            self._target = self._folder_id(folder)

    def mark(self, ids: list[str], how: str, folder: str) -> None:
        for message_id in ids:
            path = f"{self.user}/messages/{quote(message_id)}"
            if how == "move":
                self.prepare(how, folder)
                self.api.call(
                    "POST", f"{path}/move", json={"destinationId": self._target}, ok=(200, 201)
                )
            elif how == "flag":
                self.api.call("PATCH", path, json={"categories": [TAKEN]})
            else:
                self.api.call("DELETE", path, ok=(204, 404))

    def _folder_id(self, path: str) -> str:
        """The id of the folder ``a/b`` (below the mailbox's top level), created if missing."""
        parent: str | None = None
        for name in filter(None, path.split("/")):
            where = f"{self.user}/mailFolders" + (f"/{parent}/childFolders" if parent else "")
            escaped = name.replace("'", "''")
            listed = self.api.json(
                "GET",
                f"{where}?$filter=displayName eq '{quote(escaped)}'&includeHiddenFolders=true",
            )
            match = listed.get("value") or []
            if match:
                parent = str(match[0]["id"])
            else:
                made = self.api.json("POST", where, json={"displayName": name}, ok=(201,))
                parent = str(made["id"])
        if parent is None:
            raise ValueError("the processed folder has no name")
        return parent

    # -- sending ------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        """``sendMail`` with the MIME message (base64): the recipients are its To and Cc;
        Exchange keeps a copy in Sent Items."""
        self.api.call(
            "POST",
            f"{self.user}/sendMail",
            data=base64.b64encode(data),
            headers={"Content-Type": "text/plain"},
            ok=(202,),
        )


def _reset(exc: ApiError) -> bool:
    """Whether Graph asks for a full synchronization."""
    return exc.status == 410 or (exc.status == 400 and exc.code.lower() in _RESET_CODES)
