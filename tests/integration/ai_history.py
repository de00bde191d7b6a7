"""Seed a workspace's engagement history (published targets + metric snapshots) for best-time tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.analytics.rollup import record_post_snapshot
from services.db import session_scope
from services.models import Post, PostTarget
from services.platforms.base import PostMetrics


def seed_history(org_id: int, account_id: int, platform: str, now: datetime, plan: list[tuple[int, int, int, int]]):
    """plan: (weeks_ago, weekday, hour_utc, likes) → one published post each, with one metrics snapshot."""
    with session_scope() as s:
        for i, (weeks_ago, weekday, hour, likes) in enumerate(plan):
            monday = (now - timedelta(weeks=weeks_ago)).date() - timedelta(days=now.weekday())
            when = datetime(monday.year, monday.month, monday.day, hour, 5, tzinfo=UTC) + timedelta(days=weekday)
            post = Post(organization_id=org_id, body=f"history {i}", status="published")
            s.add(post)
            s.flush()
            target = PostTarget(
                organization_id=org_id, post_id=post.id, social_account_id=account_id, status="published",
                external_id=f"h{i}-{account_id}", published_at=when,
            )  # fmt: skip
            s.add(target)
            s.flush()
            # Through the collector's own write path, so rollups of zones already in use stay current.
            record_post_snapshot(
                s, organization_id=org_id, social_account_id=account_id, post_target_id=target.id,
                platform=platform, metrics=PostMetrics(likes=likes, reposts=0, replies=0),
                captured_at=when + timedelta(hours=2),
            )  # fmt: skip


def tuesday_heavy_plan(weeks: int = 6) -> list[tuple[int, int, int, int]]:
    """Tuesdays 09:00 UTC clearly best, Thursdays 14:00 second, Saturday 20:00 third, other hours weak."""
    plan = []
    for week in range(1, weeks + 1):
        plan += [(week, 1, 9, 23), (week, 3, 14, 15), (week, 5, 20, 12), (week, 0, 7, 10), (week, 4, 17, 9)]
    return plan
