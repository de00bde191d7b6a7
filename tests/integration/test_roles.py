"""SOCIALHUB_ROLE: a web process starts no scheduler; a worker process publishes and collects metrics."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.accounts import connect_demo
from services.config import ROOT_DIR, ConfigError, get_settings, reset_settings
from services.db import session_scope
from services.models import PostMetricSnapshot, SchedulerHeartbeat
from services.posts import PostInput, get_post, save_post
from services.roles import runs_scheduler, serves_web
from tests.seeding import seed_workspace


def heartbeats() -> int:
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(SchedulerHeartbeat)).scalar_one()


@pytest.mark.parametrize(
    ("role", "scheduler", "web", "jobs"),
    [("all", "on", True, True), ("web", "on", True, False), ("worker", "on", False, True), ("all", "off", True, False)],
)
def test_role_decides_what_a_process_runs(
    monkeypatch: pytest.MonkeyPatch, role: str, scheduler: str, web: bool, jobs: bool
) -> None:
    monkeypatch.setenv("SOCIALHUB_ROLE", role)
    monkeypatch.setenv("SOCIALHUB_SCHEDULER", scheduler)
    reset_settings()
    try:
        assert (serves_web(), runs_scheduler()) == (web, jobs)
    finally:
        reset_settings()


def test_unknown_role_is_refused_with_the_accepted_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_ROLE", "both")
    reset_settings()
    try:
        with pytest.raises(ConfigError, match="web, worker, all"):
            get_settings()
    finally:
        monkeypatch.delenv("SOCIALHUB_ROLE")
        reset_settings()


@pytest.mark.parametrize("role", ["web", "all"])
async def test_web_role_lifespan_starts_no_scheduler(db: str, monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    """The app's own lifespan task, as Reflex runs it: only role=all writes a scheduler heartbeat."""
    from socialhub_app.lifespan import scheduler_lifespan

    monkeypatch.setenv("SOCIALHUB_ROLE", role)
    monkeypatch.setenv("SOCIALHUB_SCHEDULER", "on")
    reset_settings()
    async with scheduler_lifespan():
        for _ in range(40):
            if heartbeats():
                break
            await asyncio.sleep(0.1)
    assert heartbeats() == (1 if role == "all" else 0)


def test_worker_role_process_publishes_and_collects_metrics(db: str, data_dir: Path) -> None:
    org_id, user_id, _ = seed_workspace("worker", accounts=0)
    account = connect_demo(org_id, user_id)
    due = datetime.now(UTC) + timedelta(seconds=1)
    post_id = save_post(org_id, user_id, PostInput(body="from the worker", account_ids=[account], action="schedule",
                                                   scheduled_at=due))  # fmt: skip
    env = {
        **os.environ,
        "DATABASE_URL": db,
        "SOCIALHUB_DATA_DIR": str(data_dir),
        "SOCIALHUB_SECRET_KEY": os.environ["SOCIALHUB_SECRET_KEY"],
        "SOCIALHUB_ROLE": "worker",
        "SOCIALHUB_SCHEDULER": "on",
        "SOCIALHUB_ANALYTICS_JOB_SECONDS": "1",
    }
    proc = subprocess.Popen([sys.executable, "-m", "services.publishing.worker"], cwd=ROOT_DIR, env=env)
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not (get_post(org_id, post_id)["status"] == "published" and snaps()):
            assert proc.poll() is None, "worker exited"
            time.sleep(0.3)
        assert get_post(org_id, post_id)["status"] == "published"
        assert snaps() >= 1  # the analytics job runs in the worker too
        assert heartbeats() == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def snaps() -> int:
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(PostMetricSnapshot)).scalar_one()
