"""``mailflow backup FILE``: a consistent copy of the database while the processes run.

SQLite: the online backup API copies the database into ``FILE`` (a SQLite file that
``MAILFLOW_DATABASE_URL=sqlite:///FILE`` opens as it is) in one step, that is from one read
snapshot: in WAL mode (mailflow's) a reader blocks no writer, so the processes go on
writing meanwhile, and the copy holds every transaction committed before it began and
none after. (Copying in several steps would restart at each write of another process.)
PostgreSQL: ``pg_dump --format=custom`` (one snapshot of every table; restore with
``pg_restore``); it needs the client tools of the server's major version on the PATH."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url


def backup(database_url: str, target: str) -> int:
    out = Path(target)
    if out.exists():
        print(f"mailflow: {out} exists; name a new file", file=sys.stderr)
        return 1
    url = make_url(database_url)
    if url.drivername.startswith("sqlite"):
        return _sqlite(url.database or "", out)
    return _postgres(database_url, out)


def _sqlite(source: str, out: Path) -> int:
    if not source or source == ":memory:" or not Path(source).exists():
        print(f"mailflow: no SQLite database at {source!r}", file=sys.stderr)
        return 1
    partial = out.with_name(out.name + ".partial")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=-1)  # one step: one snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        (check,) = dst.execute("PRAGMA integrity_check").fetchone()
    finally:
        dst.close()
        src.close()
    if check != "ok":
        partial.unlink()
        print(f"mailflow: the copy failed its integrity check: {check}", file=sys.stderr)
        return 1
    partial.rename(out)
    print(f"backup written to {out} ({out.stat().st_size} bytes)")
    return 0


def _postgres(database_url: str, out: Path) -> int:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        print("mailflow: pg_dump is not on the PATH (PostgreSQL client tools)", file=sys.stderr)
        return 1
    url = make_url(database_url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # not on the command line
    dsn = url.set(password=None).render_as_string(hide_password=False)
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", f"--file={out}", f"--dbname={dsn}"],
        env=env,
        check=False,
    )
    if done.returncode != 0:
        out.unlink(missing_ok=True)
        return 1
    print(f"backup written to {out} ({out.stat().st_size} bytes; restore with pg_restore)")
    return 0
