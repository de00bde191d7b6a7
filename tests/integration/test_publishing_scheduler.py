"""The APScheduler wiring: a post scheduled at T goes out within ~2 s of T; heartbeat feeds /health."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

import tests.countingnet_adapter as cn
from services.config import reset_settings
from services.health import health_status
from services.posts import PostInput, get_post, save_post
from services.scheduler import start_scheduler, stop_scheduler
from tests.fakes.countingnet import CountingNetServer


async def test_scheduled_post_goes_out_on_time_and_health_reports_ticks(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALHUB_SCHEDULER", "on")
    reset_settings()
    with CountingNetServer() as fake:
        org = cn.seed_org()
        account = cn.add_account(org, fake.url)
        due = datetime.now(UTC) + timedelta(seconds=1.5)
        post_id = save_post(
            org, None, PostInput(body="on time", account_ids=[account], action="schedule", scheduled_at=due)
        )
        assert health_status()["ok"] is False
        handle = start_scheduler()
        extra_runs: list[float] = []
        handle.add_job(lambda: extra_runs.append(time.time()), 0.5)
        try:
            for _ in range(160):
                if fake.posts:
                    break
                await asyncio.sleep(0.05)
            [post] = fake.posts
            assert 0 <= post.received_at - due.timestamp() <= 2.0
            await asyncio.sleep(0.3)
            assert get_post(org, post_id)["status"] == "published"
            status = health_status()
            assert status["ok"] is True and len(status["workers"]) == 1 and status["age_seconds"] < 2
            assert extra_runs
        finally:
            await stop_scheduler(handle)
        assert health_status(datetime.now(UTC) + timedelta(seconds=31))["ok"] is False


def test_disabled_scheduler_returns_an_idle_handle(db: str) -> None:
    handle = start_scheduler()  # tests run with SOCIALHUB_SCHEDULER=off
    assert handle.running is False and handle.add_job(lambda: None, 1) is None
