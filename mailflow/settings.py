"""Strict parsing of ``MAILFLOW_*`` variables into a frozen :class:`Settings`.

A value that does not parse is a startup error naming the variable: a typo in
production must stop the process, not silently fall back to a default.
A secret may be given as ``MAILFLOW_X_FILE`` (path to a file holding it).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import list_currencies

from mailflow import i18n

PREFIX = "MAILFLOW_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_TEMPERATURES = ("hot", "warm", "cold")
# how CSV downloads are written (mailflow.csvio.dialect): "auto" by the reader's language
CSV_DIALECTS = ("auto", "excel", "excel-de", "rfc4180")
_B64URL = frozenset(string.ascii_letters + string.digits + "-_")
# a P-256 private key is a number from 1 to the curve's order less one
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class SettingsError(ValueError):
    """A setting could not be parsed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    smtp_url: str
    base_url: str
    secret_keys: tuple[str, ...]
    inbound_domain: str
    mail_from: str
    timezone: str
    token_max_age_days: int
    ring_size: int
    sla_hours: Mapping[str, float]
    required_lead_fields: tuple[str, ...]
    inbound_webhook_secret: str | None
    inbound_max_bytes: int
    inbound_retention_days: int
    outbox_retention_days: int
    default_language: str
    log_level: str
    # SLAs, rings, reminders, processing queue, production queue
    max_rings: int = 3
    campaign_sla_hours: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    sla_reminder_fraction: float = 0.75
    feedback_reminder_days: tuple[int, ...] = (3, 7, 14)
    reminder_window_hours: float = 20.0
    queue_limit: int = 3
    queue_limits: Mapping[str, int] = field(default_factory=dict)
    queue_namespace: str = "mailflow"
    sweep_batch: int = 200
    api_rate_per_minute: int = 120  # API token bucket per key
    # signed-link routes: requests a minute per link and per client address
    token_rate_per_minute: int = 30
    token_rate_per_ip_per_minute: int = 600
    # console login: failed attempts a minute per account and per client address
    login_failures_per_minute: int = 5
    login_failures_per_ip_per_minute: int = 30
    redis_prefix: str = "mailflow:"  # keys in a shared Redis (rate limits, heartbeats)
    # a worker whose heartbeat is this old is dead: the sweeps hand its claims back
    worker_heartbeat_seconds: int = 30
    # a closed lead's customer data is anonymised this long after it closed
    retention_days: int = 365
    # what one loyalty point is worth in MDF budget (currency units per point)
    points_mdf_rate: float = 0.5
    # the currency of that budget: the manufacturer's (ISO 4217)
    points_mdf_currency: str = "EUR"
    # optional DKIM signing (all three or none); the key is the file's content.
    dkim_key: str | None = None
    dkim_selector: str | None = None
    dkim_domain: str | None = None
    # shared-address mode: replies go to this one mailbox (no reply+<key>@ addresses); the
    # reply key then travels in the Message-ID and as a code in the subject
    reply_address: str | None = None
    # the DNS server ``mailflow doctor`` asks (host or host:port); None: the system's
    dns_server: str | None = None
    # console sessions, password resets, proxies: a session ends after this idle time and
    # at the latest this long after the login; reset emails an hour per account; how many
    # proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none, ignore them)
    console_idle_minutes: int = 60
    console_session_hours: int = 12
    reset_requests_per_hour: int = 3
    trusted_proxies: int = 0
    # the addresses (or networks) of those proxies: X-Forwarded-* is read only from them
    proxy_addresses: tuple[str, ...] = ("127.0.0.1", "::1")
    # logs: "text" lines or one JSON object per line; the worker's Prometheus port (0: none)
    log_format: str = "text"
    worker_metrics_port: int = 0
    # API: how many partners one manual offer (API or console override) may name
    offer_max_partners: int = 50
    # inbound trust: the receiving MTA whose Authentication-Results count (empty: not behind
    # one), and the longest away period an out-of-office reply may set
    inbound_authserv_ids: tuple[str, ...] = ()
    away_max_days: int = 30
    # webhooks: outbound HTTP guard, isolation and circuit breaker
    webhook_allow_private: bool = False  # on-premises receivers: private/loopback and http
    webhook_timeout_s: int = 10  # one POST
    webhook_job_budget_s: int = 60  # all the POSTs of one job
    webhook_concurrency: int = 8  # POSTs to different endpoints at once, per job
    webhook_max_per_organization: int = 10
    webhook_breaker_timeouts: int = 3  # consecutive timeouts that open an endpoint's circuit
    webhook_breaker_open_s: int = 600  # how long it stays open before one probe
    # inbound SMTP limits, per client address (kept in the smtp process's memory)
    inbound_keyless_max_bytes: int = 256 * 1024  # postmaster@, abuse@, bounces@
    inbound_keyless_per_minute: int = 10
    inbound_connections_per_client: int = 20
    inbound_messages_per_minute: int = 300
    inbound_bytes_per_minute: int = 200 * 1024 * 1024
    inbound_recipients_per_message: int = 50
    inbound_commands_per_session: int = 500
    inbound_min_free_bytes: int = 512 * 1024 * 1024
    # on SIGTERM, how long the sessions in a transaction may take to finish it
    inbound_drain_seconds: int = 30
    # A stored message's processing job waits this long, so the first job due takes the
    # replies that arrived meanwhile in one batch: a burst is applied in batches instead
    # of one transaction per reply. Costs a lone reply this much latency.
    inbound_batch_window_ms: int = 100
    # CSV downloads and exports: auto (by the reader's language), excel, excel-de, rfc4180
    csv_dialect: str = "auto"
    # mailboxes read by `mailflow inbound fetch` (IMAP URLs, with their passwords), how
    # often one without IDLE is polled, what marks a taken message (moved to the folder,
    # flagged with a keyword, or deleted), and a CA file for servers with a private CA
    inbound_mailbox_urls: tuple[str, ...] = ()
    inbound_mailbox_poll_s: int = 60
    inbound_mailbox_processed: str = "mailflow/processed"
    inbound_mailbox_mark: str = "move"
    inbound_mailbox_ca_certs: str | None = None
    # /readyz and `mailflow health`: not ready while the oldest due email or stored reply
    # has waited longer than this (seconds)
    ready_max_lag_s: int = 300
    # OAuth2 for Microsoft 365 (an app registration: client credentials) and Google (a
    # service account's JSON key with domain-wide delegation, or a refresh token); the
    # endpoints are settings so a test (or a national cloud) can point elsewhere
    graph_client_id: str | None = None
    graph_client_secret: str | None = field(default=None, repr=False)
    graph_login_url: str = "https://login.microsoftonline.com"
    graph_api_url: str = "https://graph.microsoft.com/v1.0"
    gmail_service_account: str | None = field(default=None, repr=False)
    gmail_client_id: str | None = None
    gmail_client_secret: str | None = field(default=None, repr=False)
    gmail_refresh_token: str | None = field(default=None, repr=False)
    google_token_url: str = "https://oauth2.googleapis.com/token"
    gmail_api_url: str = "https://gmail.googleapis.com"
    # Web Push to the partners' installed app: the VAPID private key (base64url of the raw
    # 32-byte P-256 key; None: the one kept in the data directory, made on first start) and
    # whether push endpoints may be http or private addresses (a test's or an on-premises
    # push service)
    vapid_private_key: str | None = field(default=None, repr=False)
    push_allow_private: bool = False

    @property
    def embedded(self) -> bool:
        """True when running without external services (demo, tests on SQLite)."""
        return self.redis_url is None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _raw(env: Mapping[str, str], name: str) -> str | None:
    key = PREFIX + name
    file_key = key + "_FILE"
    if file_key in env:
        path = Path(env[file_key])
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(f"{file_key}: cannot read {path}: {exc.strerror}") from exc
    value = env.get(key)
    return None if value is None or value.strip() == "" else value.strip()


