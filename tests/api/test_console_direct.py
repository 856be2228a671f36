"""Console pages of the direct connection: the webhook delivery log and CSV downloads."""

from __future__ import annotations

from typing import Any

from mailflow.models import Webhook, WebhookDelivery
from mailflow.runtime import Runtime
from tests.factories import World
from tests.integration.test_console import _login, _user


def test_the_pages_need_a_login(client: Any) -> None:
    for path in ("/console/webhooks", "/console/export", "/console/export/leads.csv"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/console/login" in answer.headers["Location"]


def test_the_delivery_log_shows_each_attempt_and_filters_by_state(
    client: Any, rt: Runtime, world: World
) -> None:
    _user(rt, world)
    partner = world.partner("Stuttgart")
    lead = world.lead()
    now = rt.clock.now()
    with rt.db.transaction() as s:
        hook = Webhook(
            organization_id=partner.id,  # type: ignore[arg-type]
            url="https://crm.dealer.example/hooks/mailflow",
            events=["lead.picked"],
            secret="whsec_test",
            created_at=now,
        )
        s.add(hook)
        s.flush()
        for state, status in (("delivered", 204), ("failed", 500)):
            s.add(
                WebhookDelivery(
                    webhook_id=hook.id,  # type: ignore[arg-type]
                    kind="lead.picked",
                    lead_id=lead.id,
                    state=state,
                    attempts=1 if state == "delivered" else 8,
                    last_status=status,
                    last_error=None if status == 204 else "HTTP 500",
                    created_at=now,
                )
            )
    _login(client)
    page = client.get("/console/webhooks").get_data(as_text=True)
    assert "https://crm.dealer.example/hooks/mailflow" in page
    assert "delivered (1)" in page and "failed (1)" in page and "HTTP 500" in page
    failed = client.get("/console/webhooks?state=failed").get_data(as_text=True)
    assert "delivery-failed" in failed and "delivery-delivered" not in failed
    assert 'href="/console/webhooks"' in client.get("/console/").get_data(as_text=True)


def test_leads_and_kpis_download_as_csv(client: Any, rt: Runtime, world: World) -> None:
    _user(rt, world)
    world.lead(external_id="dl-1")
    _login(client)
    leads = client.get("/console/export/leads.csv")
    assert leads.status_code == 200 and leads.mimetype == "text/csv"
    assert "attachment" in leads.headers["Content-Disposition"]
    lines = leads.get_data(as_text=True).splitlines()
    # an English reader's spreadsheet: commas, and a BOM so that Excel reads UTF-8
    assert lines[0].startswith("\ufeffid,external_id") and ",dl-1," in lines[1]
    kpis = client.get("/console/export/kpis.csv").get_data(as_text=True)
    assert kpis.startswith("\ufefforganization_id,organization,offered")
    assert client.get("/console/export/other.csv").status_code == 404
