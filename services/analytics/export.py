"""CSV export of what the Analytics page shows: one row per post target per local day.

A post published to three accounts is three rows a day (each network counts separately); the
`post_id` column ties them together. Values are the day's close, exactly as charted.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, select

from services.analytics.filters import AnalyticsFilters
from services.analytics.queries import Daily, engagement_of
from services.analytics.rollup import ensure_rollup_zone
from services.db import session_scope
from services.models import PostTarget, SocialAccount
from services.security.csv_safety import safe_frame

CSV_COLUMNS = (
    "date", "post_id", "post_target_id", "platform", "account", "published_at", "url",
    "likes", "reposts", "replies", "impressions", "reach", "clicks", "engagement", "simulated",
)  # fmt: skip
_COUNTS = ("likes", "reposts", "replies", "impressions", "reach", "clicks", "engagement")


def export_frame(org_id: int, f: AnalyticsFilters) -> pd.DataFrame:
    ensure_rollup_zone(org_id, f.tz)
    conds = [Daily.organization_id == org_id, Daily.tz == f.tz, Daily.day >= f.start, Daily.day <= f.end]
    if f.account_ids:
        conds.append(Daily.social_account_id.in_(f.account_ids))
    if f.platforms:
        conds.append(Daily.platform.in_(f.platforms))
    stmt = (
        select(
            Daily.day,
            PostTarget.post_id,
            Daily.post_target_id,
            Daily.platform,
            SocialAccount.display_name,
            PostTarget.published_at,
            PostTarget.external_url,
            Daily.likes,
            Daily.reposts,
            Daily.replies,
            Daily.impressions,
            Daily.reach,
            Daily.clicks,
            engagement_of(Daily),
            Daily.simulated,
        )  # fmt: skip
        .join(PostTarget, and_(PostTarget.id == Daily.post_target_id, PostTarget.organization_id == org_id))
        .join(SocialAccount, SocialAccount.id == Daily.social_account_id)
        .where(*conds)
        .order_by(Daily.day, PostTarget.post_id, Daily.post_target_id)
    )
    with session_scope() as session:
        rows = [tuple(r) for r in session.execute(stmt).all()]
    df = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    df["date"] = pd.to_datetime(df["date"]).dt.strftime("%Y-%m-%d")
    df["published_at"] = [p.isoformat() if p is not None else "" for p in df["published_at"]]
    for name in _COUNTS:  # nullable ints: unknown stays an empty cell, never 0 or 8.0
        df[name] = df[name].astype("Int64")
    df["simulated"] = df["simulated"].astype(bool)
    return df


def export_csv(org_id: int, f: AnalyticsFilters) -> bytes:
    """UTF-8 CSV with a header row, even when the range holds no data; formula-like cells neutralised."""
    return safe_frame(export_frame(org_id, f)).to_csv(index=False).encode("utf-8")


def export_filename(f: AnalyticsFilters) -> str:
    return f"socialhub-analytics-{f.start.isoformat()}-to-{f.end.isoformat()}.csv"
