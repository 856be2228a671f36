"""The console's list of partners' requests for wider regions (the profile page's), with
the partner and who asked, read at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from mailflow.i18n import N_
from mailflow.models import Contact, Organization, TerritoryRequest

PENDING = (N_("pending"),)
DECIDED = (N_("approved"), N_("rejected"), N_("superseded"))  # superseded: a newer one came


@dataclass(frozen=True)
class Asked:
    request: TerritoryRequest
    partner: str
    current: list[str]  # the regions the partner has now
    asker: str
    decider: str | None


def territory_requests(
    session: Session, where: ColumnElement[bool], states: tuple[str, ...], limit: int = 100
) -> list[Asked]:
    """The requests ``where`` lets the viewer see, of ``states``, newest first."""
    asker, decider = aliased(Contact), aliased(Contact)
    rows = session.exec(
        select(TerritoryRequest, Organization, asker.name, decider.name)
        .join(Organization, col(Organization.id) == TerritoryRequest.organization_id)
        .join(asker, col(asker.id) == TerritoryRequest.contact_id)
        .outerjoin(decider, col(decider.id) == TerritoryRequest.decided_by_id)
        .where(where, col(TerritoryRequest.state).in_(states))
        .order_by(col(TerritoryRequest.id).desc())
        .limit(limit)
    )
    return [Asked(r, o.name, list(o.territory or ()), a, d) for r, o, a, d in rows]
