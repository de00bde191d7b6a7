"""Publishing throughput and punctuality on PostgreSQL (prints figures; not a test).

10,000 targets due now across 100 CountingNet accounts, the fake answering each post in 50 ms,
published by 1 and then 2 `services.publishing.worker` processes on a fresh database. Prints wall
time, posts/s, the bound N×latency/concurrency, lateness p50/p99, duplicates, lost, and the p99
lateness of a lone scheduled post.  Run: `.venv/bin/python bench/publish.py [--targets N]`.
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

from tests.dbutil import create_pg_database, drop_pg_database, truncate_all  # noqa: E402


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "services.publishing.worker", "--import", "tests.countingnet_adapter"], cwd=ROOT, env=env
    )


def wait_until(predicate, seconds: float, step: float = 0.05) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def run(workers: int, targets: int, accounts: int, latency: float, url: str, env: dict[str, str]) -> dict:
    import tests.countingnet_adapter as cn
    from services.config import get_settings
    from services.models import SchedulerHeartbeat
    from tests.fakes.countingnet import CountingNetServer

    truncate_all(url)
    settings = get_settings()
    per_process = min(
        settings.publish_concurrency, settings.publish_per_platform, settings.publish_per_account * accounts
    )
    concurrency = per_process * workers
    with CountingNetServer(latency=latency) as fake:
        fake.record_requests = False
        org = cn.seed_org("Bench")
        account_ids = [cn.add_account(org, fake.url, external_id=f"acct-{i}") for i in range(accounts)]
        procs = [start_worker(env) for _ in range(workers)]
        try:
            ok = wait_until(lambda: _heartbeats(SchedulerHeartbeat) >= workers, 30)
            assert ok, "workers did not start"
            due = datetime.now(UTC)
            cn.bulk_schedule(org, account_ids, targets, due, prefix="bench")
            started = time.time()
            wait_until(lambda: len(fake.posts) >= targets and _settled(cn), 600, 0.1)
            wall = max(p.received_at for p in fake.posts) - started if fake.posts else float("nan")
            lateness = [p.received_at - due.timestamp() for p in fake.posts]
            per_key = fake.created_per_key()
            sent_per_key = fake.requests_by_key
            states = cn.target_statuses()
            duplicates = sum(n - 1 for n in sent_per_key.values() if n > 1) + sum(
                n - 1 for n in per_key.values() if n > 1
            )
            lost = targets - states.get("published", 0)

            lone = []
            for i in range(20):
                at = datetime.now(UTC) + timedelta(seconds=1 + random.random())
                cn.bulk_schedule(org, account_ids[i : i + 1], 1, at, prefix=f"lone-{i}")
                before = len(fake.posts)
                wait_until(lambda b=before: len(fake.posts) > b, 10, 0.01)
                lone.append(fake.posts[-1].received_at - at.timestamp())
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
    bound = targets * latency / concurrency
    return {
        "workers": workers,
        "wall": wall,
        "rate": targets / wall,
        "bound": bound,
        "concurrency": concurrency,
        "p50": pct(lateness, 50),
        "p99": pct(lateness, 99),
        "duplicates": duplicates,
        "lost": lost,
        "lone_p99": pct(lone, 99),
        "lone_p50": pct(lone, 50),
        "states": states,
    }


def _heartbeats(model) -> int:  # noqa: ANN001
    from sqlalchemy import func, select

    from services.db import session_scope

    with session_scope() as s:
        return s.execute(select(func.count()).select_from(model)).scalar() or 0


def _settled(cn) -> bool:  # noqa: ANN001
    states = cn.target_statuses()
    return not states.get("scheduled") and not states.get("publishing")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()

    url = create_pg_database("socialhub_bench")
    data_dir = tempfile.mkdtemp(prefix="socialhub-bench-")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SOCIALHUB_DATA_DIR": data_dir,
        "SOCIALHUB_SECRET_KEY": "bench-secret",
        "SOCIALHUB_SCHEDULER": "on",
        "SOCIALHUB_COUNTINGNET_TIMEOUT": "10",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SOCIALHUB_DATA_DIR", "SOCIALHUB_SECRET_KEY")})
    from services.config import get_settings
    from services.db import upgrade_database

    upgrade_database(url)
    s = get_settings()
    print(
        f"PostgreSQL {url.rsplit('/', 1)[1]}; {args.targets} targets, {args.accounts} accounts, fake latency "
        f"{args.latency * 1000:.0f} ms; concurrency global={s.publish_concurrency} per-platform={s.publish_per_platform} "
        f"per-account={s.publish_per_account}, tick {s.scheduler_tick_seconds}s"
    )
    try:
        for workers in [int(w) for w in args.workers.split(",")]:
            r = run(workers, args.targets, args.accounts, args.latency, url, env)
            print(
                f"workers={r['workers']}: wall {r['wall']:.2f}s, {r['rate']:.0f} posts/s, bound N×latency/concurrency = "
                f"{args.targets}×{args.latency}/{r['concurrency']} = {r['bound']:.2f}s (wall/bound {r['wall'] / r['bound']:.2f}), "
                f"lateness p50 {r['p50']:.2f}s p99 {r['p99']:.2f}s, duplicates {r['duplicates']}, lost {r['lost']}, "
                f"lone post lateness p50 {r['lone_p50']:.2f}s p99 {r['lone_p99']:.2f}s; final states {r['states']}"
            )
    finally:
        drop_pg_database(url)


if __name__ == "__main__":
    main()
