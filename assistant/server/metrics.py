"""Prometheus metrics of one API worker (GET /metrics)."""
from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from assistant.contract import Answer


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("medinfo_requests", "HTTP requests", ["route", "status"], registry=self.registry)
        self.latency = Histogram("medinfo_request_seconds", "HTTP request latency", ["route"], registry=self.registry,
                                 buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5))
        self.answers = Counter("medinfo_answers", "Answers by status", ["status"], registry=self.registry)
        self.flags = Counter("medinfo_flags", "Answers flagged (adverse event, off-label...)", ["flag"],
                             registry=self.registry)
        self.chunks = Gauge("medinfo_searchable_chunks", "Searchable passages in the store", registry=self.registry)
        self.started = Gauge("medinfo_start_time_seconds", "Start time of this process", registry=self.registry)
        self.started.set(time.time())

    def count(self, answer: Answer) -> None:
        self.answers.labels(answer.status).inc()
        for name in ("adverse_event", "product_complaint", "off_label", "personal_data_redacted"):
            if getattr(answer.flags, name, False):
                self.flags.labels(name).inc()
