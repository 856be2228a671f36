"""Push tests: the settings allow a push service on loopback over http; the service runs
in the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailflow.settings import Settings
from tests.conftest import make_settings
from tests.push.service import PushService, start_push_service


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path, db_url, push_allow_private="true")


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = start_push_service()
    yield service
    service.stop()
