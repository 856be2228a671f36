"""What every process checks before it starts, and ``mailflow check`` prints.

Each check gives a :class:`Finding`: ``ok``, ``warn`` (works, but not as production
should) or ``error`` (the process would fail per request or per job: it must not start).
An error's text says what to change, in one line; a configuration mistake never ends
in a stack trace.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path
from typing import Literal, NoReturn
from urllib.parse import unquote, urlsplit

import redis
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mailflow.db import migrate, normalize_url
from mailflow.links.signer import Signer
from mailflow.push import keys
from mailflow.settings import PREFIX, Settings, SettingsError, load_settings

Level = Literal["ok", "warn", "error"]
TIMEOUT_S = 3.0
DEFAULT_BASE_URL = "http://127.0.0.1:5000"
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
# the largest ids a reply address must still hold within the 64-character local part
_LARGE_ID = 2**31 - 1


@dataclass(frozen=True)
class Finding:
    name: str
    level: Level
    detail: str

    def line(self) -> str:
        return f"{self.level.upper():5} {self.name:12} {self.detail}"


def run(settings: Settings, *, demo: bool = False, deep: bool = False) -> list[Finding]:
    """Every check, in the order an operator fixes things."""
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its plugin chatter per start
    findings = [
        _secret_keys(settings, demo),
        _base_url(settings, demo),
        _reply_addresses(settings, demo),
        _database(settings, demo),
        _redis(settings),
        _push(settings),
    ]
    if deep:
        findings.append(_relay(settings))
    return findings


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "error"]


def start(process: str, env: Mapping[str, str] | None = None) -> Settings:
    """A process's start-up: the settings, checked; on a mistake one line and exit 2."""
    try:
        settings = load_settings(env)
    except SettingsError as exc:
        refuse(process, f"configuration error: {exc}")
    for finding in errors(run(settings)):
        refuse(process, f"{finding.name}: {finding.detail}")
    return settings


def refuse(process: str, message: str, code: int = 2) -> NoReturn:
    print(f"mailflow {process}: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


# -- the checks -------------------------------------------------------------------------
def _secret_keys(settings: Settings, demo: bool) -> Finding:
    if settings.secret_keys:
        count = len(settings.secret_keys)
        return Finding("secret keys", "ok", f"{count} key{'s' if count > 1 else ''}")
    if demo:
        return Finding("secret keys", "ok", "the demo creates its key in the data directory")
    return Finding(
        "secret keys",
        "error",
        f"none: set {PREFIX}SECRET_KEYS (or {PREFIX}SECRET_KEYS_FILE), the same in every "
        "process, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'",
    )


def _base_url(settings: Settings, demo: bool) -> Finding:
    parts = urlsplit(settings.base_url)
    if not parts.hostname or parts.query or parts.fragment:
        return Finding(
            "base URL",
            "error",
            f"{settings.base_url!r} is no base address: set {PREFIX}BASE_URL to "
            "https://host[/path] without ? or #",
        )
    if demo:
        return Finding("base URL", "ok", settings.base_url)
    if settings.base_url == DEFAULT_BASE_URL:
        return Finding(
            "base URL",
            "warn",
            f"not set: links in emails point at {DEFAULT_BASE_URL}; set {PREFIX}BASE_URL "
            "to the public address",
        )
    if parts.scheme == "http" and not _local(parts.hostname):
        return Finding(
            "base URL", "warn", f"{settings.base_url}: links in emails travel without TLS"
        )
    return Finding("base URL", "ok", settings.base_url)


def _local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _reply_addresses(settings: Settings, demo: bool) -> Finding:
    """A reply address made with the configured keys and domain reads back, and fits."""
    domain = settings.inbound_domain.lower()
    if not _HOSTNAME.match(domain):
        return Finding(
            "inbound",
            "error",
            f"{PREFIX}INBOUND_DOMAIN={settings.inbound_domain!r} is not a domain name "
            "(reply.example.com: its MX points at mailflow inbound serve)",
        )
    if settings.secret_keys:
        signer = Signer(settings.secret_keys, 86400)
        key = signer.reply_key(_LARGE_ID, _LARGE_ID)
        local = f"reply+{key}"
        if len(local) > 64 or len(f"{local}@{domain}") > 254:
            return Finding("inbound", "error", f"reply addresses at {domain} are too long")
        if signer.read_reply_key(key) != (_LARGE_ID, _LARGE_ID):
            return Finding("inbound", "error", "a reply key does not read back with these keys")
    if not demo and domain.endswith(".localhost"):
        return Finding(
            "inbound",
            "warn",
            f"replies go to @{domain}, which no mail reaches: set {PREFIX}INBOUND_DOMAIN",
        )
    return Finding("inbound", "ok", f"replies to reply+<key>@{domain}")


def _database(settings: Settings, demo: bool = False) -> Finding:
    url = settings.database_url
    shown = make_url(normalize_url(url)).render_as_string(hide_password=True)
    if demo and settings.is_sqlite:
        return Finding("database", "ok", f"{shown} (the demo creates and migrates it)")
    if settings.is_sqlite:
        path = make_url(normalize_url(url)).database
        if path and path != ":memory:" and not Path(path).is_file():
            return Finding("database", "error", f"no file at {path}: run mailflow db upgrade")
    args = {} if settings.is_sqlite else {"connect_timeout": int(TIMEOUT_S)}
    engine = create_engine(normalize_url(url), connect_args=args)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            at = migrate.revision_of(conn)
    except Exception as exc:  # any failure to connect is the finding
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0:1]
        return Finding(
            "database",
            "error",
            f"cannot reach {shown} ({'; '.join(reason) or type(exc).__name__}): "
            f"check {PREFIX}DATABASE_URL and that the server runs",
        )
    finally:
        engine.dispose()
    return _migrated(shown, at)


