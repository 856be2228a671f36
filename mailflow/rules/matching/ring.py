"""The next ring: who is offered a lead now, out of the partners ranked for it.

Pure. Existing-customer partners get the lead first, alone; otherwise the best, with a
share of the places kept for smaller partners (silver and standard) however far down the
ranking they are.
"""

from __future__ import annotations

from mailflow.i18n import N_
from mailflow.rules.matching.criteria import Match, Scored
from mailflow.rules.note import Note


def ring_of(ranked: list[Scored], limit: int, small_share: float) -> list[Match]:
    """Up to ``limit`` of ``ranked`` (best first; it must hold the best ``limit`` and the
    best smaller partners), ``small_share`` of the places kept for the smaller ones."""
    owners = [s for s in ranked if s.existing_customer]
    if owners:
        return [_match(s, N_("already the customer's partner")) for s in owners[:limit]]
    reserved = min(limit, int(limit * small_share + 0.5)) if limit else 0
    small = [s for s in ranked if s.small][:reserved]
    chosen = {s.candidate.organization_id for s in small}
    rest = [s for s in ranked if s.candidate.organization_id not in chosen]
    picked = small + rest[: max(0, limit - len(small))]
    picked.sort(key=lambda s: (-s.score, s.candidate.organization_id))
    return [
        _match(
            s,
            N_("fair share for smaller partners") if s in small and s not in ranked[:limit] else "",
        )
        for s in picked
    ]


def _match(s: Scored, extra: str) -> Match:
    """One line for the audit trail: the score, the distance, the strongest criterion (and
    ``extra``, why the partner is in the ring beside its score)."""
    km = s.distance_km
    where = (
        Note(N_("%(km)s km away"), f"{km:.0f} km away", km=round(km))
        if km is not None
        else Note(N_("distance unknown"))
    )
    rest = {k: v for k, v in s.parts.items() if k != "distance"}
    best = max(rest.items(), key=lambda kv: kv[1][0] * kv[1][1])[1][2]
    text = f"score {s.score:.0f}: {where}, {best}"
    args = {"score": round(s.score), "where": where, "best": best}
    why = (
        Note(
            N_("score %(score)s: %(where)s, %(best)s; %(extra)s"),
            f"{text}; {extra}",
            **args,
            extra=Note(extra),
        )
        if extra
        else Note(N_("score %(score)s: %(where)s, %(best)s"), text, **args)
    )
    return Match(
        s.candidate.organization_id,
        s.distance_km,
        why,
        score=s.score,
        parts=dict(s.parts),
    )
