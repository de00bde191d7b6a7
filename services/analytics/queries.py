"""Dashboard aggregations, computed in SQL and shaped with pandas (results are small).

Definitions (the charts and the CSV use exactly these):
- Snapshot counters are cumulative totals as the platform reports them at capture time.
- engagement = likes + reposts + replies, NULLs ignored; NULL when all three are unknown.
- Daily value of a post target = its latest snapshot captured that local day (the day's close),
  from the `analytics_daily` rollup. "Engagement over time" for day D sums the day's close of
  every target with a snapshot on D (targets not observed on D do not count that day).
- Engagement rate = engagement / impressions, summed only over rows where both are known.
- Per-post totals (platform comparison, heatmap, top posts, headline numbers) use each target's
  latest day's close up to the range end, for targets *published* inside the range.
- Follower growth: the latest follower count per account per local day.
Every function is scoped to one workspace and to the filters; nothing reads raw snapshots in bulk.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from services.analytics.filters import AnalyticsFilters
from services.analytics.rollup import ensure_rollup_zone
from services.analytics.sqltime import checked_zone, local_date, local_hour, local_weekday, prepare_session
from services.db import session_scope
from services.models import AccountMetricSnapshot, Post, PostMetricsDaily, PostMetricSnapshot, PostTarget, SocialAccount
from services.privacy.purge import NOT_STORED
from services.publishing.states import TargetStatus

Daily = PostMetricsDaily
POST_SERIES_MAX_POINTS = 2000


def engagement_of(table: Any) -> ColumnElement:
    return case(
        (and_(table.likes.is_(None), table.reposts.is_(None), table.replies.is_(None)), None),
        else_=func.coalesce(table.likes, 0) + func.coalesce(table.reposts, 0) + func.coalesce(table.replies, 0),
    )


def _scoped_daily(org_id: int, f: AnalyticsFilters) -> list[ColumnElement]:
    conds = [Daily.organization_id == org_id, Daily.tz == f.tz]
    if f.account_ids:
        conds.append(Daily.social_account_id.in_(f.account_ids))
    if f.platforms:
        conds.append(Daily.platform.in_(f.platforms))
    return conds


def _ratios(numerators: pd.Series, denominators: pd.Series) -> pd.Series:
    """a / b per row, None (not NaN, not 0) where either side is unknown or b is 0."""
    values = [
        (float(a) / float(b)) if pd.notna(a) and pd.notna(b) and b > 0 else None
        for a, b in zip(numerators, denominators, strict=True)
    ]
    return pd.Series(values, index=numerators.index, dtype=object)


def _frame(session: Session, stmt: Select, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in session.execute(stmt).all()], columns=columns)


def daily_metrics(org_id: int, f: AnalyticsFilters) -> pd.DataFrame:
    """One row per (day, platform): the day's close summed over targets (see module docstring)."""
    ensure_rollup_zone(org_id, f.tz)
    eng = engagement_of(Daily)
    both = and_(Daily.impressions.is_not(None), eng.is_not(None))
    stmt = (
        select(
            Daily.day,
            Daily.platform,
            func.count(),
            func.sum(Daily.likes),
            func.sum(Daily.reposts),
            func.sum(Daily.replies),
            func.sum(eng),
            func.sum(Daily.impressions),
            func.sum(case((both, eng), else_=None)),
            func.sum(case((both, Daily.impressions), else_=None)),
        )
        .where(*_scoped_daily(org_id, f), Daily.day >= f.start, Daily.day <= f.end)
        .group_by(Daily.day, Daily.platform)
        .order_by(Daily.day, Daily.platform)
    )
    cols = [
        "day", "platform", "posts", "likes", "reposts", "replies", "engagement", "impressions",
        "engaged_seen", "impressions_seen",
    ]  # fmt: skip
    with session_scope() as session:
        df = _frame(session, stmt, cols)
    df["day"] = pd.to_datetime(df["day"]).dt.date
    return df


def engagement_over_time(org_id: int, f: AnalyticsFilters) -> pd.DataFrame:
    """Columns: day, platform, posts, likes, reposts, replies, engagement, impressions."""
    return daily_metrics(org_id, f).drop(columns=["engaged_seen", "impressions_seen"])


def engagement_rate_over_time(org_id: int, f: AnalyticsFilters) -> pd.DataFrame:
    """Per day, all selected platforms together: engagement / impressions (None when no impressions)."""
    return engagement_rate_from_daily(daily_metrics(org_id, f))


