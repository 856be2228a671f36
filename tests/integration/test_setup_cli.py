"""``mailflow setup`` bootstraps an installation without SQL: the schema, the manufacturer,
its brand and the first admin, who can then log in; ``mailflow user add`` adds more."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from mailflow.db import Database
from mailflow.models import Brand, Contact, Event, Organization
from mailflow.rules.passwords import verify_password
from tests.conftest import TEST_KEYS

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Lagerhalle-Sieben-Eimer"


def _cli(tmp: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MAILFLOW_")}
    base.update(
        MAILFLOW_DATA_DIR=str(tmp),
        MAILFLOW_DATABASE_URL=f"sqlite:///{tmp / 'fresh.sqlite3'}",
        MAILFLOW_SECRET_KEYS=TEST_KEYS,
        PYTHONPATH=str(ROOT),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "mailflow.cli", *args],
        env=base, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_setup_creates_the_manufacturer_its_brand_and_an_admin_who_can_log_in(
    tmp_path: Path,
) -> None:
    done = _cli(
        tmp_path, "setup", "--manufacturer", "Solaris Heiztechnik AG", "--admin-email",
        "Ines.Roth@solaris.example", "--language", "de", stdin=PASSWORD + "\n",
        MAILFLOW_SETUP_ADMIN_NAME="Ines Roth",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ines.roth@solaris.example is admin" in done.stdout
    db = Database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    with db.read() as session:
        (maker,) = session.exec(select(Organization)).all()
        brand = session.exec(select(Brand)).one()
        admin = session.exec(select(Contact)).one()
        kinds = [e.kind for e in session.exec(select(Event)).all()]
    db.dispose()
    assert (maker.kind, maker.name) == ("manufacturer", "Solaris Heiztechnik AG")
    assert brand.organization_id == maker.id and brand.name == "Solaris Heiztechnik AG"
    assert (admin.email, admin.name, admin.role, admin.language) == (
        "ines.roth@solaris.example",
        "Ines Roth",
        "admin",
        "de",
    )
    assert verify_password(admin.password_hash, PASSWORD)
    assert kinds == ["organization.created", "contact.console_user_added"]

    again = _cli(tmp_path, "setup", "--manufacturer", "Other", "--admin-email", "x@y.example",
                 "--admin-name", "X", stdin=PASSWORD + "\n")  # fmt: skip
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "mailflow setup: this installation has its manufacturer already: Solaris Heiztechnik AG"
    )

    added = _cli(tmp_path, "user", "add", "olaf@solaris.example", "Olaf Lind", "ops",
                 MAILFLOW_SETUP_PASSWORD="Kupferdraht-Nebel-Segel-42")  # fmt: skip
    assert added.returncode == 0, added.stderr
    weak = _cli(tmp_path, "user", "add", "pia@solaris.example", "Pia", "rep", stdin="pia\n")
    assert weak.returncode == 1 and weak.stderr.startswith("mailflow user add: ")
    db = Database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    with db.read() as session:
        emails = {c.email: (c.role, c.organization_id) for c in session.exec(select(Contact))}
    db.dispose()
    assert emails == {
        "ines.roth@solaris.example": ("admin", maker.id),
        "olaf@solaris.example": ("ops", maker.id),
    }


def test_setup_without_an_answer_names_what_is_missing(tmp_path: Path) -> None:
    done = _cli(tmp_path, "setup", "--manufacturer", "Solaris", stdin=PASSWORD + "\n")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "mailflow setup: --admin-email (or MAILFLOW_SETUP_ADMIN_EMAIL) is needed"
    )
