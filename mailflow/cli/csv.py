"""The CLI side of import and export: report on stdout, progress and bad rows on stderr."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from mailflow.csvio import exporter, importer
from mailflow.csvio.dialect import UnknownDialect, choose
from mailflow.queries.visibility import OPERATOR
from mailflow.runtime import Runtime


def run_import(settings: Any, what: str, file: str, *, dry_run: bool) -> int:
    path = Path(file)
    if not path.is_file():
        print(f"mailflow: no file {file}", file=sys.stderr)
        return 1
    from mailflow.jobs.broker import connect

    rt = Runtime(settings)
    # With Redis the distribution jobs go to the workers; embedded, this process runs them.
    queue = connect(rt, worker_threads=0 if not settings.embedded else 2)
    started = time.perf_counter()
    job = importer.import_leads if what == "leads" else importer.import_partners
    try:
        report = job(rt, path, dry_run=dry_run, progress=sys.stderr)
        imported_s = time.perf_counter() - started
        if settings.embedded and not dry_run and what == "leads" and report.created:
            print("distributing the new leads…", file=sys.stderr)
            queue.drain(timeout_s=3600)
    except importer.CsvRefused as exc:  # found before anything was written
        print(f"{file}:{exc.line}: {exc.reason}; nothing was imported", file=sys.stderr)
        return 1
    finally:
        queue.stop()
        rt.close()
    for line, reason in report.bad:
        print(f"{file}:{line}: {reason}", file=sys.stderr)
    if report.bad_rows > len(report.bad):
        print(f"{file}: {report.bad_rows - len(report.bad)} more bad rows", file=sys.stderr)
    summary = {
        **report.as_dict(),
        "dry_run": dry_run,
        "import_seconds": round(imported_s, 2),
        "total_seconds": round(time.perf_counter() - started, 2),
    }
    print(json.dumps(summary))
    return 1 if report.bad_rows else 0


def run_export(settings: Any, what: str, file: str, dialect: str | None = None) -> int:
    """``dialect``: the option, else ``MAILFLOW_CSV_DIALECT``; ``auto`` on the command line
    (no reader's language) is plain RFC 4180."""
    try:
        used = choose(dialect, settings.csv_dialect, None)
    except UnknownDialect as exc:
        print(f"mailflow: {exc}", file=sys.stderr)
        return 2
    rt = Runtime(settings)
    try:
        with rt.db.read() as session:
            chunks = (
                exporter.lead_csv(session, OPERATOR, used)
                if what == "leads"
                else exporter.kpi_csv(session, OPERATOR, rt.clock.now(), dialect=used)
            )
            if file == "-":
                for chunk in chunks:
                    sys.stdout.write(chunk)
            else:
                with open(file, "w", newline="", encoding="utf-8") as out:
                    for chunk in chunks:
                        out.write(chunk)
    finally:
        rt.close()
    return 0