def engagement_rate_from_daily(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=["day", "engagement", "impressions", "rate"])
    grouped = df.groupby("day", as_index=False)[["engaged_seen", "impressions_seen"]].sum(min_count=1)
    grouped = grouped.rename(columns={"engaged_seen": "engagement", "impressions_seen": "impressions"})
    grouped["rate"] = _ratios(grouped["engagement"], grouped["impressions"])
    return grouped


def _latest_per_target(org_id: int, f: AnalyticsFilters) -> Any:
    """Each target published in the range, with its last day's close up to the range end (a subquery).

    The inner aggregate is restricted to targets published in range first, then each target's
    row is fetched through the (post_target_id, tz, day) unique index.
    """
    lower, upper = f.utc_bounds()
    published_in_range = [
        PostTarget.organization_id == org_id,
        PostTarget.published_at >= lower,
        PostTarget.published_at < upper,
    ]
    last_day = (
        select(Daily.post_target_id.label("tid"), func.max(Daily.day).label("day"))
        .join(PostTarget, PostTarget.id == Daily.post_target_id)
        .where(*_scoped_daily(org_id, f), Daily.day >= f.start, Daily.day <= f.end, *published_in_range)
        .group_by(Daily.post_target_id)
        .subquery()
    )
    return (
        select(
            Daily.post_target_id,
            Daily.social_account_id,
            Daily.platform,
            Daily.likes,
            Daily.reposts,
            Daily.replies,
            Daily.impressions,
            Daily.reach,
            Daily.clicks,
            Daily.simulated,
            engagement_of(Daily).label("engagement"),
            PostTarget.post_id,
            PostTarget.published_at,
            PostTarget.external_url,
        )
        .select_from(last_day)
        .join(Daily, and_(Daily.post_target_id == last_day.c.tid, Daily.tz == f.tz, Daily.day == last_day.c.day))
        .join(PostTarget, PostTarget.id == last_day.c.tid)
        .where(Daily.organization_id == org_id, PostTarget.organization_id == org_id)
        .subquery()
    )


def platform_comparison(org_id: int, f: AnalyticsFilters) -> pd.DataFrame:
    """Per platform: posts published in range and their latest totals; rate only where impressions are known."""
    ensure_rollup_zone(org_id, f.tz)
    with session_scope() as session:
        latest = _latest_per_target(org_id, f)
        both = and_(latest.c.impressions.is_not(None), latest.c.engagement.is_not(None))
        stmt = (
            select(
                latest.c.platform,
                func.count(),
                func.sum(latest.c.likes),
                func.sum(latest.c.reposts),
                func.sum(latest.c.replies),
                func.sum(latest.c.engagement),
                func.sum(latest.c.impressions),
                func.sum(case((both, latest.c.engagement), else_=None)),
                func.sum(case((both, latest.c.impressions), else_=None)),
            )
            .group_by(latest.c.platform)
            .order_by(latest.c.platform)
        )
        cols = [
            "platform", "posts", "likes", "reposts", "replies", "engagement", "impressions",
            "engaged_seen", "impressions_seen",
        ]  # fmt: skip
        df = _frame(session, stmt, cols)
    df["avg_engagement"] = _ratios(df["engagement"], df["posts"])
    df["rate"] = _ratios(df["engaged_seen"], df["impressions_seen"])
    return df.drop(columns=["engaged_seen", "impressions_seen"])


def best_time_heatmap(org_id: int, f: AnalyticsFilters) -> pd.DataFrame:
    """7×24 grid (weekday 0=Mon, hour) of the average engagement of posts published at that local hour."""
    ensure_rollup_zone(org_id, f.tz)
    with session_scope() as session:
        dialect = prepare_session(session)
        latest = _latest_per_target(org_id, f)
        weekday = local_weekday(latest.c.published_at, f.tz, dialect).label("weekday")
        hour = local_hour(latest.c.published_at, f.tz, dialect).label("hour")
        stmt = (
            select(weekday, hour, func.count(latest.c.engagement), func.avg(latest.c.engagement))
            .where(latest.c.engagement.is_not(None))
            .group_by(weekday, hour)
        )
        found = {(int(w), int(h)): (int(n), float(a)) for w, h, n, a in session.execute(stmt).all()}
    rows = [(w, h, *found.get((w, h), (0, None))) for w in range(7) for h in range(24)]
    return pd.DataFrame(rows, columns=["weekday", "hour", "posts", "avg_engagement"])


