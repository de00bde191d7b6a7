"""Punctuality of the publishing engine on PostgreSQL and SQLite (prints figures; not a test).

One `services.publishing.worker` process per database; this process schedules posts (so on
PostgreSQL the worker learns of them by LISTEN/NOTIFY, on SQLite from its 1 s safety tick — the
posts are scheduled ≥ 1.5 s ahead) and the CountingNet fake records when each request arrived.
- lone posts: 20 single posts, each due at a random millisecond 1.5–2.5 s ahead;
- bursts: 50 posts due at the same instant (26 accounts on 2 platforms, within the default
  per-platform and per-account limits).
Lateness = arrival at the fake − due time. Prints min / p50 / p99 lateness and first→last spread.
Run: `.venv/bin/python bench/punctuality.py [--db postgres,sqlite] [--lone 20] [--bursts 3]`.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The fake platform listens on loopback, which the SSRF guard refuses unless allow-listed.
os.environ.setdefault("SOCIALHUB_ALLOW_PRIVATE_HOSTS", "127.0.0.1,localhost,::1")

from bench.publish import pct, wait_until  # noqa: E402
from tests.dbutil import create_pg_database, drop_pg_database  # noqa: E402


def _worker(env: dict[str, str]) -> subprocess.Popen:
    profile = ["-m", "cProfile", "-o", env["BENCH_PROFILE"]] if env.get("BENCH_PROFILE") else []
    return subprocess.Popen(
        [sys.executable, *profile, "-m", "services.publishing.worker", "--import", "tests.countingnet_adapter"],
        cwd=ROOT,
        env=env,
    )


def _heartbeats() -> int:
    from sqlalchemy import func, select

    from services.db import session_scope
    from services.models import SchedulerHeartbeat

    with session_scope() as s:
        return s.execute(select(func.count()).select_from(SchedulerHeartbeat)).scalar() or 0


def _fmt(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"min {min(ms):.1f} ms, p50 {pct(ms, 50):.1f} ms, p99 {pct(ms, 99):.1f} ms, max {max(ms):.1f} ms"


def measure(label: str, url: str, lone_count: int, bursts: int) -> None:
    import tests.countingnet_adapter as cn
    from services.config import get_settings
    from services.db import engine_for, upgrade_database
    from tests.fakes.countingnet import CountingNetServer

    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    engine_for.cache_clear()
    upgrade_database(url)
    env = {**os.environ, "SOCIALHUB_SCHEDULER": "on", "SOCIALHUB_COUNTINGNET_TIMEOUT": "10"}
    with CountingNetServer(latency=0.05) as fake:
        fake.record_requests = False
        org = cn.seed_org(f"Punctuality {label}")
        # Two platforms (25 accounts): 50 posts stay within the default per-platform (25) and per-account (4) limits.
        accounts = [
            cn.add_account(org, fake.url, external_id=f"acct-{i}", platform=("countingnet", "countingnet_lookup")[i % 2])
            for i in range(26)
        ]
        proc = _worker(env)
        try:
            assert wait_until(lambda: _heartbeats() >= 1, 30), "worker did not start"
            time.sleep(1.5)
            lone: list[float] = []
            for i in range(lone_count):
                due = datetime.now(UTC) + timedelta(seconds=1.5 + random.random())
                before = len(fake.posts)
                cn.bulk_schedule(org, [accounts[i % len(accounts)]], 1, due, prefix=f"lone-{i}")
                wait_until(lambda b=before: len(fake.posts) > b, 10, 0.005)
                lone.append(fake.posts[-1].received_at - due.timestamp())
            print(f"{label}: lone post lateness ({len(lone)} posts): {_fmt(lone)}")
            for b in range(bursts):
                due = datetime.now(UTC) + timedelta(seconds=2 + random.random())
                before = len(fake.posts)
                cn.bulk_schedule(org, accounts, 50, due, prefix=f"burst-{b}")
                wait_until(lambda n=before: len(fake.posts) >= n + 50, 20, 0.01)
                arrivals = [p.received_at - due.timestamp() for p in fake.posts[before:]]
                spread = max(arrivals) - min(arrivals)
                print(
                    f"{label}: burst {b + 1}: 50 posts due at one instant: lateness {_fmt(arrivals)}; "
                    f"first→last spread {spread * 1000:.1f} ms; all started within {max(arrivals) * 1000:.1f} ms of T"
                )
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="postgres,sqlite")
    parser.add_argument("--lone", type=int, default=20)
    parser.add_argument("--bursts", type=int, default=3)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="socialhub-punctuality-")
    os.environ.update({"SOCIALHUB_DATA_DIR": data_dir, "SOCIALHUB_SECRET_KEY": "bench-secret"})
    for db in args.db.split(","):
        if db == "postgres":
            url = create_pg_database("socialhub_punct")
            try:
                measure("PostgreSQL", url, args.lone, args.bursts)
            finally:
                drop_pg_database(url)
        else:
            measure("SQLite", f"sqlite:///{data_dir}/punctuality.db", args.lone, args.bursts)


if __name__ == "__main__":
    main()
