"""Nothing slow on the engine's event loop: 50 heavy analytics requests (the real service, called the
way the Analytics page calls it — `state.heavy.run_heavy`, a process pool warmed at backend start)
while 100 posts fall due on the same loop.

Bound: the issue's targets (PostgreSQL 50 ms lone / 100 ms for a burst, SQLite 250 ms, on an idle
machine) with room for 100 posts at once — unless this machine is so busy that the same burst
*without* the flood already misses them (the test measures that control burst first); then the
flooded burst may take at most three times as long (+0.5 s). A blocked loop fails either way:
the 50 overview calls made directly on the loop take many seconds, and every post waits for them.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

import tests.countingnet_adapter as cn
from services.analytics.filters import AnalyticsFilters
from services.analytics.overview import analytics_overview
from services.publishing.engine import PublishingEngine
from state.heavy import run_heavy, warm_heavy_pool
from state.runner import run_blocking
from tests.fakes.countingnet import CountingNetServer

BOUND_SECONDS = {"postgresql": 0.5, "sqlite": 0.75}


async def _burst(fake: CountingNetServer, org: int, accounts: list[int], flood: int, prefix: str) -> list[float]:
    before = len(fake.posts)
    due = datetime.now(UTC) + timedelta(seconds=1.5)
    await run_blocking(cn.bulk_schedule, org, accounts, 100, due, prefix=prefix)
    filters = AnalyticsFilters.last_days(90, "UTC")
    started = time.monotonic()
    calls = [asyncio.create_task(run_heavy(analytics_overview, org, filters)) for _ in range(flood)]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if len(fake.posts) >= before + 100:
            break
        await asyncio.sleep(0.01)
    results = await asyncio.gather(*calls)
    assert all(r.figures for r in results)
    if flood:
        assert time.monotonic() - started > 1.5, "the flood was still running when the posts fell due"
    lateness = sorted(p.received_at - due.timestamp() for p in fake.posts[before:])
    assert len(lateness) == 100, cn.target_statuses()
    assert lateness[0] >= -0.005, "never before its time"
    return lateness


async def test_analytics_flood_does_not_delay_due_posts(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_COUNTINGNET_TIMEOUT", "30")  # a slow answer must not become an unknown outcome
    org = cn.seed_org()
    with CountingNetServer() as fake:
        fake.record_requests = False
        platforms = ("countingnet", "countingnet_lookup", "countingnet_blind")
        accounts = [cn.add_account(org, fake.url, platform=platforms[i % 3], external_id=f"f{i}") for i in range(30)]
        engine = PublishingEngine(worker_id="flood")
        engine.start()
        tries: list[tuple[list[float], list[float], float]] = []
        try:
            await warm_heavy_pool()  # as the web backend does at start
            await asyncio.sleep(0.3)
            # A second round only when the first missed: another process's burst of CPU on a shared
            # machine can hit one round, while a loop blocked by the flood misses every round.
            for attempt in range(2):
                control = await _burst(fake, org, accounts, 0, f"control{attempt}")
                flooded = await _burst(fake, org, accounts, 50, f"flood{attempt}")
                bound = max(BOUND_SECONDS["sqlite" if db.startswith("sqlite") else "postgresql"], 3 * control[-1] + 0.5)
                tries.append((control, flooded, bound))
                print(f"lateness max: control {control[-1]:.3f}s, flooded {flooded[-1]:.3f}s (bound {bound:.3f}s)")
                if flooded[-1] <= bound:
                    break
        finally:
            await engine.close()
    assert any(flooded[-1] <= bound for _c, flooded, bound in tries), "; ".join(
        f"slowest post {flooded[-1]:.3f}s late with the flood (median {flooded[50]:.3f}s), bound {bound:.3f}s; "
        f"without it {control[-1]:.3f}s (median {control[50]:.3f}s)"
        for control, flooded, bound in tries
    )
