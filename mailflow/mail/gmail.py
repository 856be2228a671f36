"""One Gmail (Google Workspace) mailbox through the Gmail API: the inbox's new messages by
history id (a full listing at the first start, or when the history id has expired), each one's
headers (``format=metadata``) and raw MIME (``format=raw``), labelling or trashing them,
and sending a MIME message (``messages.send``)."""

from __future__ import annotations

import base64
from urllib.parse import quote

from mailflow.mail.apiclient import ApiClient, ApiError
from mailflow.mail.oauth import TokenSource

PAGE = 500


class GmailMailbox:
    def __init__(
        self, api_url: str, tokens: TokenSource, address: str, label: str = "INBOX"
    ) -> None:
        self.api = ApiClient(api_url, tokens, "the Gmail API")
        self.address = address
        self.source = label
        self.user = f"/gmail/v1/users/{quote(address)}"
        self._history: str | None = None
        self._taken: str | None = None  # the id of the processed label

    @property
    def label(self) -> str:
        label = "" if self.source == "INBOX" else f"?label={self.source}"
        return f"gmail://{self.address}{label}"

    # -- where reading goes on ----------------------------------------------------
    @property
    def position(self) -> str | None:
        """The history id the next round starts from (None: the whole label)."""
        return self._history

    def resume(self, position: str | None) -> None:
        """Go on from a history id saved by an earlier process."""
        self._history = position if position and position.isdigit() else None

    # -- reading ------------------------------------------------------------------
    def new(self) -> list[str]:
        """The ids of messages added to the inbox since the last call (all of it first)."""
        if self._history is not None:
            try:
                return self._since(self._history)
            except ApiError as exc:
                if exc.status != 404:  # 404: the history id is too old; list everything
                    raise
                self._history = None
        start = str(self.api.json("GET", f"{self.user}/profile")["historyId"])
        found: list[str] = []
        token = ""
        while True:
            query = f"labelIds={self.source}&maxResults={PAGE}" + (
                f"&pageToken={quote(token)}" if token else ""
            )
            page = self.api.json("GET", f"{self.user}/messages?{query}")
            found.extend(str(m["id"]) for m in page.get("messages") or [])
            token = str(page.get("nextPageToken") or "")
            if not token:
                break
        self._history = start
        return found

    def _since(self, history_id: str) -> list[str]:
        found: list[str] = []
        token = ""
        latest = history_id
        while True:
            query = (
                f"startHistoryId={history_id}&historyTypes=messageAdded&labelId={self.source}"
                + (f"&pageToken={quote(token)}" if token else "")
            )
            page = self.api.json("GET", f"{self.user}/history?{query}")
            for record in page.get("history") or []:
                for added in record.get("messagesAdded") or []:
                    message = added.get("message") or {}
                    if self.source in (message.get("labelIds") or [self.source]):
                        found.append(str(message["id"]))
            latest = str(page.get("historyId") or latest)
            token = str(page.get("nextPageToken") or "")
            if not token:
                break
        self._history = latest
        return list(dict.fromkeys(found))

    def headers(self, ids: list[str]) -> dict[str, bytes]:
        """id → header bytes; messages already labelled as taken are left out."""
        found: dict[str, bytes] = {}
        for message_id in ids:
            body = self.api.json(
                "GET", f"{self.user}/messages/{quote(message_id)}?format=metadata", ok=(200, 404)
            )
            if body.get("error") or (self._taken and self._taken in (body.get("labelIds") or [])):
                continue
            lines = [
                f"{h.get('name')}: {h.get('value')}"
                for h in (body.get("payload") or {}).get("headers") or []
            ]
            found[message_id] = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace")
        return found

    def raw(self, message_id: str) -> bytes:
        body = self.api.json("GET", f"{self.user}/messages/{quote(message_id)}?format=raw")
        data = str(body.get("raw") or "")
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))

    # -- marking ------------------------------------------------------------------
    def prepare(self, how: str, folder: str) -> None:
        if how != "delete" and self._taken is None:
            self._taken = self._label_id(folder)

    def mark(self, ids: list[str], how: str, folder: str) -> None:
        if not ids:
            return
        if how == "delete":
            for message_id in ids:
                self.api.call("POST", f"{self.user}/messages/{quote(message_id)}/trash")
            return
        self.prepare(how, folder)
        change = {
            "ids": ids,
            "addLabelIds": [self._taken],
            "removeLabelIds": [self.source] if how == "move" else [],
        }
        self.api.call("POST", f"{self.user}/messages/batchModify", json=change, ok=(200, 204))

    def _label_id(self, name: str) -> str:
        labels = self.api.json("GET", f"{self.user}/labels").get("labels") or []
        for item in labels:
            if str(item.get("name", "")).lower() == name.lower():
                return str(item["id"])
        made = self.api.json(
            "POST",
            f"{self.user}/labels",
            json={
                "name": name,
                "labelListVisibility": "labelShow",
                "messageListVisibility": "show",
            },
        )
        return str(made["id"])

    # -- sending ------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        """``messages.send`` with the MIME message: the recipients are its To, Cc and Bcc."""
        raw = base64.urlsafe_b64encode(data).decode()
        self.api.call("POST", f"{self.user}/messages/send", json={"raw": raw})
