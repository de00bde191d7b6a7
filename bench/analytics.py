"""Analytics bench: 1,000,000 snapshots in PostgreSQL, then p50 of every dashboard query.

    .venv/bin/python bench/analytics.py [--runs 7] [--keep]

Creates its own database on 127.0.0.1:5432 (user postgres; override with SOCIALHUB_BENCH_PG),
migrates it, loads 20 accounts × 1,000 posts × 1,000 snapshots (every 30 min for ~21 days after
each post, posts spread over the last 90 days) with COPY, then prints timings and each figure's
JSON size. Target: every overview query p50 ≤ 200 ms, every figure ≤ 200 KB. Drops the database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

SERVER = os.environ.get("SOCIALHUB_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ACCOUNTS, POSTS, SNAPS_PER_POST = 20, 1000, 1000
PLATFORMS = ("x", "mastodon", "bluesky", "linkedin", "facebook", "demo")
#: which counters each platform reports (the rest stay NULL, as in production)
HAS_IMPRESSIONS = {"x", "linkedin", "facebook", "demo"}
TARGET_MS = 200.0
TARGET_BYTES = 200_000


def create_database() -> tuple[str, str]:
    name = f"socialhub_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    libpq = SERVER.rsplit("/", 1)[0] + "/" + name
    return name, libpq


def drop_database(name: str) -> None:
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load(libpq: str, now: datetime) -> dict[str, float]:
    rng = random.Random(42)
    timings: dict[str, float] = {}
    # Workspace rows through the models (their defaults follow the schema); only snapshots use COPY.
    from services.db import session_scope
    from services.models import Organization, Post, PostTarget, SocialAccount

    with session_scope() as session:
        org = Organization(name="bench")
        session.add(org)
        session.flush()
        org_id = org.id
        accounts = []
        for i in range(ACCOUNTS):
            platform = PLATFORMS[i % len(PLATFORMS)]
            acc = SocialAccount(
                organization_id=org_id, platform=platform, external_id=f"acct{i}", display_name=f"Account {i}"
            )
            session.add(acc)
            session.flush()
            accounts.append((acc.id, platform))
        targets = []
        for i in range(POSTS):
            account_id, platform = accounts[i % ACCOUNTS]
            published = now - timedelta(days=90) + timedelta(seconds=rng.uniform(0, 69 * 86400))
            post = Post(organization_id=org_id, body=f"Bench post number {i} with a little text", status="published")
            session.add(post)
            session.flush()
            target = PostTarget(
                organization_id=org_id, post_id=post.id, social_account_id=account_id, status="published",
                external_id=f"ext{i}", external_url=f"https://social.example/{platform}/{i}", published_at=published,
            )  # fmt: skip
            session.add(target)
            session.flush()
            targets.append((target.id, account_id, platform, published, rng.uniform(0.3, 3.0)))

    with psycopg.connect(libpq) as conn:
        started = time.perf_counter()
        cols = (
            "organization_id, social_account_id, post_target_id, platform, captured_at, likes, reposts, replies,"
            " impressions, reach, clicks, simulated"
        )
        # Bulk-load trick for a throwaway database: skip per-row foreign-key triggers (rows are consistent).
        conn.execute("SET session_replication_role = replica")
        with conn.cursor() as cur, cur.copy(f"COPY analytics_snapshots ({cols}) FROM STDIN") as copy:
            for target_id, account_id, platform, published, virality in targets:
                seen = platform in HAS_IMPRESSIONS
                demo = "t" if platform == "demo" else "f"
                head = f"{org_id}\t{account_id}\t{target_id}\t{platform}\t"
                lines = []
                for k in range(SNAPS_PER_POST):
                    at = (published + timedelta(minutes=5 + 30 * k)).isoformat()
                    grown = virality * (k**0.7)
                    imp = f"{int(grown * 60)}\t{int(grown * 42)}" if seen else "\\N\t\\N"
                    lines.append(f"{head}{at}\t{int(grown * 3)}\t{int(grown)}\t{int(grown / 2)}\t{imp}\t\\N\t{demo}\n")
                copy.write("".join(lines))
        conn.commit()
        timings["copy 1,000,000 snapshots"] = time.perf_counter() - started

        started = time.perf_counter()
        acc_cols = "organization_id, social_account_id, platform, captured_at, followers, simulated"
        with conn.cursor() as cur, cur.copy(f"COPY account_snapshots ({acc_cols}) FROM STDIN") as copy:
            for account_id, platform in accounts:
                base = rng.randint(100, 5000)
                for k in range(90 * 48):
                    at = now - timedelta(days=90) + timedelta(minutes=30 * k)
                    copy.write_row((org_id, account_id, platform, at, base + k // 10, platform == "demo"))
        conn.commit()
        timings[f"copy {ACCOUNTS * 90 * 48:,} follower snapshots"] = time.perf_counter() - started
        conn.execute("ANALYZE")
        conn.commit()
    timings["org_id"] = org_id
    return timings


def p50_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="do not drop the database afterwards")
    args = parser.parse_args()

    name, libpq = create_database()
    url = libpq.replace("postgresql://", "postgresql+psycopg://", 1)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SOCIALHUB_SECRET_KEY", "bench-only-secret")
    os.environ.setdefault("SOCIALHUB_DATA_DIR", str(Path("/tmp") / name))
    from services.config import reset_settings

    reset_settings()
    from services.analytics import export, figures, queries
    from services.analytics.filters import AnalyticsFilters
    from services.analytics.rollup import ensure_rollup_zone
    from services.db import engine_for, upgrade_database

    print(f"database {name}")
    try:
        started = time.perf_counter()
        upgrade_database(url)
        print(f"  migrate                                {time.perf_counter() - started:8.2f} s")
        now = datetime.now(UTC)
        loaded = load(libpq, now)
        org_id = int(loaded.pop("org_id"))
        for label, seconds in loaded.items():
            print(f"  {label:<38} {seconds:8.2f} s")
        for zone in ("UTC", "America/New_York"):
            started = time.perf_counter()
            ensure_rollup_zone(org_id, zone)
            print(f"  one-time daily rollup ({zone})".ljust(40) + f" {time.perf_counter() - started:8.2f} s")

        failures = 0
        print(f"\nquery p50 / max over {args.runs} runs (wall time in this process, ≥ server time)")
        for days in (7, 30, 90):
            f = AnalyticsFilters.last_days(days, "America/New_York", now)
            checks: dict[str, Callable[[], object]] = {
                "engagement over time": lambda f=f: queries.engagement_over_time(org_id, f),
                "engagement rate": lambda f=f: queries.engagement_rate_over_time(org_id, f),
                "platform comparison": lambda f=f: queries.platform_comparison(org_id, f),
                "follower growth": lambda f=f: queries.follower_growth(org_id, f),
                "best-time heatmap": lambda f=f: queries.best_time_heatmap(org_id, f),
                "top posts": lambda f=f: queries.top_posts(org_id, f),
            }
            for label, fn in checks.items():
                p50, worst = p50_ms(fn, args.runs)
                ok = p50 <= TARGET_MS
                failures += not ok
                print(f"  {days:>2}d {label:<24} p50 {p50:7.1f} ms  max {worst:7.1f} ms  {'ok' if ok else 'SLOW'}")
        p50, worst = p50_ms(lambda: queries.headline_numbers(org_id, "America/New_York", now), args.runs)
        failures += p50 > TARGET_MS
        print(f"  dashboard headline numbers   p50 {p50:7.1f} ms  max {worst:7.1f} ms")
        with psycopg.connect(libpq) as conn:
            some_post = conn.execute("SELECT post_id FROM post_targets ORDER BY id LIMIT 1").fetchone()[0]
        p50, worst = p50_ms(lambda: queries.post_time_series(org_id, some_post), args.runs)
        print(f"  post detail time series      p50 {p50:7.1f} ms  max {worst:7.1f} ms  (1,000 snapshots)")
        f90 = AnalyticsFilters.last_days(90, "America/New_York", now)
        p50, worst = p50_ms(lambda: export.export_csv(org_id, f90), 3)
        rows = export.export_csv(org_id, f90).count(b"\n") - 1
        print(f"  CSV export 90 days           p50 {p50:7.1f} ms  ({rows:,} rows; not an overview query)")

        print("\nfigure JSON size (90-day range)")
        built = figures.overview_figures(org_id, f90)
        built["post_detail"] = figures.post_figure(queries.post_time_series(org_id, some_post))
        for label, fig in built.items():
            size = len(figures.figure_json(fig).encode())
            failures += size > TARGET_BYTES
            print(f"  {label:<20} {size / 1024:8.1f} KB  {'ok' if size <= TARGET_BYTES else 'TOO BIG'}")
        print("\nall targets met" if not failures else f"\n{failures} target(s) missed")
        return 0 if not failures else 1
    finally:
        engine_for(url).dispose()
        if not args.keep:
            drop_database(name)
            print(f"dropped {name}")


if __name__ == "__main__":
    raise SystemExit(main())
