"""Validate a 10,000-row posts CSV (the import's dry run) and print how long it took. Target: < 10 s.

    .venv/bin/python bench/import_posts.py [--rows 10000] [--database-url sqlite:////tmp/bench-import.db]

Builds a throwaway database (default: a fresh SQLite file; any DATABASE_URL works), a workspace
with Mastodon, Bluesky, X and Demo accounts, and a CSV whose rows mix platforms, per-platform
texts, time zones, scheduled times, drafts, library media ids and a few rows with problems.
Prints the CSV size, the read + check time, rows/second and how many rows have problems.
Nothing is imported: the dry run is what a person waits for after choosing a file.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Sydney"]


def _seed() -> int:
    from services.db import session_scope
    from services.models import MediaAsset, Organization, SocialAccount

    with session_scope() as session:
        org = Organization(name="Import bench")
        session.add(org)
        session.flush()
        accounts = [("mastodon", "alice", "https://mastodon.example"), ("bluesky", "bob.bsky.social", ""),
                    ("x", "carol", ""), ("demo", "demo", "")]  # fmt: skip
        for platform, username, instance in accounts:
            session.add(SocialAccount(organization_id=org.id, platform=platform, external_id=f"{platform}-1",
                                      username=username, display_name=username, instance_url=instance))  # fmt: skip
        for n in range(20):
            session.add(MediaAsset(organization_id=org.id, kind="image", mime_type="image/jpeg",
                                   storage_path=f"bench/{n}.jpg", size_bytes=200_000, width=1200, height=800))  # fmt: skip
        return int(org.id)  # type: ignore[arg-type]


def _csv(rows: int) -> str:
    rng = random.Random(7)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["text", "text:x", "text:bluesky", "accounts", "scheduled_at", "timezone", "media"])
    handles = ["mastodon:alice", "bluesky:@bob.bsky.social", "x:carol", "demo"]
    for n in range(rows):
        words = ["launch", "news", "#release", "https://example.com/a", "today", "Café"]
        text = f"Post {n}: " + " ".join(rng.choice(words) for _ in range(rng.randint(5, 30)))
        if n % 10 == 0:
            text += " 🎉👩‍💻"  # one row in ten has emoji (the exact, slower grapheme count)
        if n % 500 == 0:
            text = "x" * 600  # too long for X and Bluesky: a problem row
        accounts = ";".join(rng.sample(handles, rng.randint(1, 4)))
        when = "" if n % 5 == 0 else f"2031-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:30"
        media = ";".join(str(rng.randint(1, 20)) for _ in range(rng.randint(0, 2)))
        writer.writerow([text, text[:200] if n % 3 == 0 else "", "", accounts, when, rng.choice(ZONES), media])
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="socialhub-bench-import-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch}/bench.db"
    os.environ.setdefault("SOCIALHUB_DATA_DIR", scratch)
    os.environ.setdefault("SOCIALHUB_SECRET_KEY", "bench-secret-not-for-production")
    os.environ.setdefault("SOCIALHUB_SCHEDULER", "off")
    from services.db import upgrade_database
    from services.imports.csv_import import preview_import

    upgrade_database()
    org_id = _seed()
    content = _csv(args.rows)
    started = time.perf_counter()
    preview = preview_import(org_id, content, default_tz="UTC")
    elapsed = time.perf_counter() - started
    print(f"rows: {len(preview.rows):,}  csv: {len(content) / 1e6:.1f} MB  targets: "
          f"{sum(len(r.account_ids) for r in preview.rows):,}")  # fmt: skip
    print(f"dry run (read + check every row): {elapsed:.2f} s  ({len(preview.rows) / elapsed:,.0f} rows/s)")
    print(f"rows with problems: {len(preview.problem_rows):,}  (every 500th row on purpose; long random texts pass X's 280)")
    print("target < 10 s:", "met" if elapsed < 10 else "NOT met")


if __name__ == "__main__":
    main()