def parse_bool(name: str, value: str) -> bool:
    low = value.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise SettingsError(f"{PREFIX}{name}: expected true/false, got {value!r}")


def parse_int(name: str, value: str, minimum: int = 0) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name}: expected a whole number, got {value!r}") from None
    if number < minimum:
        raise SettingsError(f"{PREFIX}{name}: must be at least {minimum}, got {number}")
    return number


def parse_float(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name}: expected a number, got {value!r}") from None
    if number <= 0:
        raise SettingsError(f"{PREFIX}{name}: must be positive, got {value!r}")
    return number


def parse_url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(value)
    if parts.scheme.split("+")[0] not in schemes:
        allowed = ", ".join(schemes)
        raise SettingsError(f"{PREFIX}{name}: scheme must be one of {allowed}, got {value!r}")
    return value


def parse_list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def at_least(minimum: int) -> Callable[[str, str], int]:
    """The parser of a whole number of at least ``minimum``."""
    return lambda name, value: parse_int(name, value, minimum)


def _get(
    env: Mapping[str, str], name: str, default: Any, parse: Callable[[str, str], Any] | None = None
) -> Any:
    value = _raw(env, name)
    if value is None:
        return default
    return parse(name, value) if parse else value


KEY_FILE = "secret_key"  # the demo's signing key, in its data directory


