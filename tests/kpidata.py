"""A small hand-computed world for KPI tests: two dealers, a distributor, two territories.

Period under test: the week 2026-11-02 (Mon) .. 2026-11-09. The expected figures are in
tests/integration/test_kpi.py, worked out by hand from the rows below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from mailflow.models import (
    Contact,
    Feedback,
    Lead,
    Offer,
    Organization,
    OrgAssignment,
    OutboundEmail,
    Territory,
)
from mailflow.runtime import Runtime

START = datetime(2026, 11, 2, tzinfo=UTC)
END = datetime(2026, 11, 9, tzinfo=UTC)


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@dataclass
class KpiWorld:
    maker: int
    distributor: int
    dealer_a: int
    dealer_b: int
    rep_a: int
    contact_b: int
    territory_a: int
    territory_b: int
    leads: dict[str, int]


def build(rt: Runtime) -> KpiWorld:
    now = at(11, 1)
    with rt.db.transaction() as s:

        def org(name: str, kind: str, parent: int | None = None) -> int:
            row = Organization(name=name, kind=kind, parent_id=parent, country="DE", created_at=now)
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

        def contact(org_id: int, email: str, role: str) -> int:
            row = Contact(
                organization_id=org_id, name=email, email=email, role=role, created_at=now
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

        maker = org("Nordwind", "manufacturer")
        dist = org("Süd Distribution", "distributor", maker)
        a = org("Dealer A", "dealer", dist)
        b = org("Dealer B", "dealer", maker)
        rep_a = contact(a, "rep@a.example", "rep")
        contact_b = contact(b, "sales@b.example", "sales")
        terr = []
        for name in ("North", "South"):
            t = Territory(name=name, country="DE", created_at=now)
            s.add(t)
            s.flush()
            assert t.id is not None
            terr.append(t.id)
        s.add(OrgAssignment(organization_id=a, territory_id=terr[0]))
        s.add(OrgAssignment(organization_id=b, territory_id=terr[1]))

        leads: dict[str, int] = {}

        def lead(name: str, state: str, value: int, **kw: object) -> int:
            row = Lead(
                state=state,
                value=Decimal(value),
                created_at=kw.get("picked_at") or now,  # type: ignore[arg-type]
                updated_at=kw.pop("updated_at", None) or now,  # type: ignore[arg-type]
                **kw,  # type: ignore[arg-type]
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            leads[name] = row.id
            return row.id

        def offer(lead_id: int, org_id: int, state: str, offered: datetime, **kw: object) -> None:
            s.add(
                Offer(
                    lead_id=lead_id,
                    organization_id=org_id,
                    state=state,
                    offered_at=offered,
                    expires_at=offered,
                    **kw,  # type: ignore[arg-type]
                )
            )

        def feedback(
            lead_id: int, org_id: int, stage: str, when: datetime, amount: int | None = None
        ) -> None:
            s.add(
                Feedback(
                    lead_id=lead_id,
                    organization_id=org_id,
                    stage=stage,
                    amount=Decimal(amount) if amount else None,
                    channel="web",
                    created_at=when,
                )
            )

        own_a = {"owner_id": a, "owner_contact_id": rep_a}
        l1 = lead(
            "L1",
            "won",
            10000,
            picked_at=at(11, 2, 9),
            closed_at=at(11, 6, 9),
            updated_at=at(11, 6, 9),
            **own_a,
        )
        offer(l1, a, "picked", at(11, 2, 8), responded_at=at(11, 2, 9), responded_by_id=rep_a)
        offer(l1, b, "taken", at(11, 2, 8), responded_at=at(11, 2, 9))
        feedback(l1, a, "won", at(11, 6, 9), 12000)
        l2 = lead(
            "L2",
            "lost",
            7000,
            picked_at=at(11, 3, 12),
            closed_at=at(11, 7, 12),
            updated_at=at(11, 7, 12),
            **own_a,
        )
        offer(l2, a, "picked", at(11, 3, 10), responded_at=at(11, 3, 12), responded_by_id=rep_a)
        feedback(l2, a, "lost", at(11, 7, 12))
        l3 = lead("L3", "proposal", 20000, picked_at=at(11, 4, 9), updated_at=at(11, 5), **own_a)
        offer(l3, a, "picked", at(11, 4, 0), responded_at=at(11, 4, 9), responded_by_id=rep_a)
        feedback(l3, a, "proposal", at(11, 5))
        l4 = lead(
            "L4",
            "picked",
            5000,
            picked_at=at(11, 2, 4),
            updated_at=at(11, 2, 4),
            owner_id=b,
            owner_contact_id=contact_b,
        )
        offer(l4, b, "picked", at(11, 2, 0), responded_at=at(11, 2, 4), responded_by_id=contact_b)
        l5 = lead(
            "L5",
            "contacted",
            8000,
            picked_at=at(10, 1),
            updated_at=at(10, 10),
            owner_id=b,
            owner_contact_id=contact_b,
        )
        offer(l5, b, "picked", at(10, 1), responded_at=at(10, 1, 1), responded_by_id=contact_b)
        l6 = lead(
            "L6",
            "won",
            30000,
            picked_at=at(9, 1),
            closed_at=at(9, 15),
            updated_at=at(9, 15),
            owner_id=a,
        )
        offer(l6, a, "picked", at(8, 31), responded_at=at(9, 1))
        l7 = lead("L7", "offered", 4000)
        offer(l7, a, "declined", at(11, 5), responded_at=at(11, 5, 2), responded_by_id=rep_a)
        l8 = lead("L8", "unassigned", 4000)
        offer(l8, a, "expired", at(11, 6))
        for i, state in enumerate(("sent", "sent", "sent", "failed")):
            s.add(
                OutboundEmail(
                    kind="offer",
                    contact_id=rep_a,
                    to_addr="rep@a.example",
                    message_id=f"kpi{i}@test",
                    state=state,
                    created_at=at(11, 3),
                )
            )
    return KpiWorld(maker, dist, a, b, rep_a, contact_b, terr[0], terr[1], leads)
