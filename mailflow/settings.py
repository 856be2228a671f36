"""Strict parsing of ``MAILFLOW_*`` variables into a frozen :class:`Settings`.

A value that does not parse is a startup error naming the variable: a typo in
production must stop the process, not silently fall back to a default.
A secret may be given as ``MAILFLOW_X_FILE`` (path to a file holding it).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PREFIX = "MAILFLOW_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_TEMPERATURES = ("hot", "warm", "cold")


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
    inbound_linger_ms: int
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
    redis_prefix: str = "mailflow:"  # keys in a shared Redis (rate limits)
    # what one loyalty point is worth in MDF budget (currency units per point)
    points_mdf_rate: float = 0.5
    # optional DKIM signing (all three or none); the key is the file's content.
    dkim_key: str | None = None
    dkim_selector: str | None = None
    dkim_domain: str | None = None
    # console sessions, password resets, proxies: a session ends after this idle time and
    # at the latest this long after the login; reset emails an hour per account; how many
    # proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none, ignore them)
    console_idle_minutes: int = 60
    console_session_hours: int = 12
    reset_requests_per_hour: int = 3
    trusted_proxies: int = 0
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


def _get(
    env: Mapping[str, str], name: str, default: Any, parse: Callable[[str, str], Any] | None = None
) -> Any:
    value = _raw(env, name)
    if value is None:
        return default
    return parse(name, value) if parse else value


def _secret_keys(env: Mapping[str, str], data_dir: Path) -> tuple[str, ...]:
    """Keys for signing links, newest last. Without a setting the embedded mode keeps
    a generated key in the data directory so links survive a restart."""
    value = _raw(env, "SECRET_KEYS")
    if value:
        keys = parse_list(value)
        if any(len(k) < 16 for k in keys):
            raise SettingsError(f"{PREFIX}SECRET_KEYS: every key needs at least 16 characters")
        return keys
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        # private from the first byte: the directory 0700, the file created 0600 (not
        # written first and narrowed after, whatever the umask)
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(32))
    return (key_file.read_text(encoding="utf-8").strip(),)


def _sla_hours(env: Mapping[str, str]) -> dict[str, float]:
    defaults = {"hot": 4.0, "warm": 12.0, "cold": 24.0}
    return {t: _get(env, f"SLA_{t.upper()}_HOURS", defaults[t], parse_float) for t in _TEMPERATURES}


def _language(name: str, value: str) -> str:
    if value not in ("en", "de"):
        raise SettingsError(f"{PREFIX}{name}: expected en or de, got {value!r}")
    return value


def _timezone(name: str, value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
            lambda n, v: v if v == "capture" else parse_url(n, v, ("smtp", "smtps")),
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
        token_max_age_days=_get(env, "TOKEN_MAX_AGE_DAYS", 30, lambda n, v: parse_int(n, v, 1)),
        ring_size=_get(env, "RING_SIZE", 3, lambda n, v: parse_int(n, v, 1)),
        sla_hours=_sla_hours(env),
        required_lead_fields=_get(
            env,
            "REQUIRED_LEAD_FIELDS",
            ("customer_email", "country", "requirement"),
            lambda n, v: parse_list(v),
        ),
        inbound_webhook_secret=_get(env, "INBOUND_WEBHOOK_SECRET", None),
        inbound_max_bytes=_get(
            env, "INBOUND_MAX_BYTES", 10 * 1024 * 1024, lambda n, v: parse_int(n, v, 1024)
        ),
        inbound_retention_days=_get(
            env, "INBOUND_RETENTION_DAYS", 90, lambda n, v: parse_int(n, v, 1)
        ),
        inbound_linger_ms=_get(env, "INBOUND_LINGER_MS", 20, lambda n, v: parse_int(n, v, 0)),
        outbox_retention_days=_get(
            env, "OUTBOX_RETENTION_DAYS", 90, lambda n, v: parse_int(n, v, 1)
        ),
        default_language=_get(env, "DEFAULT_LANGUAGE", "en", _language),
        log_level=_get(env, "LOG_LEVEL", "INFO").upper(),
        **_followup_settings(env),
        api_rate_per_minute=_get(env, "API_RATE_PER_MINUTE", 120, lambda n, v: parse_int(n, v, 1)),
        token_rate_per_minute=_get(
            env, "TOKEN_RATE_PER_MINUTE", 30, lambda n, v: parse_int(n, v, 1)
        ),
        token_rate_per_ip_per_minute=_get(
            env, "TOKEN_RATE_PER_IP_PER_MINUTE", 600, lambda n, v: parse_int(n, v, 1)
        ),
        login_failures_per_minute=_get(
            env, "LOGIN_FAILURES_PER_MINUTE", 5, lambda n, v: parse_int(n, v, 1)
        ),
        login_failures_per_ip_per_minute=_get(
            env, "LOGIN_FAILURES_PER_IP_PER_MINUTE", 30, lambda n, v: parse_int(n, v, 1)
        ),
        redis_prefix=_get(env, "REDIS_PREFIX", "mailflow:"),
        points_mdf_rate=_get(env, "POINTS_MDF_RATE", 0.5, parse_float),
        **_dkim(env),
        # console sessions, password resets, proxies
        console_idle_minutes=_get(env, "CONSOLE_IDLE_MINUTES", 60, lambda n, v: parse_int(n, v, 1)),
        console_session_hours=_get(
            env, "CONSOLE_SESSION_HOURS", 12, lambda n, v: parse_int(n, v, 1)
        ),
        reset_requests_per_hour=_get(
            env, "RESET_REQUESTS_PER_HOUR", 3, lambda n, v: parse_int(n, v, 1)
        ),
        trusted_proxies=_get(env, "TRUSTED_PROXIES", 0, parse_int),
        # API
        offer_max_partners=_get(env, "OFFER_MAX_PARTNERS", 50, lambda n, v: parse_int(n, v, 1)),
        # inbound trust: Authentication-Results of our MTA, away periods set by mail
        inbound_authserv_ids=_get(env, "INBOUND_AUTHSERV_ID", (), _authserv_ids),
        away_max_days=_get(env, "AWAY_MAX_DAYS", 30, lambda n, v: parse_int(n, v, 1)),
        **_webhook_settings(env),
        **_inbound_limits(env),
    )


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
        "max_rings": _get(env, "MAX_RINGS", 3, lambda n, v: parse_int(n, v, 1)),
        "campaign_sla_hours": _get(env, "CAMPAIGN_SLA_HOURS", {}, _campaign_sla),
        "sla_reminder_fraction": _get(env, "SLA_REMINDER_FRACTION", 0.75, _fraction),
        "feedback_reminder_days": _get(env, "FEEDBACK_REMINDER_DAYS", (3, 7, 14), _days),
        "reminder_window_hours": _get(env, "REMINDER_WINDOW_HOURS", 20.0, parse_float),
        "queue_limit": _get(env, "QUEUE_LIMIT", 3, parse_int),
        "queue_limits": _get(env, "QUEUE_LIMITS", {}, _level_limits),
        "queue_namespace": _get(env, "QUEUE_NAMESPACE", "mailflow"),
        "sweep_batch": _get(env, "SWEEP_BATCH", 200, lambda n, v: parse_int(n, v, 1)),
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
    def at_least_1(name: str, value: str) -> int:
        return parse_int(name, value, 1)

    return {
        "webhook_allow_private": _get(env, "WEBHOOK_ALLOW_PRIVATE", False, parse_bool),
        "webhook_timeout_s": _get(env, "WEBHOOK_TIMEOUT_S", 10, at_least_1),
        "webhook_job_budget_s": _get(env, "WEBHOOK_JOB_BUDGET_S", 60, at_least_1),
        "webhook_concurrency": _get(env, "WEBHOOK_CONCURRENCY", 8, at_least_1),
        "webhook_max_per_organization": _get(env, "WEBHOOK_MAX_PER_ORGANIZATION", 10, at_least_1),
        "webhook_breaker_timeouts": _get(env, "WEBHOOK_BREAKER_TIMEOUTS", 3, at_least_1),
        "webhook_breaker_open_s": _get(env, "WEBHOOK_BREAKER_OPEN_S", 600, at_least_1),
    }


# -- inbound SMTP limits ----------------------------------------------------------------------
def _inbound_limits(env: Mapping[str, str]) -> dict[str, Any]:
    def at_least(minimum: int) -> Callable[[str, str], int]:
        return lambda n, v: parse_int(n, v, minimum)

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
    }