def _secret_keys(env: Mapping[str, str], data_dir: Path) -> tuple[str, ...]:
    """Keys for signing links, newest last. Without the setting, the key the demo created
    in the data directory (so the commands run next to a demo sign as it does); else none:
    outside the demo a missing key is a configuration error (``mailflow check``), never a
    key made up by one process that the others do not know."""
    value = _raw(env, "SECRET_KEYS")
    if value:
        keys = parse_list(value)
        if any(len(k) < 16 for k in keys):
            raise SettingsError(f"{PREFIX}SECRET_KEYS: every key needs at least 16 characters")
        return keys
    try:
        kept = (data_dir / KEY_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return ()
    return (kept,) if len(kept) >= 16 else ()


def demo_secret_key(data_dir: Path) -> str:
    """The demo's signing key: read from the data directory, or created there once."""
    return kept_secret(data_dir, KEY_FILE, lambda: secrets.token_urlsafe(32))


def kept_secret(data_dir: Path, name: str, make: Callable[[], str]) -> str:
    """The secret in the data directory's file ``name``, made by ``make`` when there is
    none yet. The file appears complete or not at all (written aside, then hard-linked into
    place, which fails when another process was first), so processes started at once all
    get the same secret."""
    key_file = data_dir / name
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not key_file.exists():
        # private from the first byte: the file is created 0600 whatever the umask
        aside = data_dir / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        handle = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(make())
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(aside, key_file)
        except FileExistsError:
            pass  # another process was first: its secret is the one
        finally:
            aside.unlink()
    return key_file.read_text(encoding="utf-8").strip()


def _vapid_key(name: str, value: str) -> str:
    """A P-256 private key as base64url of its 32 raw bytes (how VAPID tools print it)."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, binascii.Error):
        raw = b""
    scalar = int.from_bytes(raw, "big")
    if len(raw) != 32 or not 0 < scalar < _P256_ORDER or any(c not in _B64URL for c in value):
        raise SettingsError(
            f"{PREFIX}{name}: expected the base64url text of a 32-byte P-256 private key"
        )
    return value


def _sla_hours(env: Mapping[str, str]) -> dict[str, float]:
    defaults = {"hot": 4.0, "warm": 12.0, "cold": 24.0}
    return {t: _get(env, f"SLA_{t.upper()}_HOURS", defaults[t], parse_float) for t in _TEMPERATURES}


def _language(name: str, value: str) -> str:
    if value not in i18n.LANGUAGES:
        expected = ", ".join(i18n.LANGUAGES)
        raise SettingsError(f"{PREFIX}{name}: expected one of {expected}, got {value!r}")
    return value


def _currency(name: str, value: str) -> str:
    code = value.strip().upper()
    if code not in list_currencies():
        raise SettingsError(f"{PREFIX}{name}: expected an ISO 4217 currency code, got {value!r}")
    return code


def _csv_dialect(name: str, value: str) -> str:
    dialect = value.strip().lower()
    if dialect not in CSV_DIALECTS:
        expected = ", ".join(CSV_DIALECTS)
        raise SettingsError(f"{PREFIX}{name}: expected one of {expected}, got {value!r}")
    return dialect


def _timezone(name: str, value: str) -> str:

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{PREFIX}{name}: unknown time zone {value!r}") from None
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    data_dir = Path(_get(env, "DATA_DIR", "data")).resolve()
    default_db = f"sqlite:///{data_dir / 'mailflow.sqlite3'}"
    return Settings(
        data_dir=data_dir,
        database_url=_get(
            env, "DATABASE_URL", default_db, lambda n, v: parse_url(n, v, ("sqlite", "postgresql"))
        ),
        redis_url=_get(env, "REDIS_URL", None, lambda n, v: parse_url(n, v, ("redis", "rediss"))),
        smtp_url=_get(
            env,
            "SMTP_URL",
            "capture",
            _smtp_url,
        ),
        base_url=_get(
            env,
            "BASE_URL",
            "http://127.0.0.1:5000",
            lambda n, v: parse_url(n, v, ("http", "https")),
        ).rstrip("/"),
        secret_keys=_secret_keys(env, data_dir),
        inbound_domain=_get(env, "INBOUND_DOMAIN", "reply.mailflow.localhost"),
        mail_from=_get(env, "MAIL_FROM", "mailflow <leads@mailflow.localhost>"),
        timezone=_get(env, "TIMEZONE", "Europe/Berlin", _timezone),
        token_max_age_days=_get(env, "TOKEN_MAX_AGE_DAYS", 30, at_least(1)),
        ring_size=_get(env, "RING_SIZE", 3, at_least(1)),
        sla_hours=_sla_hours(env),
        required_lead_fields=_get(
            env,
            "REQUIRED_LEAD_FIELDS",
            ("customer_email", "country", "requirement"),
            lambda n, v: parse_list(v),
        ),
        inbound_webhook_secret=_get(env, "INBOUND_WEBHOOK_SECRET", None),
        inbound_max_bytes=_get(env, "INBOUND_MAX_BYTES", 10 * 1024 * 1024, at_least(1024)),
        inbound_retention_days=_get(env, "INBOUND_RETENTION_DAYS", 90, at_least(1)),
        outbox_retention_days=_get(env, "OUTBOX_RETENTION_DAYS", 90, at_least(1)),
        retention_days=_get(env, "RETENTION_DAYS", 365, at_least(1)),
        default_language=_get(env, "DEFAULT_LANGUAGE", "en", _language),
        log_level=_get(env, "LOG_LEVEL", "INFO").upper(),
        **_followup_settings(env),
        api_rate_per_minute=_get(env, "API_RATE_PER_MINUTE", 120, at_least(1)),
        token_rate_per_minute=_get(env, "TOKEN_RATE_PER_MINUTE", 30, at_least(1)),
        token_rate_per_ip_per_minute=_get(env, "TOKEN_RATE_PER_IP_PER_MINUTE", 600, at_least(1)),
        login_failures_per_minute=_get(env, "LOGIN_FAILURES_PER_MINUTE", 5, at_least(1)),
        login_failures_per_ip_per_minute=_get(
            env, "LOGIN_FAILURES_PER_IP_PER_MINUTE", 30, at_least(1)
        ),
        redis_prefix=_get(env, "REDIS_PREFIX", "mailflow:"),
        worker_heartbeat_seconds=_get(env, "WORKER_HEARTBEAT_SECONDS", 30, at_least(3)),
        points_mdf_rate=_get(env, "POINTS_MDF_RATE", 0.5, parse_float),
        points_mdf_currency=_get(env, "POINTS_MDF_CURRENCY", "EUR", _currency),
        **_dkim(env),
        reply_address=_get(env, "REPLY_ADDRESS", None, _address),
        dns_server=_get(env, "DNS_SERVER", None),
        # console sessions, password resets, proxies
        console_idle_minutes=_get(env, "CONSOLE_IDLE_MINUTES", 60, at_least(1)),
        console_session_hours=_get(env, "CONSOLE_SESSION_HOURS", 12, at_least(1)),
        reset_requests_per_hour=_get(env, "RESET_REQUESTS_PER_HOUR", 3, at_least(1)),
        trusted_proxies=_get(env, "TRUSTED_PROXIES", 0, parse_int),
        proxy_addresses=_get(env, "PROXY_ADDRESSES", ("127.0.0.1", "::1"), _networks),
        log_format=_get(env, "LOG_FORMAT", "text", _log_format),
        worker_metrics_port=_get(env, "WORKER_METRICS_PORT", 0, parse_int),
        # API
        offer_max_partners=_get(env, "OFFER_MAX_PARTNERS", 50, at_least(1)),
        # inbound trust: Authentication-Results of our MTA, away periods set by mail
        inbound_authserv_ids=_get(env, "INBOUND_AUTHSERV_ID", (), _authserv_ids),
        away_max_days=_get(env, "AWAY_MAX_DAYS", 30, at_least(1)),
        **_webhook_settings(env),
        **_inbound_limits(env),
        csv_dialect=_get(env, "CSV_DIALECT", "auto", _csv_dialect),
        **_mailbox_settings(env),
        ready_max_lag_s=_get(env, "READY_MAX_LAG_S", 300, at_least(1)),
        **_oauth_settings(env),
        vapid_private_key=_get(env, "VAPID_PRIVATE_KEY", None, _vapid_key),
        push_allow_private=_get(env, "PUSH_ALLOW_PRIVATE", False, parse_bool),
    )


def _networks(name: str, value: str) -> tuple[str, ...]:
    items = tuple(parse_list(value))
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(f"{name}: {item!r} is not an IP address or network") from None
    return items


def _log_format(name: str, value: str) -> str:
    if value not in ("text", "json"):
        raise SettingsError(f"{name} must be text or json, not {value!r}")
    return value


# -- SLAs, rings, reminders, processing queue -------------------------------------
def _campaign_sla(name: str, value: str) -> dict[str, dict[str, float]]:
    """``spring.hot=2,spring.warm=6,fair.cold=48`` → ``{"spring": {"hot": 2, …}, …}``."""
    result: dict[str, dict[str, float]] = {}
    for item in parse_list(value):
        key, _, hours = item.partition("=")
        campaign, _, temperature = key.strip().rpartition(".")
        if not campaign or temperature not in _TEMPERATURES or not hours:
            raise SettingsError(
                f"{PREFIX}{name}: expected campaign.temperature=hours, got {item!r}"
            )
        result.setdefault(campaign, {})[temperature] = parse_float(name, hours.strip())
    return result


def _level_limits(name: str, value: str) -> dict[str, int]:
    """``premium=6,gold=4`` → the processing-queue limit per partner level."""
    result = {}
    for item in parse_list(value):
        level, _, number = item.partition("=")
        if not level.strip() or not number:
            raise SettingsError(f"{PREFIX}{name}: expected level=number, got {item!r}")
        result[level.strip()] = parse_int(name, number.strip())
    return result


def _days(name: str, value: str) -> tuple[int, ...]:
    days = tuple(parse_int(name, d, 1) for d in parse_list(value))
    if list(days) != sorted(set(days)):
        raise SettingsError(f"{PREFIX}{name}: days must be increasing, got {value!r}")
    return days


def _fraction(name: str, value: str) -> float:
    number = float(parse_float(name, value)) if value.strip() not in ("0", "0.0") else 0.0
    if number >= 1:
        raise SettingsError(f"{PREFIX}{name}: must be below 1 (0 switches it off), got {value!r}")
    return number


def _followup_settings(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "max_rings": _get(env, "MAX_RINGS", 3, at_least(1)),
        "campaign_sla_hours": _get(env, "CAMPAIGN_SLA_HOURS", {}, _campaign_sla),
        "sla_reminder_fraction": _get(env, "SLA_REMINDER_FRACTION", 0.75, _fraction),
        "feedback_reminder_days": _get(env, "FEEDBACK_REMINDER_DAYS", (3, 7, 14), _days),
        "reminder_window_hours": _get(env, "REMINDER_WINDOW_HOURS", 20.0, parse_float),
        "queue_limit": _get(env, "QUEUE_LIMIT", 3, parse_int),
        "queue_limits": _get(env, "QUEUE_LIMITS", {}, _level_limits),
        "queue_namespace": _get(env, "QUEUE_NAMESPACE", "mailflow"),
        "sweep_batch": _get(env, "SWEEP_BATCH", 200, at_least(1)),
    }


def _dkim(env: Mapping[str, str]) -> dict[str, Any]:
    """``MAILFLOW_DKIM_KEY_FILE`` (PEM RSA key, or base64 Ed25519 seed), ``_SELECTOR``,
    ``_DOMAIN``: all three, or none for unsigned mail."""
    values = {
        "dkim_key": _raw(env, "DKIM_KEY"),
        "dkim_selector": _raw(env, "DKIM_SELECTOR"),
        "dkim_domain": _raw(env, "DKIM_DOMAIN"),
    }
    given = [k for k, v in values.items() if v]
    if given and len(given) != 3:
        missing = ", ".join(f"{PREFIX}{k.upper()}" for k, v in values.items() if not v)
        raise SettingsError(f"DKIM needs a key, a selector and a domain; missing {missing}")
    return values


def _address(name: str, value: str) -> str:
    """A bare mailbox address (``sales@manufacturer.example``)."""
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in "<>,;" for c in value):
        raise SettingsError(f"{PREFIX}{name}: not an email address: {value!r}")
    return value.strip()


def _authserv_ids(name: str, value: str) -> tuple[str, ...]:
    """``mx.example.com`` (or several, comma-separated): the authserv-id(s) of the MTA in
    front of the inbound server, as it writes them into Authentication-Results."""
    ids = tuple(item.lower() for item in parse_list(value))
    for item in ids:
        if any(c.isspace() or c in ';()"=' for c in item) or len(item) > 255:
            raise SettingsError(f"{PREFIX}{name}: not an authserv-id: {item!r}")
    return ids


# -- webhooks ------------------------------------------------------------------------------
def _webhook_settings(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "webhook_allow_private": _get(env, "WEBHOOK_ALLOW_PRIVATE", False, parse_bool),
        "webhook_timeout_s": _get(env, "WEBHOOK_TIMEOUT_S", 10, at_least(1)),
        "webhook_job_budget_s": _get(env, "WEBHOOK_JOB_BUDGET_S", 60, at_least(1)),
        "webhook_concurrency": _get(env, "WEBHOOK_CONCURRENCY", 8, at_least(1)),
        "webhook_max_per_organization": _get(env, "WEBHOOK_MAX_PER_ORGANIZATION", 10, at_least(1)),
        "webhook_breaker_timeouts": _get(env, "WEBHOOK_BREAKER_TIMEOUTS", 3, at_least(1)),
        "webhook_breaker_open_s": _get(env, "WEBHOOK_BREAKER_OPEN_S", 600, at_least(1)),
    }


# -- inbound SMTP limits ----------------------------------------------------------------------
def _inbound_limits(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "inbound_keyless_max_bytes": _get(
            env, "INBOUND_KEYLESS_MAX_BYTES", 256 * 1024, at_least(1024)
        ),
        "inbound_keyless_per_minute": _get(env, "INBOUND_KEYLESS_PER_MINUTE", 10, at_least(1)),
        "inbound_connections_per_client": _get(
            env, "INBOUND_CONNECTIONS_PER_CLIENT", 20, at_least(1)
        ),
        "inbound_messages_per_minute": _get(env, "INBOUND_MESSAGES_PER_MINUTE", 300, at_least(1)),
        "inbound_bytes_per_minute": _get(
            env, "INBOUND_BYTES_PER_MINUTE", 200 * 1024 * 1024, at_least(1024)
        ),
        "inbound_recipients_per_message": _get(
            env, "INBOUND_RECIPIENTS_PER_MESSAGE", 50, at_least(1)
        ),
        "inbound_commands_per_session": _get(
            env, "INBOUND_COMMANDS_PER_SESSION", 500, at_least(10)
        ),
        "inbound_min_free_bytes": _get(
            env, "INBOUND_MIN_FREE_BYTES", 512 * 1024 * 1024, at_least(0)
        ),
        "inbound_batch_window_ms": _get(env, "INBOUND_BATCH_WINDOW_MS", 100, at_least(0)),
        "inbound_drain_seconds": _get(env, "INBOUND_DRAIN_SECONDS", 30, at_least(0)),
    }


# -- inbound from a mailbox (IMAP) ----------------------------------------------------------
MAILBOX_MARKS = ("move", "flag", "delete")
_MAILBOX_QUERY = {
    "tls": ("on", "off"),
    "auth": ("password", "xoauth2"),
    "token_file": None,
    "provider": ("microsoft", "google"),
    "tenant": None,
}


def _api_url(where: str, url: str) -> bool:
    """``graph://<tenant>/<address>`` or ``gmail://<address>``: True if it is one (and
    well-formed); False for any other scheme."""
    scheme, _, rest = url.partition("://")
    if scheme == "graph":
        tenant, _, address = rest.partition("?")[0].partition("/")
        if not tenant or "@" not in address:
            raise SettingsError(f"{where}: expected graph://<tenant>/<mailbox address>")
        return True
    if scheme == "gmail":
        if "@" not in rest.partition("?")[0]:
            raise SettingsError(f"{where}: expected gmail://<address>")
        return True
    return False


def _smtp_url(name: str, value: str) -> str:
    """``capture``, ``smtp(s)://`` (``?auth=xoauth2&provider=microsoft&tenant=…`` or
    ``provider=google`` for OAuth2), or an API: ``graph://<tenant>/<sender>``,
    ``gmail://<sender>``."""
    if value == "capture" or _api_url(PREFIX + name, value):
        return value
    parse_url(name, value, ("smtp", "smtps"))
    query = dict(item.partition("=")[::2] for item in urlsplit(value).query.split("&") if item)
    if query.get("auth", "password") not in ("password", "xoauth2"):
        raise SettingsError(f"{PREFIX}{name}: auth must be password or xoauth2")
    if query.get("auth") == "xoauth2":
        if query.get("provider") not in ("microsoft", "google"):
            raise SettingsError(f"{PREFIX}{name}: with auth=xoauth2, provider=microsoft|google")
        _token_provider(PREFIX + name, query)
        if not urlsplit(value).username:
            raise SettingsError(f"{PREFIX}{name}: auth=xoauth2 needs the user (smtp://user@host)")
    return value


