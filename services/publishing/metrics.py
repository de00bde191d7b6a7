"""Prometheus metrics of the publishing engine (served as /metrics by the app, see socialhub_app/metrics_route.py).

Two kinds:
- events counted by *this process's* engine (outcomes, retries, reclaims, latency and lateness
  histograms) — prometheus-client counters, so each scraped process reports its own;
- facts read from the database at scrape time, the same whichever process answers: queue depth
  (due / overdue targets), targets by platform and status, every worker's heartbeat age, and the
  depth of any outbox that registered itself (webhooks/e-mail: `register_outbox`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=False)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: A due target still waiting this long after its time counts as overdue.
OVERDUE_AFTER = timedelta(seconds=60)

OUTCOMES = Counter(
    "socialhub_publish_outcomes",
    "Publish attempts by platform and outcome (published, failed, needs_review, retry) in this process",
    ["platform", "outcome"],
    registry=REGISTRY,
)
RETRIES = Counter(
    "socialhub_publish_retries", "Retries scheduled, by error kind", ["kind"], registry=REGISTRY
)
RECLAIMS = Counter(
    "socialhub_lease_reclaims",
    "Targets taken back from a dead worker or an expired lease (reconciled, never blindly re-sent)",
    ["reason", "result"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "socialhub_publish_latency_seconds",
    "Duration of one publish attempt (platform call included)",
    ["platform"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
LATENESS = Histogram(
    "socialhub_publish_lateness_seconds",
    "How long after its due time an attempt started",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
    registry=REGISTRY,
)

_outboxes: dict[str, Callable[[], int]] = {}
_outbox_lock = threading.Lock()


def register_outbox(name: str, depth: Callable[[], int]) -> None:
    """A future outbox (webhooks, e-mail) reports its depth: `depth()` runs at scrape time in a thread."""
    with _outbox_lock:
        _outboxes[name] = depth


def record_outcome(platform: str, status: str, kind: str = "") -> None:
    outcome = "retry" if status == "scheduled" else status
    OUTCOMES.labels(platform=platform, outcome=outcome).inc()
    if outcome == "retry":
        RETRIES.labels(kind=kind or "unknown").inc()


def record_reclaims(counts: dict[str, int], reason: str) -> None:
    for result, n in counts.items():
        if n:
            RECLAIMS.labels(reason=reason, result=result).inc(n)


class DatabaseCollector(Collector):
    """Gauges computed from the database at each scrape (a few indexed aggregate queries)."""

    def collect(self) -> Iterable[GaugeMetricFamily]:
        from services.publishing.metrics_queries import heartbeats, queue_depth, targets_by_status

        now = datetime.now(UTC)
        try:
            due, overdue = queue_depth(now, OVERDUE_AFTER)
            by_status = targets_by_status()
            beats = heartbeats()
        except Exception:  # noqa: BLE001 - a scrape must answer even when the database is down
            log.exception("metrics: database gauges unavailable")
            up = GaugeMetricFamily("socialhub_database_up", "1 when the metrics queries succeeded")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily("socialhub_database_up", "1 when the metrics queries succeeded")
        up.add_metric([], 1)
        yield up
        queue = GaugeMetricFamily(
            "socialhub_queue_targets", "Scheduled targets due now (due) and due for over 60 s (overdue)", labels=["state"]
        )
        queue.add_metric(["due"], due)
        queue.add_metric(["overdue"], overdue)
        yield queue
        targets = GaugeMetricFamily(
            "socialhub_targets", "Post targets by platform and status (all processes)", labels=["platform", "status"]
        )
        for (platform, status), n in sorted(by_status.items()):
            targets.add_metric([platform, status], n)
        yield targets
        age = GaugeMetricFamily(
            "socialhub_scheduler_heartbeat_age_seconds",
            "Seconds since each worker's last heartbeat (dead after 10 s: its leases are reclaimed)",
            labels=["worker_id", "hostname", "pid"],
        )
        for worker_id, hostname, pid, last in beats:
            last = last if last.tzinfo else last.replace(tzinfo=UTC)
            age.add_metric([worker_id, hostname, str(pid)], max(0.0, (now - last).total_seconds()))
        yield age
        outbox = GaugeMetricFamily("socialhub_outbox_depth", "Messages waiting in each outbox", labels=["outbox"])
        with _outbox_lock:
            providers = dict(_outboxes)
        for name, depth in sorted(providers.items()):
            try:
                outbox.add_metric([name], depth())
            except Exception:  # noqa: BLE001
                log.exception("metrics: outbox %s depth unavailable", name)
        yield outbox


REGISTRY.register(DatabaseCollector())


def render() -> bytes:
    """The exposition text (blocking: database queries; call it in a thread)."""
    return generate_latest(REGISTRY)
