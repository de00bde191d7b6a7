"""The engine wakes for new posts: LISTEN/NOTIFY across processes on PostgreSQL, in-process on both.

The engine's safety tick never runs here and its idle sleep is an hour, so a post that goes out on
time can only have been noticed through a wake-up.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest

import tests.countingnet_adapter as cn
from services.config import ROOT_DIR
from services.db import session_scope
from services.models import Post, PostTarget
from services.publishing import timer, wakeup
from services.publishing.engine import PublishingEngine
from tests.fakes.countingnet import CountingNetServer

SCHEDULE_FROM_ANOTHER_PROCESS = """
import sys
from datetime import UTC, datetime, timedelta
import tests.countingnet_adapter as cn
from services.db import get_engine
get_engine().connect().close()  # connected before the clock starts: the post is due 1 s after this
due = datetime.now(UTC) + timedelta(seconds=float(sys.argv[3]))
cn.bulk_schedule(int(sys.argv[1]), [int(sys.argv[2])], 1, due, prefix="remote")
print(due.isoformat())
"""


@pytest.fixture
def fake() -> Iterator[CountingNetServer]:
    with CountingNetServer() as server:
        yield server


@pytest.fixture
async def idle_engine(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[PublishingEngine]:
    monkeypatch.setattr(timer, "IDLE_SLEEP_SECONDS", 3600.0)
    eng = PublishingEngine(worker_id="sleepy")
    yield eng
    await eng.close(grace_seconds=3)


async def _poll(done, seconds: float) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return
        await asyncio.sleep(0.01)


async def _wait_for_posts(fake: CountingNetServer, n: int, seconds: float) -> None:
    await _poll(lambda: len(fake.posts) >= n, seconds)
    assert len(fake.posts) >= n, f"no post after {seconds}s: {cn.target_statuses()}"


async def test_notify_from_another_process_reaches_a_listener(pg_db: str) -> None:
    got: list[datetime] = []
    ready = asyncio.Event()
    listener = asyncio.create_task(wakeup.listen_forever(pg_db, got.append, ready.set))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        org = cn.seed_org()
        acc = cn.add_account(org, "http://127.0.0.1:9")
        due = await asyncio.to_thread(_schedule_elsewhere, org, acc, 3600.0)
        await _poll(lambda: got, 5)
        assert got == [due]
    finally:
        listener.cancel()


async def test_engine_is_woken_by_notify_and_publishes_on_time(pg_db: str, fake, idle_engine) -> None:
    org = cn.seed_org()
    acc = cn.add_account(org, fake.url)
    idle_engine.start()
    await asyncio.sleep(1.0)  # the LISTEN connection is up; the clock sleeps "for an hour"
    due = await asyncio.to_thread(_schedule_elsewhere, org, acc, 1.0)
    await _wait_for_posts(fake, 1, 5)
    lateness = fake.posts[0].received_at - due.timestamp()
    assert -0.01 <= lateness < 0.5, lateness


async def test_a_post_scheduled_in_this_process_wakes_the_engine(db: str, fake, idle_engine) -> None:
    """The ORM hook: any session that commits a scheduled target wakes the engines of this process."""
    org = cn.seed_org()
    acc = cn.add_account(org, fake.url)
    idle_engine.start()
    await asyncio.sleep(0.2)
    due = datetime.now(UTC) + timedelta(seconds=0.8)
    await asyncio.to_thread(_schedule_with_the_orm, org, acc, due)
    await _wait_for_posts(fake, 1, 5)
    lateness = fake.posts[0].received_at - due.timestamp()
    assert -0.01 <= lateness < 0.5, lateness


def _schedule_elsewhere(org: int, acc: int, in_seconds: float) -> datetime:
    """Another process schedules a post due `in_seconds` after it is connected; returns the due time."""
    env = {**os.environ, "PYTHONPATH": str(ROOT_DIR)}
    done = subprocess.run(
        [sys.executable, "-c", SCHEDULE_FROM_ANOTHER_PROCESS, str(org), str(acc), str(in_seconds)],
        cwd=ROOT_DIR,
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    return datetime.fromisoformat(done.stdout.strip().splitlines()[-1])


def _schedule_with_the_orm(org: int, acc: int, due: datetime) -> None:
    with session_scope() as session:
        post = Post(organization_id=org, body="orm", status="scheduled", scheduled_at=due, timezone="UTC")
        session.add(post)
        session.flush()
        session.add(
            PostTarget(
                organization_id=org,
                post_id=post.id,
                social_account_id=acc,
                status="scheduled",
                next_attempt_at=due,
                idempotency_key="k-orm",
            )
        )


async def test_a_closed_engine_stops_listening(sqlite_db: str) -> None:
    engine = PublishingEngine(worker_id="short-lived")
    engine.start()
    assert any(cb == engine._timer.due_at for _loop, cb in wakeup._listeners)
    await engine.close()
    assert not any(cb == engine._timer.due_at for _loop, cb in wakeup._listeners)