def top_posts(org_id: int, f: AnalyticsFilters, limit: int = 10) -> pd.DataFrame:
    """The most engaging targets published in range, with the link to the post on its platform."""
    ensure_rollup_zone(org_id, f.tz)
    with session_scope() as session:
        latest = _latest_per_target(org_id, f)
        stmt = (
            select(
                latest.c.post_id,
                latest.c.post_target_id,
                latest.c.platform,
                SocialAccount.display_name,
                case((Post.content_purged_at.is_not(None), literal(NOT_STORED)), else_=Post.body),
                latest.c.published_at,
                latest.c.external_url,
                latest.c.likes,
                latest.c.reposts,
                latest.c.replies,
                latest.c.impressions,
                latest.c.engagement,
                latest.c.simulated,
            )
            .join(Post, and_(Post.id == latest.c.post_id, Post.organization_id == org_id))
            .join(SocialAccount, SocialAccount.id == latest.c.social_account_id)
            .where(latest.c.engagement.is_not(None))
            .order_by(latest.c.engagement.desc(), latest.c.post_target_id)
            .limit(max(1, min(int(limit), 100)))
        )
        cols = [
            "post_id", "post_target_id", "platform", "account", "text", "published_at", "url",
            "likes", "reposts", "replies", "impressions", "engagement", "simulated",
        ]  # fmt: skip
        df = _frame(session, stmt, cols)
    df["text"] = [(t or "")[:140] for t in df["text"]]
    return df


def follower_growth(org_id: int, f: AnalyticsFilters) -> pd.DataFrame:
    """Latest follower count per account per local day. Columns: day, account_id, account, platform, followers."""
    lower, upper = f.utc_bounds()
    acc = AccountMetricSnapshot
    with session_scope() as session:
        dialect = prepare_session(session)
        day = local_date(acc.captured_at, f.tz, dialect).label("day")
        conds = [acc.organization_id == org_id, acc.captured_at >= lower, acc.captured_at < upper]
        conds.append(acc.followers.is_not(None))
        if f.account_ids:
            conds.append(acc.social_account_id.in_(f.account_ids))
        if f.platforms:
            conds.append(acc.platform.in_(f.platforms))
        closes = (
            select(acc.social_account_id.label("aid"), day, func.max(acc.captured_at).label("at"))
            .where(*conds)
            .group_by(acc.social_account_id, day)
            .subquery()
        )
        stmt = (
            select(
                closes.c.day, closes.c.aid, SocialAccount.display_name, SocialAccount.platform, func.max(acc.followers)
            )
            .join(acc, and_(acc.social_account_id == closes.c.aid, acc.captured_at == closes.c.at))
            .join(SocialAccount, SocialAccount.id == closes.c.aid)
            .where(SocialAccount.organization_id == org_id)
            .group_by(closes.c.day, closes.c.aid, SocialAccount.display_name, SocialAccount.platform)
            .order_by(closes.c.day, closes.c.aid)
        )
        df = _frame(session, stmt, ["day", "account_id", "account", "platform", "followers"])
    df["day"] = pd.to_datetime(df["day"]).dt.date
    return df


def post_time_series(org_id: int, post_id: int) -> pd.DataFrame:
    """Every snapshot of one post's targets (for its detail view), newest POST_SERIES_MAX_POINTS at most."""
    snap = PostMetricSnapshot
    stmt = (
        select(
            snap.captured_at,
            snap.post_target_id,
            snap.platform,
            SocialAccount.display_name,
            snap.likes,
            snap.reposts,
            snap.replies,
            snap.impressions,
            snap.reach,
            snap.clicks,
            engagement_of(snap),
            snap.simulated,
        )
        .join(PostTarget, PostTarget.id == snap.post_target_id)
        .join(SocialAccount, SocialAccount.id == snap.social_account_id)
        .where(PostTarget.post_id == post_id, PostTarget.organization_id == org_id, snap.organization_id == org_id)
        .order_by(snap.captured_at.desc())
        .limit(POST_SERIES_MAX_POINTS)
    )
    cols = [
        "captured_at", "post_target_id", "platform", "account", "likes", "reposts", "replies",
        "impressions", "reach", "clicks", "engagement", "simulated",
    ]  # fmt: skip
    with session_scope() as session:
        df = _frame(session, stmt, cols)
    return df.iloc[::-1].reset_index(drop=True)


