"""Dead-worker recovery on PostgreSQL (prints figures; not a test).

Worker A claims 200 posts (lookup-only platform: no idempotency key, so a duplicate would be a real
second post) and is killed with SIGKILL while its first requests are still at the fake platform
(they land there: the outcome is unknown to us). Prints how long after
the kill B had every post published, how many the dead worker had already sent (found by B's lookup,
not re-sent), duplicates and lost. Worker B was started before, and paused (SIGSTOP) until the kill so A holds every claim. Target: all done within 15 s of the kill, 0 duplicates.
Run: `.venv/bin/python bench/crash.py [--posts 200] [--latency 0.5]`.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The fake platform listens on loopback, which the SSRF guard refuses unless allow-listed.
os.environ.setdefault("SOCIALHUB_ALLOW_PRIVATE_HOSTS", "127.0.0.1,localhost,::1")

from bench.publish import wait_until  # noqa: E402
from tests.dbutil import create_pg_database, drop_pg_database  # noqa: E402


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "services.publishing.worker", "--import", "tests.countingnet_adapter", "--log-level", env.get("BENCH_LOG", "WARNING")],
        cwd=ROOT,
        env=env,
    )


def _count(**where: str) -> int:
    from sqlalchemy import func, select

    from services.db import session_scope
    from services.models import PostTarget

    T = PostTarget.__table__
    query = select(func.count()).select_from(T)
    for column, value in where.items():
        query = query.where(T.c[column] == value)
    with session_scope() as s:
        return s.execute(query).scalar() or 0


def _heartbeats() -> int:
    from sqlalchemy import func, select

    from services.db import session_scope
    from services.models import SchedulerHeartbeat

    with session_scope() as s:
        return s.execute(select(func.count()).select_from(SchedulerHeartbeat)).scalar() or 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.5)
    args = parser.parse_args()
    url = create_pg_database("socialhub_crash")
    data_dir = tempfile.mkdtemp(prefix="socialhub-crash-")
    os.environ.update({"DATABASE_URL": url, "SOCIALHUB_DATA_DIR": data_dir, "SOCIALHUB_SECRET_KEY": "bench-secret"})
    env = {
        **os.environ,
        "SOCIALHUB_SCHEDULER": "on",
        "SOCIALHUB_COUNTINGNET_TIMEOUT": "10",
        # One worker can hold all the posts at once (claim-ahead = 2 × concurrency).
        "SOCIALHUB_PUBLISH_CONCURRENCY": str(max(50, args.posts // 2)),
        "SOCIALHUB_PUBLISH_PER_PLATFORM": str(max(50, args.posts // 2)),
    }
    import tests.countingnet_adapter as cn
    from services.db import upgrade_database
    from tests.fakes.countingnet import CountingNetServer

    upgrade_database(url)
    try:
        with CountingNetServer(latency=args.latency) as fake:
            fake.record_requests = False
            org = cn.seed_org("Crash")
            accounts = [
                cn.add_account(org, fake.url, platform="countingnet_lookup", external_id=f"a{i}") for i in range(50)
            ]
            # B is up first, then paused (SIGSTOP) so that A claims everything; it resumes at the kill.
            worker_b = _worker(env)
            assert wait_until(lambda: _heartbeats() >= 1, 60), "worker B did not start"
            worker_b.send_signal(signal.SIGSTOP)
            worker_a = _worker(env)
            try:
                assert wait_until(lambda: _heartbeats() >= 2, 60), "worker A did not start"
                cn.bulk_schedule(org, accounts, args.posts, datetime.now(UTC), prefix="crash")
                assert wait_until(lambda: _count(status="publishing") >= args.posts, 30, 0.005), "A did not claim all"
                claimed = _count(status="publishing")
                time.sleep(args.latency / 2)  # A's first requests are at the platform, unanswered
                worker_a.send_signal(signal.SIGKILL)
                killed = time.time()
                worker_b.send_signal(signal.SIGCONT)
                worker_a.wait(timeout=10)
                sent_by_a = sum(fake.requests_by_key.values())  # POSTs that reached the platform
                done = wait_until(lambda: _count(status="published") + _count(status="needs_review") >= args.posts, 60)
                elapsed = time.time() - killed
                last_post = max(p.received_at for p in fake.posts) - killed if fake.posts else float("nan")
            finally:
                worker_b.send_signal(signal.SIGCONT)
                worker_b.send_signal(signal.SIGTERM)
                worker_b.wait(timeout=15)
                if worker_a.poll() is None:
                    worker_a.kill()
            published = _count(status="published")
            duplicates = sum(n - 1 for n in fake.created_per_text().values() if n > 1)
            print(
                f"kill -9 of a worker holding {claimed} claimed posts ({sent_by_a} already at the platform when it died, "
                f"fake latency {args.latency * 1000:.0f} ms): {'all settled' if done else 'NOT settled'} "
                f"{elapsed:.1f} s after the kill (last post reached the platform {last_post:.1f} s after it); "
                f"published {published}, needs_review {_count(status='needs_review')}, lost {args.posts - published - _count(status='needs_review')}, "
                f"duplicates {duplicates}, platform posts {len(fake.posts)}"
            )
    finally:
        drop_pg_database(url)


if __name__ == "__main__":
    main()
