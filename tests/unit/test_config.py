"""Settings are strict: a bad value is a clear startup error naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailflow.settings import SettingsError, demo_secret_key, load_settings


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"MAILFLOW_DATA_DIR": str(tmp_path), **{f"MAILFLOW_{k}": v for k, v in values.items()}}


def test_the_embedded_defaults_need_no_services(tmp_path: Path) -> None:
    s = load_settings(_env(tmp_path))
    assert s.database_url == f"sqlite:///{tmp_path / 'mailflow.sqlite3'}"
    assert s.redis_url is None and s.embedded
    assert s.smtp_url == "capture"
    assert s.ring_size == 3
    assert dict(s.sla_hours) == {"hot": 4.0, "warm": 12.0, "cold": 24.0}
    # no key is made up: outside the demo a missing key is refused at start
    assert s.secret_keys == () and not (tmp_path / "secret_key").exists()
    key = demo_secret_key(tmp_path)  # the demo's, created once in the data directory
    assert load_settings(_env(tmp_path)).secret_keys == (key,)  # kept across restarts


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
        ("DEFAULT_LANGUAGE", "sv", "MAILFLOW_DEFAULT_LANGUAGE: expected one of en, de"),
        ("SECRET_KEYS", "short", "every key needs at least 16 characters"),
        ("POINTS_MDF_CURRENCY", "EURO", "MAILFLOW_POINTS_MDF_CURRENCY: expected an ISO 4217"),
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


def test_mailbox_urls_are_checked_without_repeating_the_password(tmp_path: Path) -> None:
    from mailflow.inbound.mailbox.config import Mailbox

    urls = (
        "imaps://sales%40nordwind.test:pa%3Ass@imap.example.com/INBOX, imap://u:p@mx/Leads?tls=off"
    )
    s = load_settings(_env(tmp_path, INBOUND_MAILBOX_URL=urls, INBOUND_MAILBOX_MARK="flag"))
    assert len(s.inbound_mailbox_urls) == 2 and s.inbound_mailbox_mark == "flag"
    first, second = (Mailbox.from_url(u) for u in s.inbound_mailbox_urls)
    assert (first.user, first.secret(), first.port, first.tls) == (
        "sales@nordwind.test",
        "pa:ss",
        993,
        "implicit",
    )
    assert (second.folder, second.port, second.tls) == ("Leads", 143, "off")
    assert "pa:ss" not in repr(first) and "pa%3Ass" not in first.label
    for bad, says in (
        ("pop3://u:secret@mx/", "scheme"),
        ("imaps://u:secret@mx/INBOX?tls=maybe", "tls must be"),
        ("imaps://u:secret@mx/INBOX?folder=x", "unknown option"),
        ("imaps://mx/INBOX", "needs a user"),
        ("imaps://u@mx/INBOX", "needs a password"),
        ("imaps://u@mx/INBOX?auth=xoauth2", "provider= or token_file="),
        ("imaps://u@mx/INBOX?auth=xoauth2&provider=microsoft", "needs tenant"),
        ("imaps://u@mx/INBOX?auth=xoauth2&provider=yahoo", "provider must be"),
        ("imaps://u:secret@mx/INBOX?provider=google", "goes with auth=xoauth2"),
        ("imaps://u:secret@mx:99999x/", "port"),
    ):
        with pytest.raises(SettingsError, match=says) as caught:
            load_settings(_env(tmp_path, INBOUND_MAILBOX_URL=bad))
        assert "secret" not in str(caught.value)
    token = load_settings(
        _env(tmp_path, INBOUND_MAILBOX_URL="imaps://u@mx/?auth=xoauth2&provider=microsoft&tenant=t")
    )
    box = Mailbox.from_url(token.inbound_mailbox_urls[0])
    assert (box.auth, box.provider, box.tenant) == ("xoauth2", "microsoft", "t")
    for given in ("provider=google", "token_file=/run/token"):
        url = f"imaps://u@mx/?auth=xoauth2&{given}"
        assert load_settings(_env(tmp_path, INBOUND_MAILBOX_URL=url)).inbound_mailbox_urls
    with pytest.raises(SettingsError, match="INBOUND_MAILBOX_MARK"):
        load_settings(_env(tmp_path, INBOUND_MAILBOX_MARK="archive"))


def test_example_env_can_be_sourced_by_a_shell() -> None:
    """``set -a; . example.env`` (as systemd's EnvironmentFile reads it too): every value
    arrives as written, quotes removed."""
    import re
    import subprocess

    path = Path(__file__).resolve().parents[2] / "config" / "example.env"
    script = f"set -a; . {path} && env -0"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env={})
    assert done.returncode == 0, done.stderr
    sourced = dict(item.split("=", 1) for item in done.stdout.split("\0") if "=" in item)
    written = dict(re.findall(r"^(MAILFLOW_[A-Z_]+)=(.*)$", path.read_text(), re.MULTILINE))
    assert written and {k: sourced.get(k) for k in written} == {
        k: v.strip("'") for k, v in written.items()
    }
    assert sourced["MAILFLOW_MAIL_FROM"] == "Example Leads <leads@example.com>"


def test_api_mailboxes_and_oauth_relays_are_checked_and_secrets_kept_out_of_repr(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "graph_secret"
    secret.write_text("very-secret-value\n")
    s = load_settings(
        _env(
            tmp_path,
            INBOUND_MAILBOX_URL="graph://contoso.onmicrosoft.com/leads@contoso.com, gmail://a@b.c",
            SMTP_URL="smtp://leads%40contoso.com@smtp.office365.com:587/"
            "?auth=xoauth2&provider=microsoft&tenant=contoso.onmicrosoft.com",
            GRAPH_CLIENT_ID="app",
            GRAPH_CLIENT_SECRET_FILE=str(secret),
        )
    )
    assert len(s.inbound_mailbox_urls) == 2 and s.graph_client_secret == "very-secret-value"
    assert "very-secret-value" not in repr(s)
    for name, bad, says in (
        ("INBOUND_MAILBOX_URL", "graph://contoso.onmicrosoft.com/", "graph://<tenant>"),
        ("INBOUND_MAILBOX_URL", "gmail://nobody", "gmail://<address>"),
        ("SMTP_URL", "smtp://u@relay:587/?auth=xoauth2", "provider=microsoft|google"),
        ("SMTP_URL", "smtp://u@relay:587/?auth=xoauth2&provider=microsoft", "needs tenant"),
        ("SMTP_URL", "smtp://relay:587/?auth=xoauth2&provider=google", "needs the user"),
        ("SMTP_URL", "smtp://u@relay:587/?auth=kerberos", "auth must be"),
    ):
        with pytest.raises(SettingsError, match=says):
            load_settings(_env(tmp_path, **{name: bad}))
