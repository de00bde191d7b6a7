"""The engine against the CountingNet fake: exact requests, and every fault of the error taxonomy."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime

import pytest

import tests.countingnet_adapter as cn
from services.config import reset_settings
from services.posts import get_post
from services.publishing.engine import PublishingEngine
from tests.fakes.countingnet import CountingNetServer


@pytest.fixture
def fast_retries(db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOCIALHUB_PUBLISH_BACKOFF_BASE_SECONDS", "0.05")
    monkeypatch.setenv("SOCIALHUB_PUBLISH_BACKOFF_MAX_SECONDS", "0.2")
    monkeypatch.setenv("SOCIALHUB_PUBLISH_MAX_ATTEMPTS", "4")
    monkeypatch.setenv("SOCIALHUB_COUNTINGNET_TIMEOUT", "0.5")
    reset_settings()
    return db


@pytest.fixture
def fake() -> Iterator[CountingNetServer]:
    with CountingNetServer(hang_seconds=1.5) as server:
        yield server


@pytest.fixture
async def engine(fast_retries: str) -> AsyncIterator[PublishingEngine]:
    eng = PublishingEngine(worker_id="test-worker")
    yield eng
    await eng.close(grace_seconds=3)


async def run_until(engine: PublishingEngine, done: Callable[[], bool], seconds: float = 8.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await engine.tick()
        await asyncio.sleep(0.05)
        if done() and engine.inflight_count == 0:
            return
    raise AssertionError("engine did not reach the expected state in time")


def one_post(fake: CountingNetServer, platform: str = "countingnet") -> tuple[int, int, dict]:
    org = cn.seed_org()
    acc = cn.add_account(org, fake.url, platform=platform, external_id="acct-9")
    [post_id] = cn.bulk_schedule(org, [acc], 1, datetime.now(UTC), prefix="hello")
    return org, post_id, get_post(org, post_id)


def target(org: int, post_id: int) -> dict:
    return get_post(org, post_id)["targets"][0]


def settled(org: int, post_id: int) -> Callable[[], bool]:
    return lambda: target(org, post_id)["status"] not in ("scheduled", "publishing")


async def test_publishes_with_the_exact_request_and_records_the_link(engine, fake) -> None:
    org, post_id, before = one_post(fake)
    await run_until(engine, settled(org, post_id))
    [req] = fake.requests_to("POST", "/api/posts")
    assert req.json == {"account": "acct-9", "text": "hello #0"}
    assert req.headers["authorization"] == "Bearer token-1"
    assert len(req.headers["idempotency-key"]) == 32
    t = target(org, post_id)
    assert (t["status"], t["attempts"], t["external_id"]) == ("published", 1, "1")
    assert t["external_url"] == f"{fake.url}/p/1" and t["published_at"]
    assert get_post(org, post_id)["status"] == "published"


async def test_429_waits_for_retry_after(engine, fake) -> None:
    fake.behaviors["POST /api/posts"] = [("429", 1)]
    org, post_id, _ = one_post(fake)
    await run_until(engine, settled(org, post_id))
    first, second = fake.requests_to("POST", "/api/posts")
    assert second.at - first.at >= 1.0
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    t = target(org, post_id)
    assert (t["status"], t["attempts"], len(fake.posts)) == ("published", 2, 1)


async def test_500_burst_is_retried_then_gives_up_after_max_attempts(engine, fake) -> None:
    fake.behaviors["POST /api/posts"] = [500, 500]
    org, post_id, _ = one_post(fake)
    await run_until(engine, settled(org, post_id))
    assert len(fake.requests_to("POST", "/api/posts")) == 3
    assert target(org, post_id)["status"] == "published"

    fake.behaviors["POST /api/posts"] = [500] * 4
    org2, post2, _ = one_post(fake)
    await run_until(engine, settled(org2, post2))
    t = target(org2, post2)
    assert t["status"] == "failed" and t["attempts"] == 4
    assert t["last_error"] == "Gave up after 4 attempts: CountingNet: Internal server error"


async def test_permanent_error_fails_at_once_with_the_platform_message(engine, fake) -> None:
    fake.behaviors["POST /api/posts"] = [422]
    org, post_id, _ = one_post(fake)
    await run_until(engine, settled(org, post_id))
    t = target(org, post_id)
    assert (t["status"], t["attempts"], t["last_error"]) == ("failed", 1, "CountingNet: Text is too long")
    assert len(fake.requests_to("POST", "/api/posts")) == 1


async def test_timeout_with_idempotency_key_retries_with_the_same_key(engine, fake) -> None:
    fake.behaviors["POST /api/posts"] = ["timeout"]
    org, post_id, _ = one_post(fake)
    await run_until(engine, settled(org, post_id))
    keys = [r.headers["idempotency-key"] for r in fake.requests_to("POST", "/api/posts")]
    assert len(keys) == 2 and len(set(keys)) == 1
    assert len(fake.posts) == 1  # the platform deduplicated the retry
    assert target(org, post_id)["status"] == "published" and target(org, post_id)["external_id"] == "1"


async def test_timeout_without_key_looks_the_post_up_instead_of_resending(engine, fake) -> None:
    fake.behaviors["POST /api/posts"] = ["timeout"]
    org, post_id, _ = one_post(fake, platform="countingnet_lookup")
    await run_until(engine, settled(org, post_id))
    assert len(fake.requests_to("POST", "/api/posts")) == 1
    assert "idempotency-key" not in fake.requests_to("POST", "/api/posts")[0].headers
    [lookup] = fake.requests_to("GET", "/api/posts")
    assert lookup.query["account"] == ["acct-9"]
    t = target(org, post_id)
    assert (t["status"], t["external_id"], len(fake.posts)) == ("published", "1", 1)


async def test_timeout_without_key_or_lookup_goes_to_review(engine, fake) -> None:
    fake.behaviors["POST /api/posts"] = ["timeout"]
    org, post_id, _ = one_post(fake, platform="countingnet_blind")
    await run_until(engine, settled(org, post_id))
    t = target(org, post_id)
    assert t["status"] == "needs_review"
    assert t["last_error"] == "The platform may have posted this — check, then Retry or Mark as published"
    assert len(fake.requests_to("POST", "/api/posts")) == 1
    assert get_post(org, post_id)["status"] == "needs_review"


async def test_expired_token_is_refreshed_once_then_published(engine, fake) -> None:
    fake.valid_tokens = set()  # token-1 expired; refresh-1 still valid
    org, post_id, _ = one_post(fake)
    await run_until(engine, settled(org, post_id))
    posts = fake.requests_to("POST", "/api/posts")
    assert [r.headers["authorization"] for r in posts] == ["Bearer token-1", "Bearer token-r1"]
    [refresh] = fake.requests_to("POST", "/oauth/token")
    assert refresh.form == {"grant_type": "refresh_token", "refresh_token": "refresh-1"}
    assert target(org, post_id)["status"] == "published"


async def test_revoked_token_marks_the_account_and_fails_its_targets(engine, fake) -> None:
    from services.db import session_scope
    from services.models import SocialAccount

    fake.revoked = True
    org, post_id, _ = one_post(fake)
    await run_until(engine, settled(org, post_id))
    t = target(org, post_id)
    assert t["status"] == "failed" and t["error_kind"] == "auth"
    assert t["last_error"].startswith("The account needs to be reconnected")
    with session_scope() as s:
        account = s.get(SocialAccount, t["account_id"])
        assert account.status == "needs_reconnect"
    # A later post for the same account fails with the reason, without calling the platform again.
    sent = len(fake.requests_to("POST", "/api/posts"))
    [later] = cn.bulk_schedule(org, [t["account_id"]], 1, datetime.now(UTC), prefix="later")
    await run_until(engine, settled(org, later))
    assert target(org, later)["status"] == "failed" and target(org, later)["last_error"].startswith("The account needs")
    assert len(fake.requests_to("POST", "/api/posts")) == sent