def _migrated(shown: str, at: str | None) -> Finding:
    head = migrate.head()
    if at == head:
        return Finding("database", "ok", f"{shown} at revision {at} (head)")
    if at is None:
        return Finding("database", "error", f"{shown} is empty: run mailflow db upgrade")
    known = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    if at not in {script.revision for script in known.walk_revisions()}:
        return Finding(
            "database",
            "error",
            f"{shown} is at revision {at}, which this version does not know: "
            "run the mailflow release that migrated it, or a newer one",
        )
    return Finding(
        "database",
        "error",
        f"{shown} is at revision {at}, the code needs {head}: run mailflow db upgrade",
    )


def _redis(settings: Settings) -> Finding:
    url = settings.redis_url
    if not url:
        return Finding("redis", "ok", "not configured: jobs run in this process")
    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S)
    shown = _without_password(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        return Finding(
            "redis",
            "error",
            f"cannot reach {shown} ({exc}): check {PREFIX}REDIS_URL and that Redis runs",
        )
    finally:
        client.close()
    return Finding("redis", "ok", shown)


def _push(settings: Settings) -> Finding:
    """The VAPID key of push notifications, made on the first start when not set. Push is
    best effort beside the email: a missing key is a warning, never a refusal to start."""
    if settings.vapid_private_key:
        return Finding("push", "ok", f"VAPID key from {PREFIX}VAPID_PRIVATE_KEY")
    kept = settings.data_dir / keys.KEY_FILE
    if keys.usable_private_key(settings) is None:
        return Finding(
            "push",
            "warn",
            f"notifications off: cannot keep a VAPID key in {kept}; set "
            f"{PREFIX}VAPID_PRIVATE_KEY (the same in every process)",
        )
    if settings.redis_url:  # several processes, maybe on several machines
        return Finding(
            "push",
            "warn",
            f"VAPID key kept in {kept}: every web and worker machine needs the same one; "
            f"set {PREFIX}VAPID_PRIVATE_KEY",
        )
    return Finding("push", "ok", f"VAPID key kept in {kept}")


def _relay(settings: Settings) -> Finding:
    """``--deep``: the outbound relay answers, says hello, and takes the login."""
    url = settings.smtp_url
    if url == "capture":
        return Finding(
            "relay", "warn", f"{PREFIX}SMTP_URL=capture: no email leaves (the demo's capture)"
        )
    parts = urlsplit(url)
    host, tls = parts.hostname or "127.0.0.1", parts.scheme == "smtps"
    port = parts.port or (465 if tls else 25)
    try:
        conn = (
            smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_S, context=ssl.create_default_context())
            if tls
            else smtplib.SMTP(host, port, timeout=TIMEOUT_S)
        )
        with conn:
            conn.ehlo()
            if not tls and conn.has_extn("starttls") and not _local(host):
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if parts.username:
                conn.login(unquote(parts.username), unquote(parts.password or ""))
            conn.noop()
    except (OSError, smtplib.SMTPException) as exc:
        return Finding(
            "relay",
            "error",
            f"{host}:{port} does not take mail ({exc}): check {PREFIX}SMTP_URL",
        )
    return Finding("relay", "ok", f"{host}:{port} answers")


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