def _token_provider(where: str, query: Mapping[str, str]) -> None:
    """An XOAUTH2 login's token source: ``provider=microsoft&tenant=…`` or ``provider=google``."""
    if "provider" in query and query.get("auth") != "xoauth2":
        raise SettingsError(f"{where}: provider= goes with auth=xoauth2")
    if query.get("provider") == "microsoft" and not query.get("tenant"):
        raise SettingsError(f"{where}: provider=microsoft needs tenant=<tenant>")


def _oauth_settings(env: Mapping[str, str]) -> dict[str, Any]:
    def url(name: str, value: str) -> str:
        return parse_url(name, value, ("https", "http")).rstrip("/")

    return {
        "graph_client_id": _get(env, "GRAPH_CLIENT_ID", None),
        "graph_client_secret": _raw(env, "GRAPH_CLIENT_SECRET"),
        "graph_login_url": _get(env, "GRAPH_LOGIN_URL", "https://login.microsoftonline.com", url),
        "graph_api_url": _get(env, "GRAPH_API_URL", "https://graph.microsoft.com/v1.0", url),
        "gmail_service_account": _raw(env, "GMAIL_SERVICE_ACCOUNT"),
        "gmail_client_id": _get(env, "GMAIL_CLIENT_ID", None),
        "gmail_client_secret": _raw(env, "GMAIL_CLIENT_SECRET"),
        "gmail_refresh_token": _raw(env, "GMAIL_REFRESH_TOKEN"),
        "google_token_url": _get(
            env, "GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token", url
        ),
        "gmail_api_url": _get(env, "GMAIL_API_URL", "https://gmail.googleapis.com", url),
    }


