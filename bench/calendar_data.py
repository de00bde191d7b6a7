"""Seed one month with many posts for a user's workspace (for the calendar render benchmark).

    .venv/bin/python bench/calendar_data.py --email bench@example.com [--password ...] \
        [--year 2027 --month 1] [--count 2000] [--tz Europe/Berlin] [--delete]

Uses the app's database (DATABASE_URL / data dir, migrated first). Creates the user (and their
workspace) when the email is unknown, and two Demo accounts in that workspace when it has none.
Posts are bulk-inserted with "[bench]" at the start of their text, spread over the month at local
times between 06:00 and 22:00, statuses mixed (mostly scheduled; some published with links,
failed, needs review). Default month: next month, so "scheduled" posts are all in the future and
the scheduler does not treat them as missed. `--delete` removes this script's posts again.
Prints the workspace id, the month's UTC bounds, the insert time and the calendar_items time.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, insert, select  # noqa: E402

from services.db import session_scope, upgrade_database  # noqa: E402
from services.models import Membership, Post, PostTarget, SocialAccount, User  # noqa: E402

MARK = "[bench]"
STATUS_MIX = [("scheduled", 0.7), ("published", 0.2), ("failed", 0.05), ("needs_review", 0.05)]
P, T = Post.__table__, PostTarget.__table__


def _workspace(email: str, password: str, tz: str) -> tuple[int, int]:
    from services.auth import register_user

    with session_scope() as s:
        user = s.exec(select(User).where(User.email == email.lower())).scalars().first()
    user_id = int(user.id) if user else register_user(email, "Calendar Bench", password, tz)
    with session_scope() as s:
        org_id = s.execute(select(Membership.organization_id).where(Membership.user_id == user_id)).scalars().first()
    return int(org_id), user_id


def _accounts(org_id: int, user_id: int) -> list[int]:
    with session_scope() as s:
        ids = s.execute(select(SocialAccount.id).where(SocialAccount.organization_id == org_id)).scalars().all()
        if ids:
            return list(ids)
        rows = [
            SocialAccount(
                organization_id=org_id,
                platform="demo",
                external_id=f"bench-{uuid.uuid4().hex[:8]}",
                display_name=f"Bench demo {i + 1}",
                username=f"bench{i + 1}",
                connected_by=user_id,
            )  # fmt: skip
            for i in range(2)
        ]
        s.add_all(rows)
        s.flush()
        return [int(r.id) for r in rows]


def _status(rng: random.Random) -> str:
    roll, acc = rng.random(), 0.0
    for status, share in STATUS_MIX:
        acc += share
        if roll < acc:
            return status
    return "scheduled"


def seed(org_id: int, user_id: int, accounts: list[int], year: int, month: int, tz: str, count: int) -> None:
    from services.timezones import to_utc

    rng = random.Random(f"{org_id}-{year}-{month}")
    days = (date(year + (month == 12), month % 12 + 1, 1) - date(year, month, 1)).days
    now = datetime.now(UTC)
    posts, plans = [], []
    for i in range(count):
        local = datetime(year, month, 1 + i % days, 6 + rng.randrange(16), rng.choice((0, 15, 30, 45)))
        when, _ = to_utc(local, tz)
        status = _status(rng)
        posts.append({"organization_id": org_id, "author_id": user_id, "status": status, "scheduled_at": when,
                      "timezone": tz, "version": 1, "series_detached": False, "created_at": now, "updated_at": now,
                      "body": f"{MARK} post {i + 1}: " + rng.choice(["Launch notes", "Weekly tip", "Behind the scenes",
                                                                   "Customer story", "Event reminder"])})  # fmt: skip
        plans.append((status, rng.sample(accounts, k=rng.randint(1, len(accounts)))))
    with session_scope() as s:
        first_new = s.execute(select(P.c.id).order_by(P.c.id.desc()).limit(1)).scalar() or 0
        s.execute(insert(P), posts)
        ids = (
            s.execute(select(P.c.id).where(P.c.organization_id == org_id, P.c.id > first_new).order_by(P.c.id))
            .scalars()
            .all()
        )
        targets = []
        for post_id, post, (status, accs) in zip(ids, posts, plans, strict=True):
            for acc in accs:
                targets.append({"organization_id": org_id, "post_id": post_id, "social_account_id": acc,
                                "status": status, "attempts": 0 if status == "scheduled" else 1,
                                "next_attempt_at": post["scheduled_at"] if status == "scheduled" else None,
                                "last_error": "Bench: simulated failure" if status == "failed" else "",
                                "external_url": f"https://demo.invalid/bench/{post_id}" if status == "published" else "",
                                "published_at": post["scheduled_at"] if status == "published" else None,
                                "idempotency_key": uuid.uuid4().hex, "created_at": now, "updated_at": now})  # fmt: skip
        s.execute(insert(T), targets)


def remove(org_id: int) -> int:
    with session_scope() as s:
        ids = select(P.c.id).where(P.c.organization_id == org_id, P.c.body.like(f"{MARK}%"))
        s.execute(delete(T).where(T.c.post_id.in_(ids)))
        return s.execute(delete(P).where(P.c.organization_id == org_id, P.c.body.like(f"{MARK}%"))).rowcount


def main() -> None:
    today = date.today()
    nxt = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--email", default="bench@example.com")
    parser.add_argument("--password", default="bench-password-123")
    parser.add_argument("--year", type=int, default=nxt.year)
    parser.add_argument("--month", type=int, default=nxt.month)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--tz", default="UTC")
    parser.add_argument("--delete", action="store_true", help="remove this script's posts from the workspace")
    args = parser.parse_args()

    from services.calendar import calendar_items, month_range

    upgrade_database()
    org_id, user_id = _workspace(args.email, args.password, args.tz)
    if args.delete:
        print(f"removed {remove(org_id)} bench posts from workspace {org_id}")
        return
    accounts = _accounts(org_id, user_id)
    started = time.perf_counter()
    seed(org_id, user_id, accounts, args.year, args.month, args.tz, args.count)
    inserted = time.perf_counter() - started
    start, end = month_range(args.year, args.month, args.tz)
    timings = []
    for _ in range(5):
        t0 = time.perf_counter()
        items = calendar_items(org_id, start, end, args.tz)
        timings.append(time.perf_counter() - t0)
    print(f"user {args.email} (id {user_id}), workspace {org_id}, accounts {accounts}")
    print(f"month {args.year}-{args.month:02d} in {args.tz}: UTC {start.isoformat()} .. {end.isoformat()}")
    print(f"inserted {args.count} posts in {inserted:.2f}s; month now holds {len(items)} calendar items")
    print(f"calendar_items: best {min(timings) * 1000:.0f} ms, median {sorted(timings)[2] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
