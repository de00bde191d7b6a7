"""Recovering in seconds: one 5xx, an unknown outcome, a dead worker's leases (SQLite and PostgreSQL).

The engine runs as in production — its own clock, heartbeat and a 1 s safety tick — against the
CountingNet fake, with the default retry settings (first retry 2–5 s).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import insert, select

import tests.countingnet_adapter as cn
from services.config import reset_settings
from services.db import session_scope
from services.models import PostTarget, SchedulerHeartbeat
from services.publishing import maintenance
from services.publishing.claims import claim_due_targets
from services.publishing.engine import PublishingEngine
from tests.fakes.countingnet import CountingNetServer

T = PostTarget.__table__
H = SchedulerHeartbeat.__table__


@pytest.fixture
def fake() -> Iterator[CountingNetServer]:
    with CountingNetServer(hang_seconds=1.5) as server:
        yield server


@pytest.fixture
async def engine(db: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[PublishingEngine]:
    monkeypatch.setenv("SOCIALHUB_COUNTINGNET_TIMEOUT", "0.5")
    reset_settings()
    eng = PublishingEngine(worker_id="live-worker")
    yield eng
    await eng.close(grace_seconds=3)


async def run_like_production(engine: PublishingEngine, done: Callable[[], bool], seconds: float) -> None:
    engine.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await engine.tick()
        for _ in range(10):
            await asyncio.sleep(0.1)
            if done() and engine.inflight_count == 0:
                return
    raise AssertionError(f"not done in {seconds}s: {cn.target_statuses()}")


def statuses_settled() -> bool:
    s = cn.target_statuses()
    return not s.get("scheduled") and not s.get("publishing")


async def test_one_transient_500_goes_out_within_10_seconds(engine, fake) -> None:
    org = cn.seed_org()
    acc = cn.add_account(org, fake.url, external_id="acct-1")
    due = datetime.now(UTC) + timedelta(seconds=0.5)
    fake.behaviors["POST /api/posts"] = [500]
    cn.bulk_schedule(org, [acc], 1, due)
    await run_like_production(engine, statuses_settled, 15)
    assert cn.target_statuses() == {"published": 1}
    [post] = fake.posts
    assert post.received_at - due.timestamp() < 10.0
    first, second = (r.at for r in fake.requests_to("POST", "/api/posts"))
    assert 2.0 <= second - first <= 5.5, "first retry 2–5 s after the 500"


async def test_unknown_outcome_is_resent_with_its_key_within_5_seconds(engine, fake) -> None:
    org = cn.seed_org()
    acc = cn.add_account(org, fake.url, external_id="acct-1")
    fake.behaviors["POST /api/posts"] = ["timeout"]  # the post is created, the answer never comes
    cn.bulk_schedule(org, [acc], 1, datetime.now(UTC))
    await run_like_production(engine, statuses_settled, 15)
    assert cn.target_statuses() == {"published": 1}
    first, second = fake.requests_to("POST", "/api/posts")
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert second.at - (first.at + 0.5) <= 5.0, "the idempotent re-send comes within 5 s of the timeout"
    assert len(fake.posts) == 1 and fake.created_per_key().most_common(1)[0][1] == 1


async def test_unknown_outcome_without_key_is_looked_up_within_5_seconds(engine, fake) -> None:
    org = cn.seed_org()
    acc = cn.add_account(org, fake.url, platform="countingnet_lookup", external_id="acct-1")
    fake.behaviors["POST /api/posts"] = ["timeout"]
    cn.bulk_schedule(org, [acc], 1, datetime.now(UTC))
    await run_like_production(engine, statuses_settled, 15)
    assert cn.target_statuses() == {"published": 1}
    [sent] = fake.requests_to("POST", "/api/posts")
    [lookup] = fake.requests_to("GET", "/api/posts")
    assert lookup.at - (sent.at + 0.5) <= 5.0
    assert len(fake.posts) == 1, "found by the lookup: never sent twice"


def _beat(worker_id: str, at: datetime) -> None:
    with session_scope() as session:
        session.execute(
            insert(H).values(worker_id=worker_id, hostname="h", pid=1, started_at=at, last_tick_at=at, last_error="")
        )


def test_leases_of_a_silent_worker_are_reconciled_at_once(db: str) -> None:
    """Heartbeat older than 10 s → its targets go back (key/lookup platforms) or to review (blind);
    a live worker's claims and lease-only claims (no heartbeat row) are left alone."""
    org = cn.seed_org()
    safe = cn.add_account(org, "http://127.0.0.1:9", external_id="a1")
    blind = cn.add_account(org, "http://127.0.0.1:9", platform="countingnet_blind", external_id="a2")
    now = datetime.now(UTC)
    cn.bulk_schedule(org, [safe, blind], 4, now - timedelta(seconds=1))
    _beat("dead", now - timedelta(seconds=11))
    _beat("alive", now - timedelta(seconds=2))
    claim_due_targets("dead", now, 2, 120, per_account=1)
    claim_due_targets("alive", now, 1, 120, per_account=1)
    claim_due_targets("no-heartbeat", now, 1, 120, per_account=1)

    done = maintenance.reclaim_dead_workers(now, "me")

    assert done == {"retry": 1, "needs_review": 1}
    with session_scope() as session:
        rows = session.execute(select(T.c.status, T.c.claimed_by, T.c.error_kind).order_by(T.c.id)).all()
    by_owner = {r.claimed_by: r.status for r in rows if r.claimed_by}
    assert by_owner == {"alive": "publishing", "no-heartbeat": "publishing"}
    reclaimed = sorted((r.status, r.error_kind) for r in rows if not r.claimed_by)
    assert reclaimed == [("needs_review", "unknown_outcome"), ("scheduled", "unknown_outcome")]
    assert maintenance.reclaim_dead_workers(now, "dead") == {"retry": 0, "needs_review": 0}, "never ourselves"


async def test_engine_finishes_a_dead_workers_posts_without_duplicates(engine, fake) -> None:
    org = cn.seed_org()
    accounts = [cn.add_account(org, fake.url, external_id=f"a{i}") for i in range(5)]
    now = datetime.now(UTC)
    cn.bulk_schedule(org, accounts, 20, now)
    _beat("crashed", now - timedelta(seconds=30))
    claims = claim_due_targets("crashed", now, 20, 120, per_account=4)
    assert len(claims) == 20
    # The crashed worker had sent half of them (same idempotency key) before dying.
    async with httpx.AsyncClient(base_url=fake.url) as client:
        for c in claims[:10]:
            await client.post(
                "/api/posts",
                json={"account": c.account_external_id, "text": c.text},
                headers={"authorization": "Bearer token-1", "idempotency-key": c.idempotency_key},
            )
    started = time.monotonic()
    await run_like_production(engine, statuses_settled, 40)
    # Seconds (one tick after the heartbeat went stale), not the 120 s lease: generous for a busy CI box.
    assert time.monotonic() - started < 30
    assert cn.target_statuses() == {"published": 20}
    assert len(fake.posts) == 20 and max(fake.created_per_key().values()) == 1
