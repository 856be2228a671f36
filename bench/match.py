"""Ranking all partners for one lead, with 1,000 and with 10,000 partners in the database.

Each timing is the whole call the console, the API and ``offer_next_ring`` make
(:func:`mailflow.queries.matching_input.explain_lead`): open a read transaction, read the
offers already
made, the campaign policy and the customer's partners, check the cached partner pool's
version token, read the live load (open leads per partner), filter and score every
partner, order them all and build the ring. ``*_ms`` is the median over many leads with the
pool cached (the steady state: the pool is rebuilt only after a partner change);
``*_cold_ms`` the median of a few calls that rebuild the pool first. The partners are
spread over DE, AT and CH around the postal-region centroids, with one open lead per five
partners (the live load); the leads are placed at random region centroids of DE.

``edited_*_ms`` are the same rankings while partners edit their profiles: before every
``EDIT_EVERY``-th lead one partner saves a profile change and the partner at the head of the
lead's ring pauses its offers, both through the profile page's actions (the pool's version
token changes, so that ranking rebuilds the pool). ``fresh`` says whether every ranking after
an edit left the paused partner out as away: the pool stays current while it is cached.

It runs on two throw-away databases, one per size: schemas ``mailflow_bench_small`` and
``mailflow_bench_large`` in the configured PostgreSQL database (dropped afterwards), else
temporary SQLite files.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import select

from mailflow.actions import unit
from mailflow.actions.partners.away_periods import PlannedAway, add_away_period
from mailflow.actions.partners.profile import edit_profile
from mailflow.db import Database, make_engine, migrate, normalize_url
from mailflow.models import Contact, Lead, Organization, PartnerStats
from mailflow.models.api_schemas import PartnerIn
from mailflow.queries.matching_input import explain_lead, forget_pools
from mailflow.rules.lifecycle import OPEN_STAGES
from mailflow.rules.matching.filters import REASONS
from mailflow.rules.postal import _regions
from mailflow.runtime import Runtime
from mailflow.settings import Settings

SCHEMA = "mailflow_bench"
LEVELS = ("premium", "gold", "silver", "standard", "standard")
LINES = ("Heat pump", "Solar", "Boiler", "Ventilation", "Storage")
EDIT_EVERY = 5  # one profile edit and one pause per five leads ranked
AWAY = REASONS.index("away") + 1  # the reason code of a paused partner


def run(settings: Settings, *, quick: bool) -> dict[str, Any]:
    sizes = (100, 1_000) if quick else (1_000, 10_000)
    rounds, cold_rounds = (5, 2) if quick else (101, 5)
    scratch = [_scratch_database(settings, name) for name in ("small", "large")]
    try:
        dbs = []
        for (url, _), size in zip(scratch, sizes, strict=True):
            migrate.upgrade(url)
            dbs.append(Database(url))
            _add_partners(dbs[-1], 0, size, random.Random(8))
        _timings(dbs, 10, random.Random(1))  # warms connections, code paths, both pools
        times, eligible = _timings(dbs, rounds, random.Random(2))
        cold = _timings(dbs, cold_rounds, random.Random(3), cold=True)[0]
        rts = [Runtime(settings.with_(database_url=url)) for url, _ in scratch]
        edited, fresh = _edited(dbs, rts, rounds, random.Random(2))
        backend = dbs[0].engine.dialect.name
        for db, rt in zip(dbs, rts, strict=True):
            db.dispose()
            rt.close()
    finally:
        for _, cleanup in scratch:
            cleanup()
    small_ms, large_ms = (statistics.median(t) for t in times)
    return {
        "backend": backend,
        "partners_small": sizes[0],
        "small_ms": round(small_ms, 2),
        "partners_large": sizes[1],
        "large_ms": round(large_ms, 2),
        "ratio": round(large_ms / small_ms, 2) if small_ms else None,
        "goal_met": large_ms <= 20 and large_ms <= 10 * small_ms,
        "small_cold_ms": round(statistics.median(cold[0]), 2),
        "large_cold_ms": round(statistics.median(cold[1]), 2),
        "eligible_small": int(statistics.median(eligible[0])),  # partners ranked, not excluded
        "eligible_large": int(statistics.median(eligible[1])),
        "edited_small_ms": round(statistics.median(edited[0]), 2),
        "edited_large_ms": round(statistics.median(edited[1]), 2),
        "edited_large_p90_ms": round(statistics.quantiles(edited[1], n=10)[-1], 2),
        "edit_every": EDIT_EVERY,
        "fresh": fresh,
        "rounds": rounds,
    }


def _scratch_database(settings: Settings, name: str) -> tuple[str, Any]:
    base = normalize_url(settings.database_url)
    if base.startswith("postgresql"):
        schema = f"{SCHEMA}_{name}"
        engine = make_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))

        def drop() -> None:
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()

        sep = "&" if "?" in base else "?"
        return f"{base}{sep}options=-csearch_path%3D{schema}", drop
    tmp = tempfile.TemporaryDirectory(prefix=f"mailflow-bench-{name}-")
    return f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}", tmp.cleanup


def _add_partners(db: Database, start: int, count: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    regions = list(_regions().items())
    orgs, contacts, stats = [], [], []
    for i in range(start + 1, start + count + 1):
        (country, _), (lat, lon) = rng.choice(regions)
        orgs.append(
            {
                "id": i,
                "name": f"Partner {i}",
                "kind": "dealer",
                "level": rng.choice(LEVELS),
                "certifications": rng.sample(["F-Gas", "KNX", "SolarPro"], rng.randint(0, 2)),
                "expertise": rng.sample(["heating", "solar", "commercial"], rng.randint(0, 2)),
                "languages": ["de"] if rng.random() < 0.9 else ["de", "en"],
                "product_lines": rng.sample(list(LINES), rng.randint(1, 3)),
                "territory": [],
                "country": country,
                "lat": lat + rng.uniform(-0.3, 0.3),
                "lon": lon + rng.uniform(-0.4, 0.4),
                "capacity": rng.choice([None, 5, 10, 20]),
                "active": True,
                "created_at": now,
            }
        )
        contacts.append(
            {
                "organization_id": i,
                "name": f"Sales {i}",
                "email": f"sales@partner{i}.example",
                "role": "sales",
                "language": "de",
                "timezone": "Europe/Berlin",
                "receives_offers": True,
                "undeliverable": False,
                "created_at": now,
            }
        )
        picks = rng.randint(0, 20)
        stats.append(
            {
                "organization_id": i,
                "offers": picks + rng.randint(0, 30),
                "picks": picks,
                "won": rng.randint(0, picks),
                "unreported": rng.randint(0, picks // 3),
                "median_pick_hours": rng.uniform(0.2, 48) if picks else None,
                "recent_offers": rng.randint(0, 10),
                "refreshed_at": now,
            }
        )
    leads = [
        {"state": rng.choice(OPEN_STAGES), "owner_id": rng.randint(start + 1, start + count),
         "created_at": now, "updated_at": now}
        for _ in range(count // 5)
    ]  # fmt: skip
    with db.transaction() as s:
        for table, rows in ((Organization, orgs), (Contact, contacts), (PartnerStats, stats)):
            s.execute(insert(table), rows)
        s.execute(insert(Lead), leads)
    with db.transaction() as s:  # as autovacuum would: the planner needs current figures
        s.execute(text("ANALYZE"))


def _lead(n: int, rng: random.Random, now: datetime) -> Lead:
    places = [(c, lat, lon) for (c, _), (lat, lon) in _regions().items() if c == "DE"]
    country, lat, lon = rng.choice(places)
    return Lead(id=10**9 + n, country=country, lat=lat, lon=lon, postal_code="70173",
                product_line="Heat pump 12 kW", customer_email=f"x{n}@firma{n}.example",
                created_at=now, updated_at=now)  # fmt: skip


def _timed(db: Database, lead: Lead, now: datetime) -> tuple[float, Any]:
    """The ms of one lead's whole ranking, and the ranking."""
    started = time.perf_counter()
    with db.read() as s:
        ranking = explain_lead(s, lead, now, 3)
        ranking.ring  # noqa: B018  (the ring is built on first use)
    return (time.perf_counter() - started) * 1000, ranking


