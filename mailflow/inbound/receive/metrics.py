"""The SMTP server's counters: what it accepted and refused, per SMTP command.

Kept in the smtp process (one process, no multiprocess files) and served by
``mailflow inbound serve --metrics-port``."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class SmtpMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.replies = Counter(
            "mailflow_smtp_replies",
            "SMTP replies of the inbound server by command and result "
            "(accepted: 2xx, deferred: 4xx, refused: 5xx)",
            ["command", "result"],
            registry=self.registry,
        )

    def count(self, command: str, reply: str) -> str:
        """Count ``reply`` (an SMTP reply line) and hand it back."""
        result = {"2": "accepted", "4": "deferred"}.get(reply[:1], "refused")
        self.replies.labels(command, result).inc()
        return reply
