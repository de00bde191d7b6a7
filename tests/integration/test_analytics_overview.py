"""The Analytics page's service side: overview, per-post view, headlines, workspace refresh, scheduler
wiring and the CSV download route — on SQLite and PostgreSQL, with the real Demo adapter.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette
from starlette.testclient import TestClient

from services import auth
from services.accounts import account_ref, adapter_for_account, connect_demo, load_credentials
from services.analytics.collector import analytics_job, collect_due_metrics, refresh_workspace_metrics
from services.analytics.export import CSV_COLUMNS
from services.analytics.filters import AnalyticsFilters
from services.analytics.overview import analytics_overview, dashboard_headlines, post_analytics
from services.config import reset_settings
from services.db import session_scope
from services.models import DemoPost, Membership, Post, PostMetricSnapshot, PostTarget, SocialAccount
from services.platforms.base import PublishRequest


def new_workspace() -> tuple[int, int, str]:
    """A registered user (its own workspace) and a session token for the HTTP route."""
    email = f"u-{uuid.uuid4().hex[:8]}@example.com"
    user_id = auth.register_user(email, "Owner", "correct horse battery", "UTC")
    with session_scope() as s:
        org_id = s.query(Membership).filter(Membership.user_id == user_id).one().organization_id
    return org_id, user_id, auth.login(email, "correct horse battery")


async def publish_demo(org_id: int, account_id: int, published_at: datetime, body: str = "hello") -> tuple[int, int]:
    with session_scope() as s:
        account = s.get(SocialAccount, account_id)
        s.expunge(account)
    adapter = adapter_for_account(account)
    result = await adapter.publish(load_credentials(account), account_ref(account), PublishRequest(text=body))
    with session_scope() as s:
        s.get(DemoPost, int(result.external_id)).created_at = published_at  # the network's side of "published then"
        post = Post(organization_id=org_id, body=body, status="published")
        s.add(post)
        s.flush()
        target = PostTarget(
            organization_id=org_id, post_id=post.id, social_account_id=account_id, status="published",
            external_id=result.external_id, external_url=result.url, published_at=published_at,
        )  # fmt: skip
        s.add(target)
        s.flush()
        return post.id, target.id


def snapshot_count(target_id: int) -> int:
    with session_scope() as s:
        return s.query(PostMetricSnapshot).filter(PostMetricSnapshot.post_target_id == target_id).count()


async def test_overview_is_honestly_empty_then_shows_collected_demo_metrics(db: str) -> None:
    org_id, user_id, _ = new_workspace()
    account_id = connect_demo(org_id, user_id)
    now = datetime.now(UTC)
    empty = analytics_overview(org_id, AnalyticsFilters.last_days(30, "UTC", now))
    assert not empty.has_data and not empty.simulated and empty.top_posts == []
    assert empty.totals["posts"] == 0

    post_id, _ = await publish_demo(org_id, account_id, now - timedelta(days=3), "older post")
    await publish_demo(org_id, account_id, now - timedelta(hours=2), "newer post")
    await collect_due_metrics(now=now, pause_seconds=0)

    month = analytics_overview(org_id, AnalyticsFilters.last_days(30, "UTC", now), now + timedelta(seconds=1))
    assert month.has_data and month.simulated
    assert month.totals["posts"] == 2 and month.totals["engagement"] > 0 and month.totals["followers"] > 0
    assert [p["text"] for p in month.top_posts][0] == "older post"  # 3 days of simulated growth beats 2 hours
    assert month.top_posts[0]["post_id"] == post_id and month.top_posts[0]["url"].startswith("http")
    assert all(len(fig.data) > 0 for fig in month.figures.values())

    two_days = analytics_overview(org_id, AnalyticsFilters.last_days(2, "UTC", now), now + timedelta(seconds=1))
    assert two_days.totals["posts"] == 1 and two_days.totals["engagement"] < month.totals["engagement"]

    long_ago = AnalyticsFilters(now.date() - timedelta(days=60), now.date() - timedelta(days=40), "UTC")
    assert not analytics_overview(org_id, long_ago, now).has_data


async def test_post_analytics_and_headlines_are_scoped_to_the_workspace(db: str) -> None:
    org_id, user_id, _ = new_workspace()
    other_org, _, _ = new_workspace()
    account_id = connect_demo(org_id, user_id)
    now = datetime.now(UTC)
    post_id, _ = await publish_demo(org_id, account_id, now - timedelta(days=9))
    await publish_demo(org_id, account_id, now - timedelta(days=1))
    await collect_due_metrics(now=now - timedelta(days=8), pause_seconds=0)  # last week saw the older post
    await collect_due_metrics(now=now, pause_seconds=0)

    mine = post_analytics(org_id, post_id)
    assert mine.has_data and mine.simulated and len(mine.figure.data) == 1 and len(mine.figure.data[0].x) == 2
    assert mine.latest[0]["engagement"] > 0 and mine.latest[0]["platform"] == "demo"
    theirs = post_analytics(other_org, post_id)
    assert not theirs.has_data and theirs.latest == []

    head = dashboard_headlines(org_id, "UTC", now + timedelta(seconds=1))
    assert head["simulated"] is True
    assert head["numbers"]["posts"] == {"this_week": 1, "last_week": 1, "change_pct": 0.0}
    assert dashboard_headlines(other_org, "UTC", now)["numbers"]["posts"]["this_week"] == 0


async def test_refresh_now_reads_only_this_workspace_and_not_twice_in_a_row(db: str) -> None:
    org_a, user_a, _ = new_workspace()
    org_b, user_b, _ = new_workspace()
    now = datetime.now(UTC)
    _, target_a = await publish_demo(org_a, connect_demo(org_a, user_a), now - timedelta(hours=1))
    _, target_b = await publish_demo(org_b, connect_demo(org_b, user_b), now - timedelta(hours=1))

    first = await refresh_workspace_metrics(org_a, now=now, pause_seconds=0)
    assert (first["post_snapshots"], first["account_snapshots"]) == (1, 1)
    assert (snapshot_count(target_a), snapshot_count(target_b)) == (1, 0)
    soon = await refresh_workspace_metrics(org_a, now=now + timedelta(seconds=30), pause_seconds=0)
    assert soon["post_snapshots"] == 0  # a double click does not call the platform again
    later = await refresh_workspace_metrics(org_a, now=now + timedelta(minutes=3), pause_seconds=0)
    assert later["post_snapshots"] == 1 and snapshot_count(target_a) == 2  # the regular cadence is 30 min


async def test_app_scheduler_runs_analytics_job_at_the_configured_interval(db: str, monkeypatch) -> None:
    monkeypatch.setenv("SOCIALHUB_ANALYTICS_JOB_SECONDS", "7")
    monkeypatch.setenv("SOCIALHUB_SCHEDULER", "on")
    reset_settings()
    from services.analytics.first_metrics import DEMO_FIRST_METRICS_SECONDS, collect_first_demo_metrics
    from services.scheduler import app_jobs, start_scheduler, stop_scheduler

    jobs = app_jobs()
    # the regular collection at the configured interval, and the Demo first-metrics job every few seconds
    assert jobs[:2] == [(analytics_job, 7.0), (collect_first_demo_metrics, DEMO_FIRST_METRICS_SECONDS)]
    handle = start_scheduler(extra_jobs=jobs)
    try:
        job_id, first_id, *_automation = handle.extra_job_ids  # then webhooks, alert mails, RSS feeds
        job = handle.scheduler.get_job(job_id)
        assert job.func is analytics_job and job.trigger.interval == timedelta(seconds=7)
        first = handle.scheduler.get_job(first_id)
        assert first.func is collect_first_demo_metrics
        assert first.trigger.interval == timedelta(seconds=DEMO_FIRST_METRICS_SECONDS)
    finally:
        await stop_scheduler(handle, grace_seconds=1)


async def test_csv_route_exports_the_range_for_the_logged_in_workspace_only(db: str) -> None:
    from socialhub_app.analytics_routes import analytics_routes
    from state.auth import SESSION_COOKIE

    org_id, user_id, token = new_workspace()
    _, _, stranger = new_workspace()
    now = datetime.now(UTC)
    account_id = connect_demo(org_id, user_id)
    post_id, target_id = await publish_demo(org_id, account_id, now - timedelta(hours=5))
    await collect_due_metrics(now=now, pause_seconds=0)
    today = now.date().isoformat()
    client = TestClient(Starlette(routes=analytics_routes()))
    url = f"/analytics/export.csv?start={today}&end={today}&accounts={account_id}&platforms=demo"

    client.cookies.set(SESSION_COOKIE, token)
    ok = client.get(url)
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/csv")
    assert f'filename="socialhub-analytics-{today}-to-{today}.csv"' in ok.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(ok.text)))
    assert rows[0] == list(CSV_COLUMNS) and len(rows) == 2
    assert (rows[1][1], rows[1][2], rows[1][-1]) == (str(post_id), str(target_id), "True")

    client.cookies.set(SESSION_COOKIE, stranger)
    assert len(list(csv.reader(io.StringIO(client.get(url).text)))) == 1  # header only: not their data

    client.cookies.set(SESSION_COOKIE, token)
    bad = client.get(f"/analytics/export.csv?start={today}&end=2001-01-01")
    assert bad.status_code == 400 and "start date" in bad.text
    assert client.get("/analytics/export.csv?start=yesterday&end=today").status_code == 400
    client.cookies.clear()
    assert client.get(url).status_code == 401
