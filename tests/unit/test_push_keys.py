"""Our VAPID key: the setting's, else made once on the first start and kept in the data
directory, private to its user."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from mailflow import preflight
from mailflow.preflight import Finding
from mailflow.push import keys
from mailflow.settings import Settings, SettingsError
from tests.conftest import make_settings


def _raw(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_key_is_made_once_and_kept_private_in_the_data_directory(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", "sqlite://")
    made = keys.private_key(settings)
    assert keys.private_key(settings) == made
    kept = tmp_path / "data" / keys.KEY_FILE
    assert kept.read_text() == made
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert len(_raw(made)) == 32
    public = _raw(keys.public_key(made))
    assert len(public) == 65 and public[0] == 4  # an uncompressed P-256 point


def test_the_setting_wins_over_the_kept_key(tmp_path: Path) -> None:
    given = keys.new_private_key()
    settings = make_settings(tmp_path, "sqlite://", vapid_private_key=given)
    assert keys.private_key(settings) == given
    assert not (tmp_path / keys.KEY_FILE).exists()


@pytest.mark.parametrize("bad", ["short", "A" * 43, "_" * 43, "+" * 43])
def test_a_setting_that_is_no_p256_key_stops_the_start(tmp_path: Path, bad: str) -> None:
    with pytest.raises(SettingsError, match="VAPID_PRIVATE_KEY"):
        make_settings(tmp_path, "sqlite://", vapid_private_key=bad)


def _push_finding(settings: Settings) -> Finding:
    return next(f for f in preflight.run(settings) if f.name == "push")


def test_the_first_start_makes_the_key_and_the_check_says_where_it_is(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    finding = _push_finding(settings)
    assert finding.level == "ok" and str(tmp_path / keys.KEY_FILE) in finding.detail
    assert (tmp_path / keys.KEY_FILE).exists()


def test_without_a_place_to_keep_the_key_push_is_off_with_a_warning(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    settings = make_settings(blocked / "data", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert keys.usable_private_key(settings) is None
    finding = _push_finding(settings)
    assert finding.level == "warn" and "VAPID_PRIVATE_KEY" in finding.detail