def _edited(
    dbs: list[Database], rts: list[Runtime], rounds: int, rng: random.Random
) -> tuple[list[list[float]], bool]:
    """Per database: ms of each ranking with profiles edited meanwhile; and whether each
    ranking after an edit saw the pause it made."""
    times: list[list[float]] = [[] for _ in dbs]
    fresh = True
    for n in range(rounds):
        lead = _lead(n, rng, datetime.now(UTC))
        for k, (db, rt) in enumerate(zip(dbs, rts, strict=True)):
            paused = _edit(db, rt, lead, rng) if n % EDIT_EVERY == 0 else None
            ms, ranking = _timed(db, lead, datetime.now(UTC))  # a pause starts when made
            times[k].append(ms)
            if paused is not None:
                at = [c.organization_id for c in ranking.pool.candidates].index(paused)
                fresh = fresh and int(ranking.reason[at]) == AWAY
    return times, fresh


def _edit(db: Database, rt: Runtime, lead: Lead, rng: random.Random) -> int:
    """A random partner changes its capacity on its profile page, and the partner heading
    ``lead``'s ring pauses its offers from today; returns the paused partner."""
    head = _timed(db, lead, datetime.now(UTC))[1].ring[0].organization_id
    with rt.db.read() as s:
        first = {org: c for org, c in s.exec(select(Contact.organization_id, Contact.id)) if c}
    other = rng.choice([org for org in first if org != head])
    with unit(rt, "bench", "web") as ctx:
        edit_profile(ctx, first[other], PartnerIn(capacity=rng.choice([5, 10, 20, 30])))
    with unit(rt, "bench", "web") as ctx:
        today = ctx.now.date()
        add_away_period(ctx, first[head], PlannedAway(first[head], today, today, None))
    return head


def _timings(
    dbs: list[Database], rounds: int, rng: random.Random, *, cold: bool = False
) -> tuple[list[list[float]], list[list[int]]]:
    """Per database: ms of one lead's whole ranking, and how many partners were ranked.
    Each lead is ranked on every database in turn, so that the machine's ups and downs hit
    all sizes alike."""
    now = datetime.now(UTC)
    times: list[list[float]] = [[] for _ in dbs]
    eligible: list[list[int]] = [[] for _ in dbs]
    for n in range(rounds):
        lead = _lead(n, rng, now)
        for k, db in enumerate(dbs):
            if cold:
                forget_pools()
            ms, ranking = _timed(db, lead, now)
            times[k].append(ms)
            eligible[k].append(ranking.eligible)
    return times, eligible
