"""What one calendar screen needs: per day (or per hour) the first few posts in full, and how many more.

A busy month holds thousands of posts but a month view draws three per day and "+k more". So the
window's posts are read as (id, time) only — one narrow index-driven query — bucketed by local day
or hour in Python (time zones make SQL bucketing database-specific), and only the posts that will
be drawn get their text, status and targets (a second query over a few dozen ids). Items are
built by services.calendar.calendar_item, the same builder calendar_items uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, select

from services.calendar import (
    PREVIEW_CHARS,
    TARGET_COLUMNS,
    A,
    CalendarItem,
    P,
    T,
    _post_filter,
    calendar_item,
    targets_by_post_id,
)
from services.db import session_scope
from services.privacy.purge import preview_or_note
from services.timezones import to_local, validate_timezone

BucketKey = tuple[str, int]  # (local date "YYYY-MM-DD", local hour or -1 when bucketing by day)


def _bucket(local: datetime, by_hour: bool) -> BucketKey:
    return (local.date().isoformat(), local.hour if by_hour else -1)


def visible_items(
    org_id: int,
    start_utc: datetime,
    end_utc: datetime,
    tz: str,
    per_bucket: int,
    *,
    by_hour: bool = False,
    account_ids: Iterable[int] | None = None,
    statuses: Iterable[str] | None = None,
) -> tuple[dict[BucketKey, list[CalendarItem]], dict[BucketKey, int], int]:
    """(bucket → its first `per_bucket` items in time order, bucket → total posts in it, posts in the window)."""
    tz = validate_timezone(tz)
    account_ids = list(account_ids) if account_ids else None
    statuses = list(statuses) if statuses else None
    conditions = _post_filter(org_id, start_utc, end_utc, account_ids, statuses)
    with session_scope() as session:
        times = session.execute(
            select(P.c.id, P.c.scheduled_at).where(and_(*conditions)).order_by(P.c.scheduled_at, P.c.id)
        ).all()
        counts: dict[BucketKey, int] = {}
        chosen: dict[int, datetime] = {}
        for post_id, at in times:
            local = to_local(at, tz)
            key = _bucket(local, by_hour)
            counts[key] = counts.get(key, 0) + 1
            if counts[key] <= per_bucket:
                chosen[post_id] = local
        if not chosen:
            return {}, counts, len(times)
        ids = list(chosen)
        posts = session.execute(
            select(
                P.c.id, preview_or_note(P, PREVIEW_CHARS + 1).label("preview"), P.c.status, P.c.series_id,
                P.c.approval_state,
            ).where(P.c.organization_id == org_id, P.c.id.in_(ids))
        ).all()
        targets = session.execute(
            select(*TARGET_COLUMNS)
            .join(A, A.c.id == T.c.social_account_id)
            .where(T.c.organization_id == org_id, T.c.post_id.in_(ids))
            .order_by(T.c.post_id, T.c.id)
        ).all()
    by_post = targets_by_post_id(targets)
    buckets: dict[BucketKey, list[CalendarItem]] = {}
    for row in sorted(posts, key=lambda r: (chosen[r.id], r.id)):
        local = chosen[row.id]
        buckets.setdefault(_bucket(local, by_hour), []).append(calendar_item(row, local, by_post.get(row.id, [])))
    return buckets, counts, len(times)
