"""The next ring: who is offered a lead now, out of the partners ranked for it.

Pure. Existing-customer partners get the lead first, alone; otherwise the best, with a
share of the places kept for smaller partners (silver and standard) however far down the
ranking they are.
"""

from __future__ import annotations

from mailflow.rules.matching.criteria import Match, Scored


def ring_of(ranked: list[Scored], limit: int, small_share: float) -> list[Match]:
    """Up to ``limit`` of ``ranked`` (best first; it must hold the best ``limit`` and the
    best smaller partners), ``small_share`` of the places kept for the smaller ones."""
    owners = [s for s in ranked if s.existing_customer]
    if owners:
        return [_match(s, "already the customer's partner") for s in owners[:limit]]
    reserved = min(limit, int(limit * small_share + 0.5)) if limit else 0
    small = [s for s in ranked if s.small][:reserved]
    chosen = {s.candidate.organization_id for s in small}
    rest = [s for s in ranked if s.candidate.organization_id not in chosen]
    picked = small + rest[: max(0, limit - len(small))]
    picked.sort(key=lambda s: (-s.score, s.candidate.organization_id))
    return [
        _match(
            s, "fair share for smaller partners" if s in small and s not in ranked[:limit] else ""
        )
        for s in picked
    ]


def _match(s: Scored, extra: str) -> Match:
    """One line for the audit trail: the score, the distance, the strongest criterion."""
    where = f"{s.distance_km:.0f} km away" if s.distance_km is not None else "distance unknown"
    rest = {k: v for k, v in s.parts.items() if k != "distance"}
    best = max(rest.items(), key=lambda kv: kv[1][0] * kv[1][1])[1][2]
    why = f"score {s.score:.0f}: {where}, {best}"
    return Match(
        s.candidate.organization_id,
        s.distance_km,
        f"{why}; {extra}" if extra else why,
        score=s.score,
        parts=dict(s.parts),
    )
