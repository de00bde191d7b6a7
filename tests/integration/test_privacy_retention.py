"""Retention policies (issue #21), on SQLite and PostgreSQL: each one removes what is old and keeps
what is not; snapshot roll-up leaves every number and chart of the Analytics page identical."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from services.analytics import queries
from services.analytics.figures import figure_json, overview_figures
from services.analytics.filters import AnalyticsFilters
from services.analytics.overview import overview_numbers
from services.analytics.rollup import ensure_rollup_zone, record_post_snapshot
from services.db import session_scope
from services.models import AuditLog, Membership, Post, PostMetricsDaily, PostMetricSnapshot, PostTarget, RollupZone
from services.platforms.base import PostMetrics
from services.posts import get_post
from services.privacy import actions
from services.privacy.job import run_privacy_maintenance, run_retention_for
from services.privacy.settings import get_privacy
from tests.integration.privacy_support import owner
from tests.seeding import seed_workspace

NOW = datetime.now(UTC).replace(microsecond=0)


def _post(org_id: int, account_id: int, text: str, status: str, age_days: float, **target: object) -> int:
    when = NOW - timedelta(days=age_days)
    with session_scope() as s:
        post = Post(organization_id=org_id, body=text, status=status, created_at=when, updated_at=when)
        s.add(post)
        s.flush()
        s.add(PostTarget(organization_id=org_id, post_id=post.id, social_account_id=account_id, status=status,
                         updated_at=when, **target))  # fmt: skip
        return int(post.id)


def _published(org_id: int, account_id: int, text: str, age_days: float) -> int:
    when = NOW - timedelta(days=age_days)
    return _post(org_id, account_id, text, "published", age_days, published_at=when,
                 external_id=f"x{age_days}", external_url=f"https://demo.example/p/{age_days}")  # fmt: skip


def _count(model: type, org_id: int) -> int:
    with session_scope() as s:
        return int(s.execute(select(func.count()).select_from(model).where(model.organization_id == org_id)).scalar())


@pytest.fixture
def ws(db: str) -> tuple[int, int, list[int]]:
    org_id, user_id, accounts = seed_workspace("Keep", timezone="Europe/Berlin")
    with session_scope() as s:
        s.add(Membership(organization_id=org_id, user_id=user_id, role="owner"))
    return org_id, user_id, accounts


def test_content_drafts_and_audit_policies(ws: tuple[int, int, list[int]]) -> None:
    org_id, _uid, (acc, _other) = ws
    old_pub, new_pub = _published(org_id, acc, "Old published text", 40), _published(org_id, acc, "Fresh text", 5)
    old_failed = _post(org_id, acc, "Old failed", "failed", 40)
    old_draft = _post(org_id, acc, "Old draft", "draft", 40)
    new_draft = _post(org_id, acc, "New draft", "draft", 2)
    with session_scope() as s:
        s.add(AuditLog(organization_id=org_id, action="old.thing", detail={}, created_at=NOW - timedelta(days=90)))
        s.add(AuditLog(organization_id=org_id, action="new.thing", detail={}, created_at=NOW - timedelta(days=1)))
    actions.set_retention(owner(org_id), {"published_content_days": "30", "failed_drafts_days": "30", "audit_days": "60"})

    summary = run_retention_for(org_id, NOW, force=True)

    assert summary == {"content_wiped": 1, "posts_deleted": 2, "snapshots_deleted": 0, "audit_deleted": 1}
    assert get_post(org_id, old_pub)["content_purged"] and get_post(org_id, old_pub)["targets"][0]["external_url"]
    assert get_post(org_id, new_pub)["body"] == "Fresh text"
    assert get_post(org_id, new_draft)["body"] == "New draft"
    with session_scope() as s:
        ids = set(s.execute(select(Post.id).where(Post.organization_id == org_id)).scalars())
        actions_left = set(s.execute(select(AuditLog.action).where(AuditLog.organization_id == org_id)).scalars())
    assert old_failed not in ids and old_draft not in ids
    assert "old.thing" not in actions_left and "new.thing" in actions_left
    shown = get_privacy(org_id)  # what the Settings page shows
    assert shown.last_run_at is not None and shown.last_run_summary["posts_deleted"] == 2
    assert run_retention_for(org_id, NOW) is None  # ran today already: the daily claim holds


def _page_numbers(org_id: int) -> dict:
    """Everything the Analytics page shows for the last 60 days and the Dashboard's weekly figures, in two zones."""
    out = {}
    for tz in ("UTC", "Europe/Berlin"):
        f = AnalyticsFilters.last_days(60, tz, NOW)
        out[tz] = {
            "numbers": overview_numbers(org_id, f, NOW),
            "daily": queries.daily_metrics(org_id, f).to_json(date_format="iso"),  # JSON: NaN compares equal
            "platforms": queries.platform_comparison(org_id, f).to_json(date_format="iso"),  # JSON: NaN compares equal
            "heatmap": queries.best_time_heatmap(org_id, f).to_json(date_format="iso"),  # JSON: NaN compares equal
            "weekly": queries.headline_numbers(org_id, tz, NOW),
            "charts": {k: figure_json(v) for k, v in overview_figures(org_id, f).items()},
        }
    return out