def _mailbox_urls(name: str, value: str) -> tuple[str, ...]:
    """``imaps://user:password@host:993/INBOX``, several comma-separated; ``imap://`` with
    STARTTLS (``?tls=off`` for none), ``?auth=xoauth2`` with the token fetched
    (``&provider=microsoft&tenant=…``, ``&provider=google``), read from ``&token_file=`` or
    given as the password. The error never repeats the URL: it holds a password."""
    urls = parse_list(value)
    for number, url in enumerate(urls, 1):
        parts = urlsplit(url)
        where = f"{PREFIX}{name} (mailbox {number})"
        if _api_url(where, url):
            continue
        if parts.scheme not in ("imap", "imaps"):
            raise SettingsError(f"{where}: the scheme must be imap, imaps, graph or gmail")
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise SettingsError(f"{where}: the port is not a number") from None
        if not parts.hostname or not parts.username:
            raise SettingsError(f"{where}: needs a user and a host (imaps://user:pw@host/)")
        query = _mailbox_query(where, parts.query)
        _token_provider(where, query)
        if parts.password is None and not ({"provider", "token_file"} & set(query)):
            raise SettingsError(
                f"{where}: needs a password, or ?auth=xoauth2 with provider= or token_file="
            )
    return urls


def _mailbox_query(where: str, text: str) -> dict[str, str]:
    query: dict[str, str] = {}
    for item in filter(None, text.split("&")):
        key, _, given = item.partition("=")
        if key not in _MAILBOX_QUERY:
            raise SettingsError(f"{where}: unknown option {key!r}")
        allowed = _MAILBOX_QUERY[key]
        if allowed is not None and given not in allowed:
            raise SettingsError(f"{where}: {key} must be one of {', '.join(allowed)}")
        query[key] = given
    return query


def _mailbox_settings(env: Mapping[str, str]) -> dict[str, Any]:
    def mark(name: str, value: str) -> str:
        if value not in MAILBOX_MARKS:
            raise SettingsError(f"{PREFIX}{name}: expected one of {', '.join(MAILBOX_MARKS)}")
        return value

    return {
        "inbound_mailbox_urls": _get(env, "INBOUND_MAILBOX_URL", (), _mailbox_urls),
        "inbound_mailbox_poll_s": _get(env, "INBOUND_MAILBOX_POLL_S", 60, at_least(1)),
        "inbound_mailbox_processed": _get(env, "INBOUND_MAILBOX_PROCESSED", "mailflow/processed"),
        "inbound_mailbox_mark": _get(env, "INBOUND_MAILBOX_MARK", "move", mark),
        "inbound_mailbox_ca_certs": _get(env, "INBOUND_MAILBOX_CA_CERTS", None),
    }
