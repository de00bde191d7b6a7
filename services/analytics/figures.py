"""Plotly figures for the Analytics and post detail views, built from the small query results.

Every figure wears the app's small template (services.charts) and honest axes: counts from zero in
whole numbers, rates 0–100 %, and a time series with fewer than two points is marked "Not enough
data yet" for the page to say so instead of drawing it. Figures carry only the points of the selected
range, which `AnalyticsFilters` caps at a year.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from services.accounts.catalog import platform_label
from services.analytics import queries
from services.analytics.filters import AnalyticsFilters
from services.charts import count_axis, heat_scale, not_enough, rate_axis, themed

MAX_FIGURE_BYTES = 200_000
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
POST_NOT_ENOUGH = "Not enough data yet — the second reading comes with the next metrics collection (every 30 minutes)"
_LAYOUT = {"margin": {"l": 48, "r": 16, "t": 56, "b": 40}, "height": 320, "legend": {"orientation": "h"}}


def figure_json(fig: go.Figure) -> str:
    return fig.to_json()


def _bounded(fig: go.Figure) -> go.Figure:
    """Thin line traces (every other point, last kept) until the figure's JSON fits MAX_FIGURE_BYTES.

    Ranges are capped, but accounts per workspace are not: many follower lines over a year could
    otherwise exceed what the page should ship in one state update.
    """
    for _ in range(8):
        if len(figure_json(fig).encode()) <= MAX_FIGURE_BYTES:
            break
        for trace in fig.data:
            if trace.type != "scatter" or trace.x is None or len(trace.x) < 4:
                continue
            keep = list(range(0, len(trace.x), 2))
            if keep[-1] != len(trace.x) - 1:
                keep.append(len(trace.x) - 1)
            trace.x = [trace.x[i] for i in keep]
            trace.y = [trace.y[i] for i in keep]
    return fig


def _empty(title: str) -> go.Figure:
    fig = themed(go.Figure(layout={**_LAYOUT, "title": {"text": title}}))
    fig.add_annotation(text="No data for this range yet", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return not_enough(fig, 0)


def _days(df: pd.DataFrame, column: str = "day") -> int:
    """Distinct days of a daily series: its number of points on the time axis."""
    return 0 if df.empty else int(df[column].nunique())


def _ints(values: pd.Series) -> list:
    return [None if pd.isna(v) else float(v) for v in values]


def engagement_figure(df: pd.DataFrame) -> go.Figure:
    title = "Engagement over time"
    if df.empty:
        return _empty(title)
    fig = go.Figure(layout={**_LAYOUT, "title": {"text": title}, "yaxis": {"title": {"text": "engagement"}}})
    for platform, part in df.groupby("platform", sort=True):
        fig.add_scatter(
            x=[str(d) for d in part["day"]], y=_ints(part["engagement"]), mode="lines+markers",
            name=platform_label(str(platform)),
        )
    return not_enough(count_axis(themed(_bounded(fig))), _days(df))


def rate_figure(df: pd.DataFrame) -> go.Figure:
    title = "Engagement rate<br><sup>engagement / impressions</sup>"
    known = df[df["rate"].notna()] if not df.empty else df
    if known.empty:
        return _empty(title)
    fig = go.Figure(layout={**_LAYOUT, "title": {"text": title}, "yaxis": {"tickformat": ".1%"}})
    fig.add_scatter(x=[str(d) for d in known["day"]], y=[float(r) for r in known["rate"]], mode="lines+markers")
    return not_enough(rate_axis(themed(fig)), _days(known))


def platform_figure(df: pd.DataFrame) -> go.Figure:
    title = "Platforms compared<br><sup>posts published in range</sup>"
    if df.empty:
        return _empty(title)
    fig = go.Figure(layout={**_LAYOUT, "title": {"text": title}, "barmode": "group"})
    for metric in ("likes", "reposts", "replies"):
        fig.add_bar(x=[platform_label(str(p)) for p in df["platform"]], y=_ints(df[metric]), name=metric)
    return count_axis(themed(fig))


def follower_figure(df: pd.DataFrame) -> go.Figure:
    title = "Followers"
    if df.empty:
        return _empty(title)
    fig = go.Figure(layout={**_LAYOUT, "title": {"text": title}})
    for (_, name, platform), part in df.groupby(["account_id", "account", "platform"], sort=True):
        fig.add_scatter(
            x=[str(d) for d in part["day"]], y=_ints(part["followers"]), mode="lines",
            name=f"{name} ({platform_label(str(platform))})",
        )  # fmt: skip
    return not_enough(count_axis(themed(_bounded(fig))), _days(df))


def heatmap_figure(df: pd.DataFrame, tz: str) -> go.Figure:
    title = f"Best time to post<br><sup>average engagement by publish time ({tz})</sup>"
    if df.empty or int(df["posts"].sum()) == 0:
        return not_enough(_empty(title), 0, unit="published post")
    grid = df.pivot(index="weekday", columns="hour", values="avg_engagement").reindex(index=range(7), columns=range(24))
    z = [[None if pd.isna(v) else round(float(v), 2) for v in row] for row in grid.to_numpy()]
    fig = go.Figure(layout={**_LAYOUT, "title": {"text": title}, "xaxis": {"dtick": 2}})
    fig.add_heatmap(z=z, x=list(range(24)), y=list(WEEKDAYS), hoverongaps=False)
    posts = int(df["posts"].sum())
    return not_enough(heat_scale(themed(fig)), posts, unit="published post")


def top_posts_figure(df: pd.DataFrame) -> go.Figure:
    title = "Top posts"
    if df.empty:
        return _empty(title)
    links = [
        f'<a href="{html.escape(u)}" target="_blank">open</a>' if u else "" for u in df["url"]
    ]  # plotly tables render <a> as links
    fig = go.Figure(layout={**_LAYOUT, "title": {"text": title}, "height": 120 + 28 * len(df)})
    fig.add_table(
        header={"values": ["Post", "Platform", "Account", "Engagement", "Impressions", "Link"]},
        cells={
            "values": [
                [html.escape(t) for t in df["text"]],
                list(df["platform"]),
                [html.escape(a) for a in df["account"]],
                _ints(df["engagement"]),
                _ints(df["impressions"]),
                links,
            ]  # fmt: skip
        },
    )
    return themed(fig)


def post_figure(df: pd.DataFrame) -> go.Figure:
    """Per-post detail: engagement of each of its targets over capture time."""
    title = "This post over time"
    if df.empty:
        return _empty(title)
    fig = go.Figure(layout={**_LAYOUT, "title": {"text": title}})
    for (_, platform, account), part in df.groupby(["post_target_id", "platform", "account"], sort=True):
        fig.add_scatter(
            x=[c.isoformat() for c in part["captured_at"]], y=_ints(part["engagement"]), mode="lines",
            name=f"{account} ({platform_label(str(platform))})",
        )  # fmt: skip
    captures = int(df["captured_at"].nunique())
    return not_enough(count_axis(themed(_bounded(fig))), captures, text=POST_NOT_ENOUGH)


def overview_figures(org_id: int, f: AnalyticsFilters) -> dict[str, go.Figure]:
    """Every chart of the Analytics page for these filters (the daily query runs once for two charts)."""
    daily = queries.daily_metrics(org_id, f)
    return {
        "engagement": engagement_figure(daily.drop(columns=["engaged_seen", "impressions_seen"])),
        "rate": rate_figure(queries.engagement_rate_from_daily(daily)),
        "platforms": platform_figure(queries.platform_comparison(org_id, f)),
        "followers": follower_figure(queries.follower_growth(org_id, f)),
        "heatmap": heatmap_figure(queries.best_time_heatmap(org_id, f), f.tz),
        "top_posts": top_posts_figure(queries.top_posts(org_id, f)),
    }


def post_detail_figure(org_id: int, post_id: int) -> go.Figure:
    """The chart for a post's detail view (empty-state figure for another workspace's post)."""
    return post_figure(queries.post_time_series(org_id, post_id))
