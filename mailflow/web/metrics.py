"""``/metrics``: the deployment's state in Prometheus format, read from the database at
each scrape (:mod:`mailflow.queries.ops`), so every web process — and every gunicorn
worker — answers the same; no multiprocess files are needed for these figures. The job
counters per actor come from the workers' own port (dramatiq's Prometheus middleware),
the SMTP counters from the smtp process's (``mailflow inbound serve --metrics-port``)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Flask, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from mailflow.models.states import InboundState
from mailflow.queries.ops import snapshot
from mailflow.runtime import Runtime

bp = Blueprint("metrics", __name__)

# what became of the replies the pipeline understood: applied at once, asked back
# ("did you mean …?"), or handed to a person
UNDERSTANDING = {
    "applied": (InboundState.APPLIED, InboundState.NOTED),
    "asked_back": (InboundState.ASKED,),
    "review": (InboundState.REVIEW,),
}
SET_ASIDE = (InboundState.REVIEW, InboundState.FAILED)


class StateCollector(Collector):
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.rt.db.read() as session:
            s = snapshot(session, self.rt.clock.now())
        leads = GaugeMetricFamily("mailflow_leads", "Leads by state", labels=["state"])
        for state, count in sorted(s.leads_by_state.items()):
            leads.add_metric([state], count)
        yield leads
        yield GaugeMetricFamily("mailflow_offers_open", "Open offers", value=s.open_offers)
        yield GaugeMetricFamily(
            "mailflow_offer_oldest_open_age_seconds",
            "Age of the oldest open offer",
            value=s.oldest_open_offer_s,
        )
        yield GaugeMetricFamily(
            "mailflow_outbox_unsent", "Emails queued or being sent", value=s.outbox_unsent
        )
        yield GaugeMetricFamily(
            "mailflow_outbox_oldest_unsent_age_seconds",
            "Age of the oldest email not sent yet",
            value=s.oldest_unsent_s,
        )
        yield GaugeMetricFamily(
            "mailflow_outbox_failed", "Emails given up on", value=s.outbox_failed
        )
        yield from self._inbound(s.inbound_by_state, s.oldest_waiting_inbound_s)
        jobs = GaugeMetricFamily(
            "mailflow_failed_jobs", "Jobs that exhausted their retries, by actor", labels=["actor"]
        )
        for actor, count in sorted(s.failed_jobs_by_actor.items()):
            jobs.add_metric([actor], count)
        yield jobs
        for name, doc, counts in (
            ("mailflow_webhook_deliveries_failed", "given up on", s.webhook_failed),
            ("mailflow_webhook_deliveries_retrying", "waiting for a retry", s.webhook_retrying),
        ):
            family = GaugeMetricFamily(
                name, f"Webhook deliveries {doc}, by endpoint", labels=["webhook"]
            )
            for webhook_id, count in sorted(counts.items()):
                family.add_metric([str(webhook_id)], count)
            yield family

    def _inbound(self, by_state: dict[str, int], oldest_s: float) -> Iterator[GaugeMetricFamily]:
        inbound = GaugeMetricFamily(
            "mailflow_inbound_messages", "Received messages by state", labels=["state"]
        )
        for state, count in sorted(by_state.items()):
            inbound.add_metric([state], count)
        yield inbound
        yield GaugeMetricFamily(
            "mailflow_inbound_waiting",
            "Received messages waiting for processing",
            value=by_state.get(InboundState.RECEIVED, 0),
        )
        yield GaugeMetricFamily(
            "mailflow_inbound_oldest_waiting_age_seconds",
            "Age of the oldest message waiting for processing",
            value=oldest_s,
        )
        yield GaugeMetricFamily(
            "mailflow_inbound_set_aside",
            "Messages set aside for a person (review queue, failed)",
            value=sum(by_state.get(state, 0) for state in SET_ASIDE),
        )
        replies = GaugeMetricFamily(
            "mailflow_replies_understood", "Replies by what was understood", labels=["outcome"]
        )
        for outcome, states in UNDERSTANDING.items():
            replies.add_metric([outcome], sum(by_state.get(state, 0) for state in states))
        yield replies


def install(app: Flask, rt: Runtime) -> None:
    app.extensions["mailflow_metrics"] = registry_for(rt)
    app.register_blueprint(bp)


def registry_for(rt: Runtime) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(StateCollector(rt))
    return registry


@bp.get("/metrics")
def metrics() -> Response:
    registry: CollectorRegistry = current_app.extensions["mailflow_metrics"]
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