def _followers_at(session: Session, org_id: int, f: AnalyticsFilters, moment: datetime) -> int | None:
    """Sum over accounts of the last follower count captured before `moment`."""
    acc = AccountMetricSnapshot
    conds = [acc.organization_id == org_id, acc.captured_at < moment, acc.followers.is_not(None)]
    if f.account_ids:
        conds.append(acc.social_account_id.in_(f.account_ids))
    if f.platforms:
        conds.append(acc.platform.in_(f.platforms))
    last = (
        select(acc.social_account_id.label("aid"), func.max(acc.captured_at).label("at"))
        .where(*conds)
        .group_by(acc.social_account_id)
        .subquery()
    )
    per_account = (
        select(func.max(acc.followers).label("followers"))
        .join(last, and_(last.c.aid == acc.social_account_id, last.c.at == acc.captured_at))
        .where(acc.organization_id == org_id)
        .group_by(acc.social_account_id)
        .subquery()
    )
    value = session.execute(select(func.sum(per_account.c.followers))).scalar()
    return int(value) if value is not None else None


def _period_numbers(org_id: int, f: AnalyticsFilters, now: datetime) -> dict[str, int | None]:
    with session_scope() as session:
        latest = _latest_per_target(org_id, f)
        _posts_with_metrics, engagement, impressions = session.execute(
            select(func.count(), func.sum(latest.c.engagement), func.sum(latest.c.impressions))
        ).one()
        lower, upper = f.utc_bounds()
        # Posts = what went out, metrics collected or not (must agree with "published this week").
        published = select(func.count()).select_from(PostTarget).where(
            PostTarget.organization_id == org_id, PostTarget.status == TargetStatus.PUBLISHED,
            PostTarget.published_at >= lower, PostTarget.published_at < upper,
        )  # fmt: skip
        if f.account_ids:
            published = published.where(PostTarget.social_account_id.in_(f.account_ids))
        posts = session.execute(published).scalar()
        followers = _followers_at(session, org_id, f, min(upper, now))
    return {
        "posts": int(posts or 0),
        "engagement": int(engagement) if engagement is not None else None,
        "impressions": int(impressions) if impressions is not None else None,
        "followers": followers,
    }


def headline_numbers(org_id: int, tz: str = "UTC", now: datetime | None = None) -> dict[str, dict[str, Any]]:
    """The Dashboard's "this week vs last week": the last 7 local days (today included) vs the 7 before.

    Rolling weeks, not calendar weeks, so a Monday does not compare one day against seven.
    Returns {metric: {"this_week", "last_week", "change_pct"}} for posts, engagement,
    impressions and followers (followers = total at each period's end).
    """
    zone_name = checked_zone(tz)
    ensure_rollup_zone(org_id, zone_name)
    now = now or datetime.now(UTC)
    this_week = AnalyticsFilters.last_days(7, zone_name, now)
    last_week = this_week.previous_period()
    current = _period_numbers(org_id, this_week, now)
    previous = _period_numbers(org_id, last_week, now)
    out: dict[str, dict[str, Any]] = {}
    for key in ("posts", "engagement", "impressions", "followers"):
        a, b = current[key], previous[key]
        change = round((a - b) * 100.0 / b, 1) if a is not None and b else None
        out[key] = {"this_week": a, "last_week": b, "change_pct": change}
    return out


def filter_options(org_id: int) -> dict[str, list]:
    """Accounts and platforms the workspace has, for the filter controls."""
    with session_scope() as session:
        rows = session.execute(
            select(SocialAccount.id, SocialAccount.display_name, SocialAccount.platform, SocialAccount.status)
            .where(SocialAccount.organization_id == org_id)
            .order_by(SocialAccount.platform, SocialAccount.display_name)
        ).all()
    accounts = [{"id": r[0], "name": r[1], "platform": r[2], "status": r[3]} for r in rows]
    return {"accounts": accounts, "platforms": sorted({a["platform"] for a in accounts})}


__all__ = [
    "best_time_heatmap", "daily_metrics", "engagement_of", "engagement_over_time", "engagement_rate_over_time",
    "filter_options", "follower_growth", "headline_numbers", "platform_comparison", "post_time_series", "top_posts",
]  # fmt: skip
