"""``/metrics`` tells the deployment's state from the database; JSON logs carry the request
id from the HTTP request into the jobs it enqueued; X-Forwarded-For is read only from the
configured proxies."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from mailflow import logs
from mailflow.inbound.receive.metrics import SmtpMetrics
from mailflow.jobs.broker import JobQueue
from mailflow.runtime import Runtime
from mailflow.web import create_app
from tests.factories import World


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_count_leads_offers_and_outbox_from_the_database(
    client: Any, world: World, rt: Runtime
) -> None:
    world.partner("Stuttgart")
    world.partner("Stuttgart")
    world.offered_lead()
    world.lead()
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    got = _samples(answer.get_data(as_text=True))
    assert got[("mailflow_leads", (("state", "offered"),))] == 1
    assert got[("mailflow_leads", (("state", "qualified"),))] == 1
    assert got[("mailflow_offers_open", ())] == 2
    # the offer emails are queued (no worker here): the outbox shows them
    assert got[("mailflow_outbox_unsent", ())] >= 2
    assert got[("mailflow_inbound_waiting", ())] == 0
    assert got[("mailflow_replies_understood", (("outcome", "applied"),))] == 0
    try:
        rt.clock.advance(hours=2)  # ages count from the clock
        aged = _samples(client.get("/metrics").get_data(as_text=True))
        assert aged[("mailflow_offer_oldest_open_age_seconds", ())] >= 7200
        assert aged[("mailflow_outbox_oldest_unsent_age_seconds", ())] >= 7200
    finally:
        rt.clock.thaw()


def test_smtp_counters_tell_accepted_from_refused() -> None:
    metrics = SmtpMetrics()
    assert metrics.count("RCPT", "250 2.1.5 OK") == "250 2.1.5 OK"
    metrics.count("RCPT", "550 5.1.1 No such reply address here")
    metrics.count("MAIL", "450 4.7.1 Too many messages")
    value = metrics.registry.get_sample_value
    assert value("mailflow_smtp_replies_total", {"command": "RCPT", "result": "accepted"}) == 1
    assert value("mailflow_smtp_replies_total", {"command": "RCPT", "result": "refused"}) == 1
    assert value("mailflow_smtp_replies_total", {"command": "MAIL", "result": "deferred"}) == 1


def test_json_logs_follow_a_request_into_its_jobs(
    rt: Runtime, world: World, queue: JobQueue, smtp: Any
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        world.partner("Stuttgart")
        key = world.api_key()
        client = create_app(rt).test_client()
        lead = {
            "customer_email": "anna@kunde.example",
            "customer_name": "Anna Kunde",
            "country": "DE",
            "postal_code": "70173",
            "city": "Stuttgart",
            "requirement": "Zwei Wärmepumpen für ein Bürogebäude",
        }
        answer = client.post(
            "/api/v1/leads",
            json=lead,
            headers={"Authorization": f"Bearer {key}", "X-Request-ID": "trace-0001-abcd"},
        )
        assert answer.status_code in (200, 201), answer.get_data(as_text=True)
        assert answer.headers["X-Request-ID"] == "trace-0001-abcd"
        queue.drain()
        assert smtp.messages  # the offer emails went out through the jobs
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines, "no log lines"
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in lines)
    traced = [entry for entry in lines if entry.get("request_id") == "trace-0001-abcd"]
    # lines written while the jobs the request enqueued ran (the worker's threads)
    jobs = [entry["message"] for entry in traced if entry["logger"] == "mailflow.jobs.requestids"]
    assert any(line.startswith("job send_email") for line in jobs), jobs


def test_a_made_up_request_id_is_replaced() -> None:
    assert logs.new_request_id("ok-request-1234") == "ok-request-1234"
    for bad in ("x", "with space 123456", "a" * 65, "<script>alert(1)</script>"):
        assert logs.new_request_id(bad) != bad


def test_forwarded_for_is_read_only_from_a_configured_proxy(rt: Runtime) -> None:
    rt.settings = rt.settings.with_(trusted_proxies=1, proxy_addresses=("10.0.0.0/8",))
    app = create_app(rt)

    @app.get("/_peer")
    def peer() -> str:
        from flask import request

        return str(request.remote_addr)

    client = app.test_client()
    fwd = {"X-Forwarded-For": "203.0.113.7"}
    via_proxy = client.get("/_peer", headers=fwd, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert via_proxy.get_data(as_text=True) == "203.0.113.7"
    direct = client.get("/_peer", headers=fwd, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert direct.get_data(as_text=True) == "198.51.100.9"
