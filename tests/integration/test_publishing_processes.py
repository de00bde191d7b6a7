"""Real processes on one PostgreSQL: two workers never double-publish; a kill -9 mid-run loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

import tests.countingnet_adapter as cn
from services.config import ROOT_DIR, get_settings
from services.db import session_scope
from services.models import PostTarget, SchedulerHeartbeat
from tests.fakes.countingnet import CountingNetServer

pytestmark = pytest.mark.slow
T = PostTarget.__table__


def start_worker(db_url: str, data_dir: Path, **env: str) -> subprocess.Popen:
    full_env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SOCIALHUB_DATA_DIR": str(data_dir),
        "SOCIALHUB_SECRET_KEY": os.environ["SOCIALHUB_SECRET_KEY"],  # set by the pg_db fixture
        "SOCIALHUB_SCHEDULER": "on",
        "SOCIALHUB_TICK_SECONDS": "0.5",
        "SOCIALHUB_PUBLISH_LEASE_SECONDS": "2",
        "SOCIALHUB_PUBLISH_BACKOFF_BASE_SECONDS": "0.1",
        "SOCIALHUB_PUBLISH_BACKOFF_MAX_SECONDS": "0.5",
        "SOCIALHUB_COUNTINGNET_TIMEOUT": "5",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "services.publishing.worker", "--import", "tests.countingnet_adapter"],
        cwd=ROOT_DIR,
        env=full_env,
    )


def wait_for(predicate, seconds: float) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out; target states: {cn.target_statuses()}")


def settled() -> bool:
    states = cn.target_statuses()
    return not states.get("scheduled") and not states.get("publishing")


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen]]:
    procs: list[subprocess.Popen] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_two_workers_publish_every_target_exactly_once(pg_db: str, data_dir: Path, workers: list) -> None:
    with CountingNetServer(latency=0.02) as fake:
        fake.record_requests = False
        org = cn.seed_org()
        accounts = [cn.add_account(org, fake.url, external_id=f"a{i}") for i in range(20)]
        cn.bulk_schedule(org, accounts, 200, datetime.now(UTC))
        workers += [start_worker(pg_db, data_dir), start_worker(pg_db, data_dir)]
        wait_for(lambda: cn.target_statuses() == {"published": 200}, 40)
        assert len(fake.requests_by_key) == 200
        assert set(fake.requests_by_key.values()) == {1}  # no key was ever sent twice
        assert len(fake.posts) == 200
        with session_scope() as s:
            assert s.execute(select(func.count()).select_from(SchedulerHeartbeat)).scalar() == 2


def test_kill_9_mid_run_loses_and_duplicates_nothing(pg_db: str, data_dir: Path, workers: list) -> None:
    """No idempotency key here (lookup-only platform), so a duplicate would be a real second post."""
    with CountingNetServer(latency=0.1) as fake:
        fake.record_requests = False
        org = cn.seed_org()
        accounts = [
            cn.add_account(org, fake.url, platform="countingnet_lookup", external_id=f"a{i}") for i in range(50)
        ]
        cn.bulk_schedule(org, accounts, 1000, datetime.now(UTC), prefix="crash")
        env = {"SOCIALHUB_PUBLISH_PER_PLATFORM": "50"}
        first = start_worker(pg_db, data_dir, **env)
        workers.append(first)
        wait_for(lambda: len(fake.posts) >= 150, 30)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=5)
        states_at_kill = cn.target_statuses()
        assert states_at_kill.get("publishing", 0) > 0 and states_at_kill.get("scheduled", 0) > 0
        workers.append(start_worker(pg_db, data_dir, **env))
        wait_for(settled, 60)

        final = cn.target_statuses()
        assert set(final) <= {"published", "needs_review"} and sum(final.values()) == 1000  # 0 lost
        per_text = fake.created_per_text()
        assert max(per_text.values()) == 1  # 0 duplicated
        with session_scope() as s:
            rows = s.execute(select(T.c.status, T.c.external_id)).all()
        published_ids = [r.external_id for r in rows if r.status == "published"]
        assert len(set(published_ids)) == len(published_ids) == final["published"]
        assert {p.id for p in fake.posts} >= set(published_ids)


def test_settings_point_at_postgres(pg_db: str) -> None:
    assert get_settings().database_url.startswith("postgresql")
