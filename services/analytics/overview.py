"""What the Analytics page, a post's detail view and the Dashboard show, in one call each.

The page needs more than the figures: the range totals it prints as numbers, the top posts as a
real table (links to the platform *and* to the composer, which a Plotly table cannot do), whether
any value shown is simulated (Demo network), and whether there is anything at all to show — an
honest empty state beats six blank charts. Each query runs once per call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import select

from services.analytics import figures, queries
from services.analytics.filters import AnalyticsFilters
from services.analytics.rollup import ensure_rollup_zone
from services.db import session_scope
from services.models import AccountMetricSnapshot, PostMetricsDaily
from services.timezones import format_local


@dataclass
class AnalyticsOverview:
    figures: dict[str, go.Figure]
    top_posts: list[dict[str, Any]]
    totals: dict[str, int | None]  # posts, engagement, impressions, followers
    simulated: bool
    has_data: bool


@dataclass
class PostAnalytics:
    figure: go.Figure
    has_data: bool
    simulated: bool
    latest: list[dict[str, Any]] = field(default_factory=list)  # one row per target: its latest counters


def _num(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _has_simulated(org_id: int, f: AnalyticsFilters) -> bool:
    """Any Demo (simulated) value in this range: post metrics by local day, follower counts by capture time."""
    daily, acc = PostMetricsDaily, AccountMetricSnapshot
    lower, upper = f.utc_bounds()
    post_conds = [daily.organization_id == org_id, daily.tz == f.tz, daily.day >= f.start, daily.day <= f.end]
    acc_conds = [acc.organization_id == org_id, acc.captured_at >= lower, acc.captured_at < upper]
    if f.account_ids:
        post_conds.append(daily.social_account_id.in_(f.account_ids))
        acc_conds.append(acc.social_account_id.in_(f.account_ids))
    if f.platforms:
        post_conds.append(daily.platform.in_(f.platforms))
        acc_conds.append(acc.platform.in_(f.platforms))
    with session_scope() as session:
        if session.execute(select(daily.id).where(*post_conds, daily.simulated.is_(True)).limit(1)).first():
            return True
        return session.execute(select(acc.id).where(*acc_conds, acc.simulated.is_(True)).limit(1)).first() is not None


def _readable(fig: go.Figure, x_range: tuple[str, str] | None = None) -> go.Figure:
    """Few points must still be visible: markers on short lines, and the x axis spans the chosen range.

    Without this a one-day range (or a post read once) draws a lone line with no visible point on an
    axis zoomed to milliseconds.
    """
    for trace in fig.data:
        if trace.type == "scatter" and trace.x is not None and len(trace.x) <= 60:
            trace.mode = "lines+markers"
    if x_range is not None and fig.data:
        fig.update_xaxes(type="date", range=list(x_range))
    return fig


def _day_span(f: AnalyticsFilters) -> tuple[str, str]:
    return (f"{f.start - timedelta(days=1)} 12:00", f"{f.end} 12:00")


def _top_post_rows(df: pd.DataFrame, tz: str) -> list[dict[str, Any]]:
    return [
        {
            "post_id": int(row.post_id),
            "platform": str(row.platform),
            "account": str(row.account),
            "text": str(row.text),
            "published": format_local(row.published_at, tz) if row.published_at is not None else "",
            "url": str(row.url or ""),
            "likes": _num(row.likes),
            "reposts": _num(row.reposts),
            "replies": _num(row.replies),
            "impressions": _num(row.impressions),
            "engagement": _num(row.engagement),
            "simulated": bool(row.simulated),
        }
        for row in df.itertuples(index=False)
    ]


def range_totals(org_id: int, f: AnalyticsFilters, now: datetime | None = None) -> dict[str, int | None]:
    """Posts published in the range and their latest engagement/impressions; followers at the range end."""
    ensure_rollup_zone(org_id, f.tz)
    return queries._period_numbers(org_id, f, now or datetime.now(UTC))


def _has_data(*frames: pd.DataFrame) -> bool:
    """Anything at all in the range: an honest empty state instead of blank charts (page and API agree)."""
    return not all(df.empty for df in frames)


def overview_numbers(org_id: int, f: AnalyticsFilters, now: datetime | None = None) -> dict[str, Any]:
    """The Analytics page's numbers without its charts (the REST API): totals, top posts, flags.

    Same queries as analytics_overview, so the API and the page can't disagree; the Plotly
    figures (the costly part) are not built.
    """
    ensure_rollup_zone(org_id, f.tz)
    daily = queries.daily_metrics(org_id, f)
    platforms = queries.platform_comparison(org_id, f)
    followers = queries.follower_growth(org_id, f)
    top = queries.top_posts(org_id, f)
    has_data = _has_data(daily, platforms, followers, top)
    return {
        "totals": range_totals(org_id, f, now),
        "top_posts": _top_post_rows(top, f.tz),
        "simulated": has_data and _has_simulated(org_id, f),
        "has_data": has_data,
    }


def analytics_overview(org_id: int, f: AnalyticsFilters, now: datetime | None = None) -> AnalyticsOverview:
    ensure_rollup_zone(org_id, f.tz)
    daily = queries.daily_metrics(org_id, f)
    platforms = queries.platform_comparison(org_id, f)
    followers = queries.follower_growth(org_id, f)
    heatmap = queries.best_time_heatmap(org_id, f)
    top = queries.top_posts(org_id, f)
    charts = {
        "engagement": _readable(
            figures.engagement_figure(daily.drop(columns=["engaged_seen", "impressions_seen"])), _day_span(f)
        ),
        "rate": _readable(figures.rate_figure(queries.engagement_rate_from_daily(daily)), _day_span(f)),
        "platforms": figures.platform_figure(platforms),
        "followers": _readable(figures.follower_figure(followers), _day_span(f)),
        "heatmap": figures.heatmap_figure(heatmap, f.tz),
    }
    has_data = _has_data(daily, platforms, followers, top)
    return AnalyticsOverview(
        figures=charts,
        top_posts=_top_post_rows(top, f.tz),
        totals=range_totals(org_id, f, now),
        simulated=has_data and _has_simulated(org_id, f),
        has_data=has_data,
    )


def _latest_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Each target's latest counters (the numbers beside a post's chart)."""
    if df.empty:
        return []
    return [
        {
            "platform": str(row.platform),
            "account": str(row.account),
            "likes": _num(row.likes),
            "reposts": _num(row.reposts),
            "replies": _num(row.replies),
            "impressions": _num(row.impressions),
            "engagement": _num(row.engagement),
            "simulated": bool(row.simulated),
        }
        for row in df.groupby("post_target_id", sort=True).tail(1).itertuples(index=False)
    ]


