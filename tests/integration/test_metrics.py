"""/metrics: Prometheus text with the engine's counters and the database gauges; token or localhost only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, update
from starlette.applications import Starlette
from starlette.testclient import TestClient

import tests.countingnet_adapter as cn
from services.config import reset_settings
from services.db import session_scope
from services.models import PostTarget, SchedulerHeartbeat
from services.publishing import metrics
from services.publishing.engine import PublishingEngine
from socialhub_app.routes import extra_routes
from tests.fakes.countingnet import CountingNetServer

T = PostTarget.__table__
LOCAL = ("127.0.0.1", 50123)
REMOTE = ("203.0.113.7", 50123)


def client(peer: tuple[str, int] = LOCAL) -> TestClient:
    return TestClient(Starlette(routes=extra_routes()), client=peer)


def samples(text: str) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_metrics_report_outcomes_queue_heartbeats_and_histograms(db: str) -> None:
    before = samples(metrics.render().decode())
    org = cn.seed_org()
    now = datetime.now(UTC)
    with CountingNetServer(latency=0.01) as fake:
        acc = cn.add_account(org, fake.url, external_id="m1")
        fake.behaviors["POST /api/posts"] = [None, None, 422]
        cn.bulk_schedule(org, [acc], 3, now - timedelta(seconds=1), prefix="metric")
        engine = PublishingEngine(worker_id="metrics-worker")
        try:
            await engine.run_pass(wait_seconds=20)
        finally:
            await engine.close()
    cn.bulk_schedule(org, [acc], 2, now - timedelta(seconds=5), prefix="due")
    cn.bulk_schedule(org, [acc], 1, now - timedelta(minutes=10), prefix="overdue")
    cn.bulk_schedule(org, [acc], 1, now + timedelta(hours=1), prefix="later")
    with session_scope() as session:
        session.execute(update(T).where(T.c.status == "failed").values(status="needs_review"))
        session.execute(
            insert(SchedulerHeartbeat.__table__).values(
                worker_id="w-old", hostname="host-a", pid=42, started_at=now, last_tick_at=now - timedelta(seconds=12)
            )
        )

    resp = client().get("/metrics")

    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    got = samples(resp.text)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return got.get(key, 0.0) - before.get(key, 0.0)

    assert delta("socialhub_publish_outcomes_total", platform="countingnet", outcome="published") == 2
    assert delta("socialhub_publish_outcomes_total", platform="countingnet", outcome="failed") == 1
    assert delta("socialhub_publish_latency_seconds_count", platform="countingnet") == 3
    assert delta("socialhub_publish_lateness_seconds_count") == 3
    assert got[("socialhub_queue_targets", (("state", "due"),))] == 3
    assert got[("socialhub_queue_targets", (("state", "overdue"),))] == 1
    assert got[("socialhub_targets", (("platform", "countingnet"), ("status", "published")))] == 2
    assert got[("socialhub_targets", (("platform", "countingnet"), ("status", "needs_review")))] == 1
    assert got[("socialhub_targets", (("platform", "countingnet"), ("status", "scheduled")))] == 4
    age = got[("socialhub_scheduler_heartbeat_age_seconds", (("hostname", "host-a"), ("pid", "42"), ("worker_id", "w-old")))]
    assert 11.5 <= age < 60
    assert got[("socialhub_database_up", ())] == 1
    assert "# TYPE socialhub_outbox_depth gauge" in resp.text
    assert "# TYPE socialhub_lease_reclaims_total counter" in resp.text
    assert "# TYPE socialhub_publish_retries_total counter" in resp.text


def test_an_outbox_reports_its_depth(db: str) -> None:
    metrics.register_outbox("webhooks", lambda: 7)
    try:
        assert samples(client().get("/metrics").text)[("socialhub_outbox_depth", (("outbox", "webhooks"),))] == 7
    finally:
        metrics._outboxes.pop("webhooks", None)


def test_without_a_token_only_local_unproxied_clients(db: str) -> None:
    assert client(REMOTE).get("/metrics").status_code == 403
    assert client().get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 403
    assert client(("::1", 1)).get("/metrics").status_code == 200


def test_with_a_token_a_bearer_is_required_from_anywhere(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_METRICS_TOKEN", "s3cret-token")
    reset_settings()
    assert client().get("/metrics").status_code == 401
    assert client(REMOTE).get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client(REMOTE).get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200 and "socialhub_queue_targets" in ok.text


def test_a_standalone_worker_serves_its_metrics_on_localhost(sqlite_db: str) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    from services.config import ROOT_DIR

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SOCIALHUB_SCHEDULER": "on"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.publishing.worker", "--metrics-port", str(port), "--run-for", "60"],
        cwd=ROOT_DIR,
        env=env,
    )
    try:
        deadline = time.monotonic() + 45
        text = ""
        while time.monotonic() < deadline and "socialhub_scheduler_heartbeat_age_seconds{" not in text:
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        assert "socialhub_scheduler_heartbeat_age_seconds{" in text, "the worker's own heartbeat is visible"
        assert "# TYPE socialhub_publish_lateness_seconds histogram" in text
    finally:
        proc.terminate()
        proc.wait(timeout=20)
