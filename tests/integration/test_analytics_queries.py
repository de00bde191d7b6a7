"""Aggregation correctness on a small hand-computed data set, on SQLite and PostgreSQL.

Timeline (UTC, March 2026; New York is UTC-5 until DST on March 8):
  T1 mastodon/A1, post P1, published Mon 03-02 10:00
     03-02 11:00 likes 1 reposts 0 replies 0          (eng 1)
     03-02 20:00 likes 5 reposts 1 replies 2          (eng 8)   NY 15:00 03-02
     03-03 09:00 likes 7 reposts 1 replies 2          (eng 10)  NY 04:00 03-03
  T2 x/A2, post P2, published Tue 03-03 15:00
     03-03 16:00 likes 2 reposts - replies 1 impr 100 (eng 3)
     03-03 23:00 likes 4 reposts - replies 2 impr 200 (eng 6)
     03-04 01:00 all engagement unknown,    impr 250  (eng NULL) NY 20:00 03-03
  T3 x/A2, post P1, published Mon 03-02 10:00
     03-02 12:00 likes 3 reposts 0 replies 0 impr 50  (eng 3)
  T4 mastodon/A1, post P3, published 02-24 10:00; 02-25 10:00 likes 4 (eng 4)
  Another workspace has huge numbers on the same days; they must never show up.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from services.analytics import export, figures, queries
from services.analytics.filters import AnalyticsFilters
from services.analytics.rollup import record_post_snapshot
from services.analytics.sqltime import AnalyticsInputError
from services.db import session_scope
from services.models import (
    AccountMetricSnapshot,
    Organization,
    Post,
    PostMetricSnapshot,
    PostTarget,
    SocialAccount,
    User,
)
from services.platforms.base import PostMetrics


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


class Rows:
    """Inserts workspace rows directly (no services), returning ids."""

    def org(self, name: str) -> int:
        with session_scope() as s:
            org = Organization(name=name)
            s.add(org)
            s.flush()
            s.add(User(email=f"{name}@example.com", name=name, password_hash="x"))
            return org.id

    def account(self, org_id: int, platform: str, name: str) -> int:
        with session_scope() as s:
            acc = SocialAccount(organization_id=org_id, platform=platform, external_id=name, display_name=name)
            s.add(acc)
            s.flush()
            return acc.id

    def post(self, org_id: int, body: str) -> int:
        with session_scope() as s:
            post = Post(organization_id=org_id, body=body, status="published")
            s.add(post)
            s.flush()
            return post.id

    def target(self, org_id: int, post_id: int, account_id: int, published_at: datetime, ext: str) -> int:
        with session_scope() as s:
            t = PostTarget(
                organization_id=org_id, post_id=post_id, social_account_id=account_id, status="published",
                external_id=ext, external_url=f"https://social.example/{ext}", published_at=published_at,
            )  # fmt: skip
            s.add(t)
            s.flush()
            return t.id

    def snap(self, org_id: int, account_id: int, target_id: int, platform: str, when: datetime, **m: int | None):
        with session_scope() as s:
            s.add(
                PostMetricSnapshot(
                    organization_id=org_id,
                    social_account_id=account_id,
                    post_target_id=target_id,
                    platform=platform,
                    captured_at=when,
                    **m,
                )  # fmt: skip
            )

    def followers(self, org_id: int, account_id: int, platform: str, when: datetime, n: int) -> None:
        with session_scope() as s:
            s.add(
                AccountMetricSnapshot(
                    organization_id=org_id,
                    social_account_id=account_id,
                    platform=platform,
                    captured_at=when,
                    followers=n,
                )  # fmt: skip
            )


@pytest.fixture
def data(db: str) -> dict[str, int]:
    r = Rows()
    org = r.org("acme")
    a1 = r.account(org, "mastodon", "A1")
    a2 = r.account(org, "x", "A2")
    p1, p2, p3 = r.post(org, "first post"), r.post(org, "second post"), r.post(org, "older post")
    t1 = r.target(org, p1, a1, at(2, 10), "t1")
    t2 = r.target(org, p2, a2, at(3, 15), "t2")
    t3 = r.target(org, p1, a2, at(2, 10), "t3")
    t4 = r.target(org, p3, a1, at(24, 10, month=2), "t4")
    r.snap(org, a1, t1, "mastodon", at(2, 11), likes=1, reposts=0, replies=0)
    r.snap(org, a1, t1, "mastodon", at(2, 20), likes=5, reposts=1, replies=2)
    r.snap(org, a1, t1, "mastodon", at(3, 9), likes=7, reposts=1, replies=2)
    r.snap(org, a2, t2, "x", at(3, 16), likes=2, replies=1, impressions=100)
    r.snap(org, a2, t2, "x", at(3, 23), likes=4, replies=2, impressions=200)
    r.snap(org, a2, t2, "x", at(4, 1), impressions=250)
    r.snap(org, a2, t3, "x", at(2, 12), likes=3, reposts=0, replies=0, impressions=50)
    r.snap(org, a1, t4, "mastodon", at(25, 10, month=2), likes=4)
    r.followers(org, a1, "mastodon", at(25, 9, month=2), 90)
    r.followers(org, a1, "mastodon", at(2, 8), 100)
    r.followers(org, a1, "mastodon", at(2, 22), 110)
    r.followers(org, a1, "mastodon", at(3, 10), 120)
    r.followers(org, a2, "x", at(3, 1), 50)
    other = r.org("other")
    b1 = r.account(other, "mastodon", "B1")
    tb = r.target(other, r.post(other, "theirs"), b1, at(2, 10), "tb")
    r.snap(other, b1, tb, "mastodon", at(2, 12), likes=1000, reposts=1000, replies=1000, impressions=5000)
    r.followers(other, b1, "mastodon", at(2, 12), 9999)
    return {"org": org, "other": other, "a1": a1, "a2": a2, "t1": t1, "t2": t2, "t3": t3, "p1": p1}


MARCH = AnalyticsFilters(date(2026, 3, 2), date(2026, 3, 4), "UTC")


def by_day_platform(df) -> dict:  # noqa: ANN001
    return {
        (str(r.day), r.platform): (
            r.posts,
            None if r.engagement is None or r.engagement != r.engagement else r.engagement,
        )
        for r in df.itertuples()
    }


def test_engagement_over_time_is_the_sum_of_each_days_close(data: dict[str, int]) -> None:
    df = queries.engagement_over_time(data["org"], MARCH)
    assert by_day_platform(df) == {
        ("2026-03-02", "mastodon"): (1, 8),
        ("2026-03-02", "x"): (1, 3),
        ("2026-03-03", "mastodon"): (1, 10),
        ("2026-03-03", "x"): (1, 6),
        ("2026-03-04", "x"): (1, None),
    }


def test_days_are_local_days_of_the_viewer(data: dict[str, int]) -> None:
    ny = AnalyticsFilters(date(2026, 3, 2), date(2026, 3, 4), "America/New_York")
    df = queries.engagement_over_time(data["org"], ny)
    assert by_day_platform(df) == {
        ("2026-03-02", "mastodon"): (1, 8),
        ("2026-03-02", "x"): (1, 3),
        ("2026-03-03", "mastodon"): (1, 10),
        ("2026-03-03", "x"): (1, None),  # the NY day's close is the 20:00 snapshot with no engagement
    }
    impressions = {(str(r.day), r.platform): r.impressions for r in df.itertuples()}
    assert impressions[("2026-03-03", "x")] == 250


def test_filters_on_range_accounts_and_platforms(data: dict[str, int]) -> None:
    one_day = AnalyticsFilters(date(2026, 3, 3), date(2026, 3, 3), "UTC")
    assert by_day_platform(queries.engagement_over_time(data["org"], one_day)) == {
        ("2026-03-03", "mastodon"): (1, 10),
        ("2026-03-03", "x"): (1, 6),
    }
    only_a1 = AnalyticsFilters(MARCH.start, MARCH.end, "UTC", account_ids=(data["a1"],))
    assert set(queries.engagement_over_time(data["org"], only_a1)["platform"]) == {"mastodon"}
    only_x = AnalyticsFilters(MARCH.start, MARCH.end, "UTC", platforms=("x",))
    assert set(queries.engagement_over_time(data["org"], only_x)["platform"]) == {"x"}
    # another workspace's account id filters to nothing, never to its data
    foreign = AnalyticsFilters(MARCH.start, MARCH.end, "UTC", account_ids=(data["a1"],))
    assert queries.engagement_over_time(data["other"], foreign).empty


def test_other_workspace_sees_only_its_own(data: dict[str, int]) -> None:
    df = queries.engagement_over_time(data["other"], MARCH)
    assert by_day_platform(df) == {("2026-03-02", "mastodon"): (1, 3000)}


def test_engagement_rate_uses_only_rows_with_impressions(data: dict[str, int]) -> None:
    df = queries.engagement_rate_over_time(data["org"], MARCH)
    rates = {str(r.day): r.rate for r in df.itertuples()}
    assert rates["2026-03-02"] == pytest.approx(3 / 50)
    assert rates["2026-03-03"] == pytest.approx(6 / 200)
    assert rates["2026-03-04"] is None


def test_platform_comparison_uses_latest_close_of_posts_published_in_range(data: dict[str, int]) -> None:
    df = queries.platform_comparison(data["org"], MARCH)
    rows = {r.platform: r for r in df.itertuples()}
    assert (rows["mastodon"].posts, rows["mastodon"].engagement) == (1, 10)
    assert rows["mastodon"].rate is None and pd_isna(rows["mastodon"].impressions)
    assert (rows["x"].posts, rows["x"].engagement, rows["x"].impressions) == (2, 3, 300)
    assert rows["x"].rate == pytest.approx(3 / 50)
    assert rows["x"].avg_engagement == pytest.approx(1.5)
    one_day = queries.platform_comparison(data["org"], AnalyticsFilters(date(2026, 3, 3), date(2026, 3, 3)))
    assert [(r.platform, r.posts, r.engagement, r.impressions) for r in one_day.itertuples()] == [("x", 1, 6, 200)]


def pd_isna(value: object) -> bool:
    return value is None or value != value


def test_best_time_heatmap_in_user_timezone(data: dict[str, int]) -> None:
    utc = queries.best_time_heatmap(data["org"], MARCH)
    assert len(utc) == 7 * 24
    filled = utc[utc["posts"] > 0]
    assert [(r.weekday, r.hour, r.posts, r.avg_engagement) for r in filled.itertuples()] == [(0, 10, 2, 6.5)]
    ny = queries.best_time_heatmap(data["org"], AnalyticsFilters(MARCH.start, MARCH.end, "America/New_York"))
    filled = ny[ny["posts"] > 0]
    assert [(r.weekday, r.hour, r.posts, r.avg_engagement) for r in filled.itertuples()] == [(0, 5, 2, 6.5)]


def test_top_posts_with_links(data: dict[str, int]) -> None:
    df = queries.top_posts(data["org"], MARCH)
    assert [(r.post_target_id, r.engagement, r.url, r.text) for r in df.itertuples()] == [
        (data["t1"], 10, "https://social.example/t1", "first post"),
        (data["t3"], 3, "https://social.example/t3", "first post"),
    ]


def test_follower_growth_per_account_per_local_day(data: dict[str, int]) -> None:
    utc = queries.follower_growth(data["org"], MARCH)
    assert [(str(r.day), r.account, r.followers) for r in utc.itertuples()] == [
        ("2026-03-02", "A1", 110),
        ("2026-03-03", "A1", 120),
        ("2026-03-03", "A2", 50),
    ]
    ny = queries.follower_growth(data["org"], AnalyticsFilters(MARCH.start, MARCH.end, "America/New_York"))
    assert [(str(r.day), r.account, r.followers) for r in ny.itertuples()] == [
        ("2026-03-02", "A1", 110),
        ("2026-03-02", "A2", 50),
        ("2026-03-03", "A1", 120),
    ]


def test_headline_numbers_this_week_vs_last(data: dict[str, int]) -> None:
    h = queries.headline_numbers(data["org"], "UTC", now=at(4, 12))
    assert h["posts"] == {"this_week": 3, "last_week": 1, "change_pct": 200.0}
    assert h["engagement"] == {"this_week": 13, "last_week": 4, "change_pct": 225.0}
    assert h["impressions"] == {"this_week": 300, "last_week": None, "change_pct": None}
    assert h["followers"] == {"this_week": 170, "last_week": 90, "change_pct": 88.9}


def test_post_time_series_is_scoped_and_ordered(data: dict[str, int]) -> None:
    df = queries.post_time_series(data["org"], data["p1"])
    assert list(df["engagement"]) == [1, 3, 8, 10]  # T1 11:00, T3 12:00, T1 20:00, T1 next day
    assert queries.post_time_series(data["other"], data["p1"]).empty


def test_rollup_follows_new_snapshots_and_ignores_late_older_ones(data: dict[str, int]) -> None:
    org, a1, t1 = data["org"], data["a1"], data["t1"]
    queries.engagement_over_time(org, MARCH)  # registers and back-fills the UTC rollup
    with session_scope() as s:
        common = {"organization_id": org, "social_account_id": a1, "post_target_id": t1, "platform": "mastodon"}
        record_post_snapshot(s, **common, metrics=PostMetrics(likes=20, reposts=1, replies=2), captured_at=at(4, 10))
        record_post_snapshot(s, **common, metrics=PostMetrics(likes=99), captured_at=at(3, 5))  # late, older
    got = by_day_platform(queries.engagement_over_time(org, MARCH))
    assert got[("2026-03-04", "mastodon")] == (1, 23)
    assert got[("2026-03-03", "mastodon")] == (1, 10)


def test_csv_export_header_and_one_row_per_post_target_per_day(data: dict[str, int]) -> None:
    raw = export.export_csv(data["org"], MARCH)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == list(export.CSV_COLUMNS)
    assert len(rows) - 1 == 5  # T1×2 days, T2×2 days, T3×1 day
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["date"], first["platform"], first["engagement"], first["impressions"]) == (
        "2026-03-02", "mastodon", "8", ""
    )  # fmt: skip
    empty = export.export_csv(data["org"], AnalyticsFilters(date(2025, 1, 1), date(2025, 1, 2)))
    assert empty.decode().strip().splitlines() == [",".join(export.CSV_COLUMNS)]


def test_figures_are_built_and_small(data: dict[str, int]) -> None:
    built = figures.overview_figures(data["org"], MARCH)
    assert set(built) >= {"engagement", "platforms", "followers", "rate", "heatmap", "top_posts"}
    for name, fig in built.items():
        payload = figures.figure_json(fig)
        assert len(payload.encode()) <= figures.MAX_FIGURE_BYTES, name
        assert json.loads(payload)["data"], name  # every chart has data for this workspace


def test_bad_input_gives_a_human_message() -> None:
    with pytest.raises(AnalyticsInputError, match="start date"):
        AnalyticsFilters(date(2026, 3, 5), date(2026, 3, 1))
    with pytest.raises(AnalyticsInputError, match="Unknown timezone"):
        AnalyticsFilters(date(2026, 3, 1), date(2026, 3, 2), "Mars/Olympus'; drop")
    with pytest.raises(AnalyticsInputError, match="at most"):
        AnalyticsFilters(date(2024, 1, 1), date(2026, 3, 2))


def test_figures_stay_under_the_size_bound_at_the_largest_allowed_range() -> None:
    """A full year, 60 accounts, 8 platforms and a post at its point cap: every figure ≤ 200 KB."""
    import pandas as pd

    from services.analytics.filters import MAX_RANGE_DAYS
    from services.analytics.queries import POST_SERIES_MAX_POINTS

    days = [date(2025, 1, 1) + pd.Timedelta(days=i).to_pytimedelta() for i in range(MAX_RANGE_DAYS)]
    platforms = ["x", "mastodon", "bluesky", "linkedin", "facebook", "instagram", "tiktok", "demo"]
    engagement = pd.DataFrame(
        [(d, p, 12345, 123456, 1234567) for d in days for p in platforms],
        columns=["day", "platform", "posts", "engagement", "impressions"],
    )
    followers = pd.DataFrame(
        [(d, a, f"Account number {a}", "mastodon", 100000 + a) for d in days for a in range(60)],
        columns=["day", "account_id", "account", "platform", "followers"],
    )
    start = datetime(2025, 1, 1, tzinfo=UTC)
    series = pd.DataFrame(
        [
            (start + pd.Timedelta(minutes=30 * i).to_pytimedelta(), i % 4, "x", "Acct", 10**6 + i)
            for i in range(POST_SERIES_MAX_POINTS)
        ],
        columns=["captured_at", "post_target_id", "platform", "account", "engagement"],
    )
    rate = pd.DataFrame({"day": days, "rate": [0.0123456789] * len(days)})
    built = {
        "engagement": figures.engagement_figure(engagement),
        "followers": figures.follower_figure(followers),
        "post": figures.post_figure(series),
        "rate": figures.rate_figure(rate),
    }
    for name, fig in built.items():
        size = len(figures.figure_json(fig).encode())
        assert size <= figures.MAX_FIGURE_BYTES, (name, size)
        assert len(fig.data[-1].x) >= 60, name  # thinned if needed, never emptied
    assert len(built["followers"].data) == 60 and built["followers"].data[0].x[-1] == str(days[-1])