def post_numbers(org_id: int, post_id: int) -> dict[str, Any]:
    """A post's latest counters per target without the chart (the REST API; same query as the page)."""
    df = queries.post_time_series(org_id, post_id)
    return {
        "has_data": not df.empty,
        "simulated": bool(not df.empty and df["simulated"].astype(bool).any()),
        "targets": _latest_rows(df),
    }


def post_analytics(org_id: int, post_id: int) -> PostAnalytics:
    """A post's detail view: its chart and each target's latest counters (empty for another workspace's post)."""
    df = queries.post_time_series(org_id, post_id)
    latest = _latest_rows(df)
    span = None
    if not df.empty and df["captured_at"].min() == df["captured_at"].max():  # read once: an hour either side
        moment = df["captured_at"].min()
        span = tuple(f"{m:%Y-%m-%d %H:%M:%S}" for m in (moment - timedelta(hours=1), moment + timedelta(hours=1)))
    return PostAnalytics(
        figure=_readable(figures.post_figure(df), span),
        has_data=not df.empty,
        simulated=bool(not df.empty and df["simulated"].astype(bool).any()),
        latest=latest,
    )


def dashboard_headlines(org_id: int, tz: str, now: datetime | None = None) -> dict[str, Any]:
    """`queries.headline_numbers` plus whether the two weeks compared include simulated (Demo) metrics."""
    now = now or datetime.now(UTC)
    numbers = queries.headline_numbers(org_id, tz, now)
    return {"numbers": numbers, "simulated": _has_simulated(org_id, AnalyticsFilters.last_days(14, tz, now))}