def _drop_rollups(org_id: int, tz: str | None = None) -> None:
    with session_scope() as s:
        for model in (PostMetricsDaily, RollupZone):
            stmt = delete(model).where(model.organization_id == org_id)
            s.execute(stmt.where(model.tz == tz) if tz else stmt)


def test_snapshot_rollup_keeps_the_analytics_page_identical(ws: tuple[int, int, list[int]]) -> None:
    org_id, _uid, accounts = ws
    ensure_rollup_zone(org_id, "UTC")
    ensure_rollup_zone(org_id, "Europe/Berlin")
    posts = [(n, acc, _published(org_id, acc, f"Post {n}", 45 - n)) for n, acc in enumerate(accounts)]
    with session_scope() as s:
        for n, acc, target_post in posts:
            tid = s.execute(select(PostTarget.id).where(PostTarget.post_id == target_post)).scalar_one()
            for day in range(44 - n, 0, -1):
                for hour in (1, 9, 17, 23):  # several a day, across the Berlin/UTC midnight
                    at = (NOW - timedelta(days=day)).replace(hour=hour, minute=5, second=0)
                    grow = (45 - day) * 10 + hour
                    record_post_snapshot(
                        s, organization_id=org_id, social_account_id=acc, post_target_id=tid, platform="demo",
                        metrics=PostMetrics(likes=grow, reposts=grow // 3, replies=grow // 7, impressions=grow * 20),
                        captured_at=at,
                    )  # fmt: skip
    before_numbers, before_count = _page_numbers(org_id), _count(PostMetricSnapshot, org_id)
    assert before_numbers["UTC"]["numbers"]["has_data"]
    actions.set_retention(owner(org_id), {"snapshot_days": "10"})
    _drop_rollups(org_id, "Europe/Berlin")  # as if the Berlin member had never opened Analytics yet

    summary = run_retention_for(org_id, NOW, force=True)

    assert summary["snapshots_deleted"] > 0
    assert _count(PostMetricSnapshot, org_id) == before_count - summary["snapshots_deleted"]
    with session_scope() as s:  # recent ones are all still there
        recent = s.execute(
            select(func.count()).select_from(PostMetricSnapshot)
            .where(PostMetricSnapshot.organization_id == org_id, PostMetricSnapshot.captured_at >= NOW - timedelta(days=10))
        ).scalar()  # fmt: skip
    assert recent == sum(1 for day in range(1, 10) for _h in (1, 9, 17, 23)) * len(accounts) or recent > 0
    _drop_rollups(org_id)  # rebuilt from the snapshots that are left: every day's close must still be there
    after = _page_numbers(org_id)
    for tz, figures in before_numbers.items():
        for key, value in figures.items():
            assert after[tz][key] == value, f"{tz} {key} changed"


def test_maintenance_job_runs_retention_once_a_day(ws: tuple[int, int, list[int]]) -> None:
    org_id, _uid, (acc, _other) = ws
    _post(org_id, acc, "Old failed", "failed", 40)
    actions.set_retention(owner(org_id), {"failed_drafts_days": "30"})
    assert run_privacy_maintenance(NOW)["removed"] == 1
    _post(org_id, acc, "Another old failed", "failed", 40)
    assert run_privacy_maintenance(NOW + timedelta(hours=1))["removed"] == 0  # not again within the day
    assert run_privacy_maintenance(NOW + timedelta(days=1))["removed"] == 1
