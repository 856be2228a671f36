"""The restore drill: ``mailflow backup`` taken while leads flow (SQLite: the online backup;
PostgreSQL: pg_dump), restored into a fresh database, is consistent: every offer has its
lead, every offer its email in the outbox, every offered lead its offers — each action is
in the copy whole or not at all."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from mailflow.db import migrate
from mailflow.models import Event, Lead, Offer, OutboundEmail
from mailflow.models.states import LeadState
from mailflow.runtime import Runtime
from tests.conftest import TEST_KEYS, make_settings
from tests.factories import World
from tests.services import POSTGRES_ADMIN_URL, drop_postgres_database, fresh_postgres_database

ROOT = Path(__file__).resolve().parents[2]


def _backup(database_url: str, target: Path, data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(
        PYTHONPATH=str(ROOT),
        MAILFLOW_DATABASE_URL=database_url,
        MAILFLOW_DATA_DIR=str(data_dir),
        MAILFLOW_SECRET_KEYS=TEST_KEYS,
    )
    done = subprocess.run(
        [sys.executable, "-m", "mailflow.cli", "backup", str(target)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "backup written to" in done.stdout


def _restore(database_url: str, backup: Path, tmp: Path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{backup}"  # the copy is a database file as it is
    fresh = fresh_postgres_database("mailflow_restore")
    dsn = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + fresh.rsplit("/", 1)[1]
    done = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={dsn}", str(backup)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return fresh


def test_a_backup_taken_while_leads_flow_restores_to_a_consistent_state(
    rt: Runtime, world: World, tmp_path: Path
) -> None:
    for city in ("Stuttgart", "Ulm", "Karlsruhe"):
        world.partner(city)
    stop = threading.Event()
    made: list[int] = []

    def flow() -> None:
        while not stop.is_set():
            lead, _ = world.offered_lead()
            assert lead.id is not None
            made.append(lead.id)

    writer = threading.Thread(target=flow)
    writer.start()
    try:
        while len(made) < 10:  # leads are flowing
            stop.wait(0.05)
        backup = tmp_path / "mailflow.backup"
        _backup(rt.settings.database_url, backup, tmp_path)
        during = len(made)
    finally:
        stop.set()
        writer.join(60)
    assert len(made) > 10

    restored_url = _restore(rt.settings.database_url, backup, tmp_path)
    try:
        assert migrate.current(restored_url) == migrate.current(rt.settings.database_url)
        copy = Runtime(make_settings(tmp_path / "restored", restored_url))
        try:
            with copy.db.read() as s:
                leads = s.exec(select(func.count()).select_from(Lead)).one()
                orphans = s.exec(
                    select(func.count())
                    .select_from(Offer)
                    .outerjoin(Lead, col(Lead.id) == Offer.lead_id)
                    .where(col(Lead.id).is_(None))
                ).one()
                offers = s.exec(select(Offer.id, Offer.lead_id)).all()
                mailed = set(
                    s.exec(select(OutboundEmail.offer_id).where(OutboundEmail.kind == "offer"))
                )
                offered = s.exec(select(Lead.id).where(Lead.state == LeadState.OFFERED)).all()
                with_offers = {lead_id for _, lead_id in offers}
                events = set(
                    s.exec(select(Event.lead_id).where(Event.to_state == LeadState.OFFERED))
                )
        finally:
            copy.close()
        # taken mid-flow: the leads committed by then, at least those made before it began
        assert 10 <= leads <= len(made) and leads >= min(during, 10)
        assert orphans == 0  # no offer without its lead
        assert {offer_id for offer_id, _ in offers} <= mailed  # every offer's email is queued
        assert set(offered) <= with_offers  # every offered lead has its offers …
        assert set(offered) <= events  # … and the event of its offer
    finally:
        if not restored_url.startswith("sqlite"):
            drop_postgres_database(restored_url)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_backup_refuses_to_overwrite_a_file(db_url: str, tmp_path: Path) -> None:
    target = tmp_path / "exists.backup"
    target.write_text("keep me")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    env.update(PYTHONPATH=str(ROOT), MAILFLOW_DATABASE_URL=db_url,
               MAILFLOW_DATA_DIR=str(tmp_path), MAILFLOW_SECRET_KEYS=TEST_KEYS)  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "mailflow.cli", "backup", str(target)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and "exists" in done.stderr
    assert target.read_text() == "keep me"
