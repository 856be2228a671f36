"""Settings are strict: a bad value is a clear startup error naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailflow.settings import SettingsError, load_settings


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"MAILFLOW_DATA_DIR": str(tmp_path), **{f"MAILFLOW_{k}": v for k, v in values.items()}}


def test_the_embedded_defaults_need_no_services(tmp_path: Path) -> None:
    s = load_settings(_env(tmp_path))
    assert s.database_url == f"sqlite:///{tmp_path / 'mailflow.sqlite3'}"
    assert s.redis_url is None and s.embedded
    assert s.smtp_url == "capture"
    assert s.ring_size == 3
    assert dict(s.sla_hours) == {"hot": 4.0, "warm": 12.0, "cold": 24.0}
    assert len(s.secret_keys) == 1 and (tmp_path / "secret_key").exists()
    assert load_settings(_env(tmp_path)).secret_keys == s.secret_keys  # kept across restarts


def test_settings_are_frozen(tmp_path: Path) -> None:
    s = load_settings(_env(tmp_path))
    with pytest.raises(AttributeError):
        s.ring_size = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RING_SIZE", "three", "MAILFLOW_RING_SIZE: expected a whole number"),
        ("RING_SIZE", "0", "MAILFLOW_RING_SIZE: must be at least 1"),
        ("DATABASE_URL", "mysql://x/y", "MAILFLOW_DATABASE_URL: scheme must be one of"),
        ("REDIS_URL", "http://x", "MAILFLOW_REDIS_URL: scheme must be one of"),
        ("SMTP_URL", "ftp://relay", "MAILFLOW_SMTP_URL"),
        ("BASE_URL", "leads.example.com", "MAILFLOW_BASE_URL"),
        ("SLA_HOT_HOURS", "-1", "MAILFLOW_SLA_HOT_HOURS: must be positive"),
        ("TIMEZONE", "Mars/Olympus", "MAILFLOW_TIMEZONE: unknown time zone"),
        ("DEFAULT_LANGUAGE", "fr", "MAILFLOW_DEFAULT_LANGUAGE: expected en or de"),
        ("SECRET_KEYS", "short", "every key needs at least 16 characters"),
    ],
)
def test_it_refuses_a_bad_value_with_the_variable_name(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(_env(tmp_path, **{name: value}))


def test_a_secret_can_come_from_a_file(tmp_path: Path) -> None:
    keyfile = tmp_path / "keys"
    keyfile.write_text("old-key-0123456789abcdef,new-key-0123456789abcdef\n")
    s = load_settings(_env(tmp_path, SECRET_KEYS_FILE=str(keyfile)))
    assert s.secret_keys == ("old-key-0123456789abcdef", "new-key-0123456789abcdef")


def test_a_missing_secret_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="MAILFLOW_SECRET_KEYS_FILE: cannot read"):
        load_settings(_env(tmp_path, SECRET_KEYS_FILE=str(tmp_path / "nope")))


def test_strict_booleans() -> None:
    from mailflow.settings import parse_bool

    assert parse_bool("X", "yes") is True and parse_bool("X", "0") is False
    with pytest.raises(SettingsError, match="expected true/false"):
        parse_bool("X", "maybe")


def test_example_env_documents_every_variable() -> None:
    import re

    example = (Path(__file__).resolve().parents[2] / "config" / "example.env").read_text()
    source = (Path(__file__).resolve().parents[2] / "mailflow" / "settings.py").read_text()
    used = set(re.findall(r'_(?:get|raw)\(\s*env,\s*"([A-Z_]+)"', source))
    used |= {f"SLA_{t}_HOURS" for t in ("HOT", "WARM", "COLD")}
    used.discard("SECRET_KEYS")
    documented = set(re.findall(r"^MAILFLOW_([A-Z_]+?)(?:_FILE)?=", example, re.MULTILINE))
    assert used - documented == set()


def test_inbound_trust_settings(tmp_path: Path) -> None:
    default = load_settings(_env(tmp_path))
    assert default.inbound_authserv_ids == () and default.away_max_days == 30
    s = load_settings(_env(tmp_path, INBOUND_AUTHSERV_ID="MX.Example.com, mx2.example.com"))
    assert s.inbound_authserv_ids == ("mx.example.com", "mx2.example.com")
    for name, value, message in (
        ("INBOUND_AUTHSERV_ID", "mx.example.com; dmarc=pass", "not an authserv-id"),
        ("AWAY_MAX_DAYS", "0", "MAILFLOW_AWAY_MAX_DAYS: must be at least 1"),
    ):
        with pytest.raises(SettingsError, match=message):
            load_settings(_env(tmp_path, **{name: value}))
