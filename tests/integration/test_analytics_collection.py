"""Collection against real adapters: the Demo network, and Mastodon over HTTP against its fake server.

Asserts snapshots are appended (never updated), unavailable metrics stay NULL, a 429 stops the
account until the platform's retry time, and accounts needing reconnect are skipped without a
single request.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.accounts import account_ref, adapter_for_account, connect_demo
from services.analytics.collector import collect_due_metrics
from services.crypto import encrypt_json
from services.db import session_scope
from services.models import (
    AccountMetricSnapshot,
    AnalyticsAccountState,
    Post,
    PostMetricSnapshot,
    PostTarget,
    SocialAccount,
)
from services.platforms.base import Credentials, PublishRequest
from tests.fakes.mastodon import MastodonFake
from tests.seeding import seed_workspace


def make_org() -> tuple[int, int]:
    org_id, user_id, _ = seed_workspace("acme", accounts=0)
    return org_id, user_id


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


# --- Mastodon over real HTTP ------------------------------------------------------------


@pytest.fixture(scope="module")
def mastodon_server() -> Iterator[MastodonFake]:
    with MastodonFake() as server:
        yield server


@pytest.fixture
def fake(mastodon_server: MastodonFake) -> MastodonFake:
    mastodon_server.recorded.clear()
    mastodon_server.behaviors.clear()
    mastodon_server.statuses.clear()
    return mastodon_server


def add_status(fake: MastodonFake, status_id: str) -> str:
    fake.statuses[status_id] = {
        "id": status_id, "created_at": "2026-03-02T10:00:00.000Z", "content": "<p>hello</p>",
        "visibility": "public", "media_ids": [],
    }  # fmt: skip
    return status_id


def mastodon_account(org_id: int, fake: MastodonFake) -> tuple[int, str]:
    token = fake.grant()
    with session_scope() as s:
        acc = SocialAccount(
            organization_id=org_id, platform="mastodon", instance_url=fake.url, external_id=fake.account["id"],
            display_name="Alice", username="alice", token_blob=encrypt_json(Credentials(access_token=token).to_dict()),
        )  # fmt: skip
        s.add(acc)
        s.flush()
        return acc.id, token


def api_calls(fake: MastodonFake) -> list[tuple[str, str, str]]:
    return [(r.method, r.path, r.headers.get("authorization", "")) for r in fake.recorded]


async def test_mastodon_counts_collected_and_missing_metrics_stay_null(db: str, fake: MastodonFake) -> None:
    org_id, _ = make_org()
    account_id, token = mastodon_account(org_id, fake)
    sid = add_status(fake, "112000000000000001")
    target_id = published_target(org_id, account_id, sid, datetime.now(UTC) - timedelta(hours=1))

    report = await collect_due_metrics(now=datetime.now(UTC), pause_seconds=0)

    assert api_calls(fake) == [
        ("GET", f"/api/v1/statuses/{sid}", f"Bearer {token}"),
        ("GET", "/api/v1/accounts/verify_credentials", f"Bearer {token}"),
    ]
    [snap] = snapshots(target_id)
    assert (snap.likes, snap.reposts, snap.replies) == (25, 6, 4)
    assert (snap.impressions, snap.reach, snap.clicks) == (None, None, None)  # Mastodon has no such counts
    assert snap.simulated is False and snap.organization_id == org_id and snap.platform == "mastodon"
    [followers] = follower_rows(account_id)
    assert followers.followers == 321
    assert report["post_snapshots"] == 1 and report["errors"] == {}


async def test_429_stops_the_account_until_the_platforms_reset(db: str, fake: MastodonFake) -> None:
    org_id, _ = make_org()
    account_id, _ = mastodon_account(org_id, fake)
    first, second = add_status(fake, "112000000000000011"), add_status(fake, "112000000000000012")
    t_first = published_target(org_id, account_id, first, datetime.now(UTC) - timedelta(hours=2))
    t_second = published_target(org_id, account_id, second, datetime.now(UTC) - timedelta(hours=1))
    fake.behaviors[f"GET /api/v1/statuses/{first}"] = [429]
    t0 = datetime.now(UTC)

    report = await collect_due_metrics(now=t0, pause_seconds=0)
    assert [r.path for r in fake.recorded] == [f"/api/v1/statuses/{first}"]  # nothing more once limited
    until = backoff_of(account_id)
    assert until is not None and t0 + timedelta(minutes=4) < until <= t0 + timedelta(minutes=6)  # X-RateLimit-Reset
    assert report["rate_limited"] == {account_id: until.isoformat()}

    fake.recorded.clear()
    waiting = await collect_due_metrics(now=t0 + timedelta(minutes=2), pause_seconds=0)
    assert fake.recorded == [] and account_id in waiting["backing_off"]

    later = await collect_due_metrics(now=t0 + timedelta(minutes=6), pause_seconds=0)
    assert later["post_snapshots"] == 2 and backoff_of(account_id) is None
    assert len(snapshots(t_first)) == 1 and len(snapshots(t_second)) == 1


async def test_revoked_token_flags_reconnect_once_then_skips(db: str, fake: MastodonFake) -> None:
    org_id, _ = make_org()
    account_id, token = mastodon_account(org_id, fake)
    target_id = published_target(org_id, account_id, add_status(fake, "112000000000000021"), datetime.now(UTC))
    fake.tokens.pop(token)  # the user revoked our access on the instance
    t0 = datetime.now(UTC)

    report = await collect_due_metrics(now=t0, pause_seconds=0)
    assert report["flagged_needs_reconnect"] == [account_id] and snapshots(target_id) == []
    with session_scope() as s:
        assert s.get(SocialAccount, account_id).status == "needs_reconnect"

    fake.recorded.clear()
    for minutes in (31, 62):
        again = await collect_due_metrics(now=t0 + timedelta(minutes=minutes), pause_seconds=0)
        assert again["skipped_needs_reconnect"] == [account_id]
    assert fake.recorded == []  # never retried in a loop


async def test_deleted_post_is_reported_and_the_rest_still_collected(db: str, fake: MastodonFake) -> None:
    org_id, _ = make_org()
    account_id, _ = mastodon_account(org_id, fake)
    gone = published_target(org_id, account_id, "112000000000000031", datetime.now(UTC) - timedelta(hours=2))
    alive = published_target(org_id, account_id, add_status(fake, "112000000000000032"), datetime.now(UTC))

    report = await collect_due_metrics(now=datetime.now(UTC), pause_seconds=0)
    assert set(report["errors"]) == {f"target {gone}"}
    assert snapshots(gone) == [] and len(snapshots(alive)) == 1 and report["account_snapshots"] == 1
