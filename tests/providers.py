"""A local stand-in for Microsoft Graph, the Microsoft identity platform, the Gmail API and
Google's token endpoint: real HTTP on a free port, the documented endpoints mailflow uses
with the providers' payload shapes, throttling (429 + Retry-After) and token expiry
(401 with the provider's error body). ``POST /introspect`` (RFC 7662) tells a mail server
whether a token it was given is one this server issued and still valid: Dovecot's oauth2
password database asks it where Exchange Online or Gmail check their own tokens."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import subprocess
import threading
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from dkim.crypto import RSASSA_PKCS1_v1_5_verify, parse_pem_private_key

TENANT = "contoso.onmicrosoft.com"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
CLIENT_SECRET = "s3cr3t~client~value"
REFRESH_TOKEN = "1//refresh-token-value"


@dataclass
class Message:
    id: str
    raw: bytes
    folder: str = "inbox"  # Graph: the folder's id; Gmail: the labels below
    labels: list[str] = field(default_factory=lambda: ["INBOX"])
    categories: list[str] = field(default_factory=list)
    changed: int = 0  # Graph: the change counter of the delta query
    history: int = 0  # Gmail: the history id of its arrival


@dataclass
class State:
    messages: dict[str, Message] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)  # Graph: id → change that removed it
    folders: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # id → parent, name
    labels: dict[str, str] = field(default_factory=lambda: {"INBOX": "INBOX"})  # id → name
    sent: list[bytes] = field(default_factory=list)
    tokens: dict[str, float] = field(default_factory=dict)  # token → valid (1) / expired (0)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    throttle: int = 0  # the next this many API requests answer 429
    fail_send: int = 0  # the next sends answer this status (0: accept)
    expires_in: int = 3599
    oldest_history: int = 0  # Gmail: an older startHistoryId answers 404
    delta_gone: bool = False  # Graph: the next delta link answers 410 (synchronization reset)
    delta_expired: bool = False  # Graph: the next delta link answers 400 syncStateNotFound
    deltas: list[int] = field(default_factory=list)  # Graph: each delta call's token (0: none)
    history_starts: list[int] = field(default_factory=list)  # Gmail: each startHistoryId
    public_key: dict[str, int] | None = None  # the service account's, to check the JWT
    mail_user: str = "sales"  # whose tokens these are, as the introspection answers
    introspected: list[str] = field(default_factory=list)  # the tokens a mail server checked
    seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, raw: bytes) -> str:
        with self.lock:
            n = next(self.seq)
            message_id = f"AAMk{n:04d}"
            self.messages[message_id] = Message(message_id, raw, changed=n, history=n)
            return message_id

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    def in_folder(self, folder: str) -> list[Message]:
        return [m for m in self.messages.values() if m.folder == folder]

    def with_label(self, label: str) -> list[Message]:
        return [m for m in self.messages.values() if label in m.labels]


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # -- plumbing -----------------------------------------------------------------
    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = (
            body
            if isinstance(body, bytes)
            else (json.dumps(body).encode() if body is not None else b"")
        )
        self.send_response(status)
        ctype = "application/json" if not isinstance(body, bytes) else "message/rfc822"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PATCH(self) -> None:
        self._route("PATCH")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _route(self, method: str) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = self._body()
        if path.endswith("/token"):
            return self._token(path, body)
        if path == "/introspect" and method == "POST":
            return self._introspect(body)
        with state.lock:
            state.requests.append(f"{method} {path}")
            if state.throttle > 0:
                state.throttle -= 1
                return self._send(
                    429,
                    {"error": {"code": "TooManyRequests", "message": "Please retry again later."}},
                    {"Retry-After": "1"},
                )
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            if not state.tokens.get(token):
                return self._send(
                    401,
                    {
                        "error": {
                            "code": "InvalidAuthenticationToken",
                            "message": "Lifetime validation failed, the token is expired.",
                        }
                    },
                )
            if path.startswith("/v1.0/"):
                return self._graph(method, path[len("/v1.0") :], query, body)
            if path.startswith("/gmail/v1/"):
                return self._gmail(method, path[len("/gmail/v1") :], query, body)
        self._send(404, {"error": {"code": "NotFound", "message": path}})

    # -- tokens -------------------------------------------------------------------
    def _token(self, path: str, body: bytes) -> None:
        state = self.server.state
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        state.token_requests.append(form)
        grant = form.get("grant_type")
        ok = False
        if grant == "client_credentials":
            ok = (
                path == f"/{TENANT}/oauth2/v2.0/token"
                and form.get("client_id") == CLIENT_ID
                and form.get("client_secret") == CLIENT_SECRET
                and form.get("scope", "").endswith("/.default")
            )
        elif grant == "refresh_token":
            ok = form.get("refresh_token") == REFRESH_TOKEN and form.get("client_id") == CLIENT_ID
        elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            ok = self._jwt_ok(form.get("assertion", ""))
        if not ok:
            return self._send(
                400 if grant != "client_credentials" else 401,
                {
                    "error": "invalid_client" if grant == "client_credentials" else "invalid_grant",
                    "error_description": "AADSTS7000215: Invalid client secret provided. "
                    "Trace ID: 0000",
                },
            )
        with state.lock:
            token = f"tok-{next(state.seq)}"
            state.tokens[token] = 1.0
        self._send(
            200, {"token_type": "Bearer", "expires_in": state.expires_in, "access_token": token}
        )

    def _introspect(self, body: bytes) -> None:
        state = self.server.state
        token = parse_qs(body.decode()).get("token", [""])[-1]
        with state.lock:
            state.introspected.append(token)
            valid = bool(state.tokens.get(token))
        answer = {"active": "true", "username": state.mail_user} if valid else {"active": "false"}
        self._send(200, answer)

    def _jwt_ok(self, assertion: str) -> bool:
        key = self.server.state.public_key
        try:
            head, claims, signature = assertion.split(".")
            decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
            raw_signature = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        except ValueError:
            return False
        digest = hashlib.sha256(f"{head}.{claims}".encode())
        return (
            key is not None
            and RSASSA_PKCS1_v1_5_verify(digest, raw_signature, key)
            and decoded.get("sub")
            and "gmail" in decoded.get("scope", "")
        )

    # -- Microsoft Graph ----------------------------------------------------------
    def _graph(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        state = self.server.state
        m = re.fullmatch(r"/users/([^/]+)(/.*)", path)
        if not m:
            return self._send(404, {"error": {"code": "ErrorInvalidUser", "message": path}})
        rest = m.group(2)
        if rest == "/sendMail" and method == "POST":
            if self.headers.get("Content-Type") != "text/plain":
                return self._send(400, {"error": {"code": "ErrorMimeContentInvalid"}})
            if state.fail_send:
                return self._send(
                    state.fail_send,
                    {"error": {"code": "ErrorAccessDenied", "message": "Access is denied."}},
                )
            state.sent.append(base64.b64decode(body))
            return self._send(202)
        if rest.startswith("/mailFolders/inbox/messages/delta") and method == "GET":
            return self._delta(query)
        found = re.fullmatch(r"/messages/([^/]+)(/\$value|/move)?", rest)
        if found:
            return self._graph_message(method, found.group(1), found.group(2), query, body)
        folders = re.fullmatch(r"/mailFolders(?:/([^/]+)/childFolders)?", rest)
        if folders:
            return self._folders(method, folders.group(1), query, body)
        self._send(404, {"error": {"code": "ErrorItemNotFound", "message": rest}})

    def _delta(self, query: dict[str, str]) -> None:
        state = self.server.state
        since = int(query.get("$deltatoken", "0"))
        base = f"http://{self.headers['Host']}/v1.0/users/x/mailFolders/inbox/messages/delta"
        if "$skiptoken" not in query:
            state.deltas.append(since)
        if since and state.delta_gone:  # a reset: Location starts a fresh enumeration
            state.delta_gone = False
            return self._send(
                410,
                {"error": {"code": "resyncRequired", "message": "A resync is required."}},
                {"Location": base},
            )
        if since and state.delta_expired:  # an expired token, as Graph says it with 400
            state.delta_expired = False
            return self._send(
                400,
                {
                    "error": {
                        "code": "syncStateNotFound",
                        "message": "The sync state generation is not found. The delta token "
                        "is expired and data must be synchronized again.",
                    }
                },
            )
        skip = int(query.get("$skiptoken", "0"))
        size = int((self.headers.get("Prefer") or "=50").rpartition("=")[2])
        changed = sorted(
            (m for m in state.in_folder("inbox") if m.changed > since), key=lambda m: m.changed
        )
        items: list[dict[str, Any]] = [
            {"@odata.type": "#microsoft.graph.message", "id": m.id, "categories": m.categories}
            for m in changed
        ]
        items += [
            {"id": i, "@removed": {"reason": "deleted"}}
            for i, at in state.removed.items()
            if at > since
        ]
        page = items[skip : skip + size]
        answer: dict[str, Any] = {"value": page}
        if skip + size < len(items):
            answer["@odata.nextLink"] = f"{base}?$skiptoken={skip + size}&$deltatoken={since}"
        else:
            latest = max([since, *(m.changed for m in changed), *state.removed.values()])
            answer["@odata.deltaLink"] = f"{base}?$deltatoken={latest}"
        self._send(200, answer)

    def _graph_message(
        self, method: str, message_id: str, what: str | None, query: dict[str, str], body: bytes
    ) -> None:
        state = self.server.state
        message = state.messages.get(message_id)
        if message is None:
            return self._send(404, {"error": {"code": "ErrorItemNotFound", "message": "gone"}})
        if method == "GET" and what == "/$value":
            return self._send(200, message.raw)
        if method == "GET":
            head = BytesHeaderParser(policy=compat32).parsebytes(message.raw)
            headers = [{"name": k, "value": str(v)} for k, v in head.items()]
            return self._send(200, {"id": message.id, "internetMessageHeaders": headers})
        if method == "POST" and what == "/move":
            target = json.loads(body)["destinationId"]
            if target not in state.folders:
                return self._send(400, {"error": {"code": "ErrorInvalidIdMalformed"}})
            del state.messages[message_id]  # a move gives the message a new id
            state.removed[message_id] = next(state.seq)
            moved = Message(f"{message_id}-moved", message.raw, folder=target)
            state.messages[moved.id] = moved
            return self._send(201, {"id": moved.id, "parentFolderId": target})
        if method == "PATCH":
            message.categories = json.loads(body).get("categories", message.categories)
            message.changed = next(state.seq)
            return self._send(200, {"id": message.id, "categories": message.categories})
        if method == "DELETE":
            del state.messages[message_id]
            state.removed[message_id] = next(state.seq)
            return self._send(204)
        self._send(405, {"error": {"code": "MethodNotAllowed"}})

    def _folders(self, method: str, parent: str | None, query: dict[str, str], body: bytes) -> None:
        state = self.server.state
        if method == "POST":
            name = json.loads(body)["displayName"]
            folder_id = f"folder-{next(state.seq)}"
            state.folders[folder_id] = (parent, name)
            return self._send(201, {"id": folder_id, "displayName": name})
        wanted = re.fullmatch(r"displayName eq '(.*)'", query.get("$filter", ""))
        rows = [
            {"id": i, "displayName": name}
            for i, (p, name) in state.folders.items()
            if p == parent and (not wanted or name == wanted.group(1).replace("''", "'"))
        ]
        self._send(200, {"value": rows})

    # -- Gmail --------------------------------------------------------------------
    def _gmail(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        state = self.server.state
        m = re.fullmatch(r"/users/([^/]+)(/.*)", path)
        if not m:
            return self._send(404, {"error": {"code": 404, "message": "Not Found"}})
        rest = m.group(2)
        if rest == "/profile":
            latest = max([0, *(x.history for x in state.messages.values())])
            return self._send(200, {"emailAddress": m.group(1), "historyId": str(latest)})
        if rest == "/messages/send" and method == "POST":
            if state.fail_send:
                return self._send(
                    state.fail_send,
                    {
                        "error": {
                            "code": state.fail_send,
                            "message": "Invalid To header",
                            "status": "INVALID_ARGUMENT",
                        }
                    },
                )
            raw = json.loads(body)["raw"]
            state.sent.append(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
            return self._send(200, {"id": f"sent{len(state.sent)}", "labelIds": ["SENT"]})
        if rest == "/messages" and method == "GET":
            rows = state.with_label(query.get("labelIds", "INBOX"))
            return self._send(
                200,
                {
                    "messages": [{"id": x.id, "threadId": x.id} for x in rows],
                    "resultSizeEstimate": len(rows),
                },
            )
        if rest == "/history":
            start = int(query["startHistoryId"])
            state.history_starts.append(start)
            if start < state.oldest_history:
                return self._send(
                    404,
                    {
                        "error": {
                            "code": 404,
                            "message": "Requested entity was not found.",
                            "status": "NOT_FOUND",
                        }
                    },
                )
            added = [x for x in state.messages.values() if x.history > start]
            latest = max([start, *(x.history for x in added)])
            history = [
                {
                    "id": str(x.history),
                    "messages": [{"id": x.id}],
                    "messagesAdded": [
                        {"message": {"id": x.id, "threadId": x.id, "labelIds": list(x.labels)}}
                    ],
                }
                for x in added
            ]
            return self._send(200, {"history": history, "historyId": str(latest)})
        if rest == "/labels":
            if method == "POST":
                name = json.loads(body)["name"]
                label_id = f"Label_{next(state.seq)}"
                state.labels[label_id] = name
                return self._send(200, {"id": label_id, "name": name, "type": "user"})
            rows = [{"id": i, "name": n, "type": "user"} for i, n in state.labels.items()]
            return self._send(200, {"labels": rows})
        if rest == "/messages/batchModify":
            change = json.loads(body)
            for message_id in change["ids"]:
                message = state.messages[message_id]
                message.labels = [
                    x for x in message.labels if x not in change.get("removeLabelIds", [])
                ] + change.get("addLabelIds", [])
            return self._send(204)
        found = re.fullmatch(r"/messages/([^/]+)(/trash)?", rest)
        if found and found.group(1) in state.messages:
            message = state.messages[found.group(1)]
            if found.group(2):
                message.labels = ["TRASH"]
                return self._send(200, {"id": message.id, "labelIds": message.labels})
            if query.get("format") == "raw":
                raw = base64.urlsafe_b64encode(message.raw).decode()
                return self._send(200, {"id": message.id, "labelIds": message.labels, "raw": raw})
            head = BytesHeaderParser(policy=compat32).parsebytes(message.raw)
            headers = [{"name": k, "value": str(v)} for k, v in head.items()]
            return self._send(
                200,
                {
                    "id": message.id,
                    "labelIds": message.labels,
                    "sizeEstimate": len(message.raw),
                    "payload": {"mimeType": "text/plain", "headers": headers},
                },
            )
        self._send(404, {"error": {"code": 404, "message": "Requested entity was not found."}})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = State()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    def trust_service_account(self, key_json: str) -> None:
        key = parse_pem_private_key(json.loads(key_json)["private_key"].encode())
        self.state.public_key = {"modulus": key["modulus"], "publicExponent": key["publicExponent"]}


def provider_env(server: Server) -> dict[str, str]:
    return {
        "GRAPH_CLIENT_ID": CLIENT_ID,
        "GRAPH_CLIENT_SECRET": CLIENT_SECRET,
        "GRAPH_LOGIN_URL": server.url,
        "GRAPH_API_URL": f"{server.url}/v1.0",
        "GOOGLE_TOKEN_URL": f"{server.url}/token",
        "GMAIL_API_URL": server.url,
    }


def service_account(tmp_path: Path) -> str:
    pem = subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    return json.dumps(
        {
            "type": "service_account",
            "client_email": "mailflow@project.iam.gserviceaccount.com",
            "private_key": pem,
            "token_uri": "https://oauth2.googleapis.com/token",
        }
    )
