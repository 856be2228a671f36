"""CSV lead import: 100,000 rows in bulk (validate, insert in batches, Events), against
the row-by-row ``ingest`` action on a sample, on a fresh database of the configured kind
(SQLite file by default; ``MAILFLOW_BENCH_POSTGRES_URL`` for PostgreSQL)."""

from __future__ import annotations

import csv
import logging
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from mailflow.actions import unit
from mailflow.actions.leads.ingest import ingest
from mailflow.csvio import importer
from mailflow.csvio.rows import lead_row
from mailflow.db import migrate
from mailflow.rules.geo import CITIES
from mailflow.runtime import Runtime
from mailflow.settings import Settings

COLUMNS = (
    "external_id",
    "temperature",
    "customer_name",
    "customer_company",
    "customer_email",
    "customer_phone",
    "postal_code",
    "city",
    "country",
    "product_line",
    "requirement",
    "value",
)


def write_csv(path: Path, rows: int, *, prefix: str = "b", bad_every: int = 0) -> None:
    rnd = random.Random(7)
    cities = list(CITIES.items())
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for i in range(rows):
            city, (country, _, _) = cities[i % len(cities)]
            email = f"kunde{i}@example.com"
            if bad_every and i % bad_every == bad_every - 1:
                email = "not-an-email"
            out.writerow(
                (
                    f"{prefix}-{i}",
                    rnd.choice(("hot", "warm", "cold")),
                    f"Kunde {i}",
                    f"Firma {i} GmbH",
                    email,
                    f"+49 711 {i:07d}",
                    f"{10000 + i % 89999}",
                    city,
                    country,
                    "Heat pump 12 kW",
                    "Replace an old gas boiler.",
                    str(5000 + i % 20000),
                )
            )


def _fresh_db(tmp: Path) -> str:
    url = os.environ.get("MAILFLOW_BENCH_POSTGRES_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        from sqlalchemy import text

        from mailflow.db import make_engine

        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(url)
    return url


def run(settings: Settings, *, quick: bool) -> dict[str, Any]:
    rows, sample = (2_000, 200) if quick else (100_000, 2_000)
    logging.getLogger("mailflow.runtime").setLevel(logging.WARNING)  # no queue: no job noise
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        url = _fresh_db(tmp)
        rt = Runtime(settings.with_(database_url=url))
        try:
            path = tmp / "leads.csv"
            write_csv(path, rows)
            started = time.perf_counter()
            dry = importer.import_leads(rt, path, dry_run=True)
            dry_s = time.perf_counter() - started
            started = time.perf_counter()
            done = importer.import_leads(rt, path)
            bulk_s = time.perf_counter() - started
            started = time.perf_counter()
            again = importer.import_leads(rt, path)
            again_s = time.perf_counter() - started
            single = tmp / "single.csv"
            write_csv(single, sample, prefix="s")
            with single.open(newline="") as handle:
                leads = [lead_row(raw) for raw in csv.DictReader(handle)]
            started = time.perf_counter()
            for lead in leads:
                with unit(rt, "bench", "cli") as ctx:
                    ingest(ctx, lead)
            single_s = time.perf_counter() - started
        finally:
            rt.close()
    return {
        "database": url.split(":", 1)[0],
        "rows": rows,
        "created": done.created,
        "bad": done.bad_rows + dry.bad_rows,
        "dry_run_s": round(dry_s, 2),
        "import_s": round(bulk_s, 2),
        "import_rows_per_s": round(rows / bulk_s),
        "reimport_unchanged": again.unchanged,
        "reimport_s": round(again_s, 2),
        "row_by_row_sample": sample,
        "row_by_row_rows_per_s": round(sample / single_s),
        "speedup": round((rows / bulk_s) / (sample / single_s), 1),
    }
