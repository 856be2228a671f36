"""import_customer_links: which customers already belong to which partner (channel
conflict), from a CSV the operator exports from the CRM."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import select

from mailflow.actions import audit
from mailflow.actions.context import ActionContext
from mailflow.models import CustomerLink, Organization


@dataclass(frozen=True)
class LinkRow:
    partner: str  # an organization id or its external id
    email_domain: str | None
    customer_external_id: str | None


def read_csv(lines: Iterable[str]) -> list[LinkRow]:
    """Columns ``partner,email_domain,customer_external_id`` (header required)."""
    rows = []
    for row in csv.DictReader(lines):
        domain = (row.get("email_domain") or "").strip().lower().lstrip("@") or None
        customer = (row.get("customer_external_id") or "").strip() or None
        rows.append(LinkRow((row.get("partner") or "").strip(), domain, customer))
    return rows


def import_customer_links(ctx: ActionContext, rows: Iterable[LinkRow]) -> tuple[int, list[str]]:
    """Add the links not yet known; returns (added, problems). Unknown partners are skipped
    and reported, never guessed."""
    orgs = {str(o.id): o.id for o in ctx.session.exec(select(Organization))}
    orgs |= {
        o.external_id: o.id
        for o in ctx.session.exec(select(Organization))
        if o.external_id is not None
    }
    known = {
        (link.organization_id, link.email_domain, link.customer_external_id)
        for link in ctx.session.exec(select(CustomerLink))
    }
    added, problems = 0, []
    for n, row in enumerate(rows, start=2):
        org = orgs.get(row.partner)
        if org is None or not (row.email_domain or row.customer_external_id):
            problems.append(f"line {n}: unknown partner or nothing to link")
            continue
        key = (org, row.email_domain, row.customer_external_id)
        if key in known:
            continue
        known.add(key)
        ctx.session.add(CustomerLink(organization_id=org, email_domain=row.email_domain,
                                     customer_external_id=row.customer_external_id,
                                     created_at=ctx.now))  # fmt: skip
        added += 1
    audit.record(ctx, "customers.imported", added=added, problems=len(problems))
    return added, problems
