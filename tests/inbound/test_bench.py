"""``mailflow bench inbound`` runs end to end and reports its figures (speed is not
asserted): the embedded mode on SQLite, the Procfile's processes on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bench import run_bench
from mailflow.db import make_engine
from tests.conftest import make_settings
from tests.dovecot import available
from tests.services import REDIS_URL, port_open, require


def _check(result: dict[str, object]) -> None:
    assert result["messages"] == 60
    per_s, limit = result["per_s"], result["limit_per_s"]
    assert isinstance(per_s, float) and isinstance(limit, float) and per_s > 0 and limit > 0
    assert result["ratio"] == round(per_s / limit, 3)
    assert result["rounds"] == {"per_s": [per_s], "limit_per_s": [limit]}


def test_bench_inbound_embedded_on_sqlite(tmp_path: Path) -> None:
    result = run_bench("inbound", make_settings(tmp_path, "sqlite://"), quick=True)
    _check(result)
    assert result["database"] == "sqlite"
    assert result["topology"].startswith("embedded: one process")
    assert result["ratio_embedded"] == result["ratio"]


def test_bench_inbound_runs_the_procfile_processes_on_postgresql(
    tmp_path: Path, _postgres_ready: str
) -> None:
    require(port_open("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    settings = make_settings(tmp_path, _postgres_ready, REDIS_URL=REDIS_URL)
    result = run_bench("inbound", settings, quick=True)
    _check(result)
    assert result["database"] == "postgresql"
    assert result["topology"].startswith("Procfile: SMTP server process + 2 worker processes")
    engine = make_engine(_postgres_ready)
    with engine.connect() as conn:  # its scratch schema is gone
        found = conn.execute(
            text("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bench_inbound%'")
        )
        assert found.scalar() == 0
    engine.dispose()


def test_bench_mailbox_measures_imap_beside_smtp_on_postgresql(
    tmp_path: Path, _postgres_ready: str
) -> None:
    require(port_open("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    require(available(), "Dovecot (Debian package dovecot-imapd)")
    settings = make_settings(tmp_path, _postgres_ready, REDIS_URL=REDIS_URL)
    result = run_bench("mailbox", settings, quick=True)
    assert result["messages"] == 100 and result["database"] == "postgresql"
    per_s, smtp = result["per_s"], result["smtp_per_s"]
    assert isinstance(per_s, float) and isinstance(smtp, float) and per_s > 0 and smtp > 0
    assert result["ratio"] == round(per_s / smtp, 3)
    assert result["rounds"] == {"per_s": [per_s], "smtp_per_s": [smtp]}
