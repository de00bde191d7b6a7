"""What the calendar shows: a workspace's dated posts in a UTC window, at the viewer's local time.

Two queries per view whatever the number of posts (posts in range, then their targets joined to
accounts), both driven by the (organization_id, scheduled_at) index, so a month with thousands of
posts costs the same round trips as a quiet one.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict

from sqlalchemy import and_, exists, select

from services.approvals.states import shown_status
from services.db import session_scope
from services.models import Post, PostTarget, SocialAccount
from services.posts.lifecycle import PostActionResult
from services.privacy.purge import preview_or_note
from services.publishing.states import LOCKED_TARGET_STATES, PostStatus, TargetStatus
from services.timezones import TimezoneError, local_midnight_utc, to_local, to_utc, validate_timezone

P = Post.__table__
T = PostTarget.__table__
A = SocialAccount.__table__

PREVIEW_CHARS = 140


class CalendarTarget(TypedDict):
    """One account's copy of a calendar post."""

    target_id: int
    account_id: int
    platform: str
    account_name: str
    status: str  # a TargetStatus value
    url: str
    error: str


class CalendarItem(TypedDict):
    """One post on the calendar (see calendar_item); a TypedDict because Reflex state holds dicts."""

    id: int
    text: str
    status: str  # a PostStatus value
    scheduled_at: str  # UTC ISO 8601
    local_date: str  # YYYY-MM-DD in the viewer's zone
    local_time: str  # HH:MM
    local_minutes: int  # since local midnight, for week/day grids
    weekday: int
    platforms: list[str]
    targets: list[CalendarTarget]
    links: list[str]
    series_id: int | None
    recurring: bool
    can_reschedule: bool


CALENDAR_STATUSES = tuple(PostStatus)


def month_range(year: int, month: int, tz: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of a local calendar month (local midnight of the 1st to the next 1st)."""
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return local_midnight_utc(first, tz), local_midnight_utc(following, tz)


def week_range(day: date, tz: str, week_start: int = 0) -> tuple[datetime, datetime]:
    """UTC [start, end) of the local week containing `day`; week_start 0 = Monday, 6 = Sunday."""
    start = day - timedelta(days=(day.weekday() - week_start) % 7)
    return local_midnight_utc(start, tz), local_midnight_utc(start + timedelta(days=7), tz)


def day_range(day: date, tz: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of one local day (23 or 25 hours long on DST days)."""
    return local_midnight_utc(day, tz), local_midnight_utc(day + timedelta(days=1), tz)


def month_grid(year: int, month: int, week_start: int = 0) -> list[list[date]]:
    """The weeks (rows of 7 dates, spilling into neighbouring months) a month view draws."""
    return _stdcal.Calendar(firstweekday=week_start).monthdatescalendar(year, month)


def grid_range(year: int, month: int, tz: str, week_start: int = 0) -> tuple[datetime, datetime]:
    """UTC bounds of the whole month grid, so the spill-over days show their posts too."""
    weeks = month_grid(year, month, week_start)
    return local_midnight_utc(weeks[0][0], tz), local_midnight_utc(weeks[-1][-1] + timedelta(days=1), tz)


def _post_filter(
    org_id: int,
    start_utc: datetime,
    end_utc: datetime,
    account_ids: Iterable[int] | None,
    statuses: Iterable[str] | None,
) -> list:
    if start_utc.tzinfo is None or end_utc.tzinfo is None:
        raise ValueError("calendar bounds must be timezone-aware UTC")
    conditions = [P.c.organization_id == org_id, P.c.scheduled_at >= start_utc, P.c.scheduled_at < end_utc]
    if statuses:
        conditions.append(P.c.status.in_(list(statuses)))
    if account_ids:
        conditions.append(
            exists().where(
                T.c.post_id == P.c.id, T.c.organization_id == org_id, T.c.social_account_id.in_(list(account_ids))
            )
        )
    return conditions


def calendar_items(
    org_id: int,
    start_utc: datetime,
    end_utc: datetime,
    tz: str,
    account_ids: Iterable[int] | None = None,
    statuses: Iterable[str] | None = None,
) -> list[CalendarItem]:
    """Dated posts in [start_utc, end_utc) as CalendarItems ordered by time, with local date/time in `tz`.

    Each item: id, text (preview), status, scheduled_at (UTC ISO), local_date (YYYY-MM-DD),
    local_time (HH:MM), local_minutes (minutes since local midnight, for week/day grids), weekday,
    platforms, targets [{target_id, account_id, platform, account_name, status, url, error}],
    links (published URLs), series_id, recurring, can_reschedule.
    """
    tz = validate_timezone(tz)
    account_ids = list(account_ids) if account_ids else None
    statuses = list(statuses) if statuses else None
    conditions = _post_filter(org_id, start_utc, end_utc, account_ids, statuses)
    posts_q = (
        select(
            P.c.id,
            preview_or_note(P, PREVIEW_CHARS + 1).label("preview"),
            P.c.status,
            P.c.scheduled_at,
            P.c.series_id,
            P.c.approval_state,
        )
        .where(and_(*conditions))
        .order_by(P.c.scheduled_at, P.c.id)
    )
    in_range = select(P.c.id).where(and_(*conditions))
    targets_q = (
        select(*TARGET_COLUMNS)
        .join(A, A.c.id == T.c.social_account_id)
        .where(T.c.organization_id == org_id, T.c.post_id.in_(in_range))
        .order_by(T.c.post_id, T.c.id)
    )
    with session_scope() as session:
        post_rows = session.execute(posts_q).all()
        target_rows = session.execute(targets_q).all() if post_rows else []
    targets_by_post = targets_by_post_id(target_rows)
    return [calendar_item(row, to_local(row.scheduled_at, tz), targets_by_post.get(row.id, [])) for row in post_rows]


#: The target columns calendar_item needs (joined to the account for its platform and name).
TARGET_COLUMNS = (
    T.c.id, T.c.post_id, T.c.social_account_id, T.c.status, T.c.external_url, T.c.last_error,
    A.c.platform, A.c.display_name, A.c.username,
)  # fmt: skip


def targets_by_post_id(target_rows: Iterable[Any]) -> dict[int, list[CalendarTarget]]:
    """Rows of TARGET_COLUMNS → post id → that post's target entries, in id order."""
    by_post: dict[int, list[CalendarTarget]] = {}
    for t in target_rows:
        by_post.setdefault(t.post_id, []).append(
            {
                "target_id": t.id,
                "account_id": t.social_account_id,
                "platform": t.platform,
                "account_name": t.display_name or t.username,
                "status": t.status,
                "url": t.external_url or "",
                "error": t.last_error or "",
            }
        )
    return by_post


def calendar_item(row: Any, local: datetime, targets: list[CalendarTarget]) -> CalendarItem:
    """The one calendar item builder (month/week/day views and calendar_items share it).

    `row` has id, preview (the body's first PREVIEW_CHARS + 1 characters), status and series_id;
    `local` is its scheduled time in the viewer's zone; `targets` come from targets_by_post_id.
    """
    text = row.preview or ""
    return {
        "id": row.id,
        "text": text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…",
        "status": shown_status(row.status, getattr(row, "approval_state", None)),
        "scheduled_at": local.astimezone(UTC).isoformat(),
        "local_date": local.date().isoformat(),
        "local_time": f"{local:%H:%M}",
        "local_minutes": local.hour * 60 + local.minute,
        "weekday": local.weekday(),
        "platforms": sorted({t["platform"] for t in targets}),
        "targets": targets,
        "links": [t["url"] for t in targets if t["status"] == TargetStatus.PUBLISHED and t["url"]],
        "series_id": row.series_id,
        "recurring": row.series_id is not None,
        "can_reschedule": not any(t["status"] in LOCKED_TARGET_STATES for t in targets),
    }


def items_by_day(items: list[CalendarItem]) -> dict[str, list[CalendarItem]]:
    """Month view cells: local date (YYYY-MM-DD) → that day's items, in time order."""
    days: dict[str, list[CalendarItem]] = {}
    for item in items:
        days.setdefault(item["local_date"], []).append(item)
    return days


class RescheduleResult(PostActionResult):
    note: str  # set when a DST edge changed the time, else ""


def reschedule_to_local(
    org_id: int,
    post_id: int,
    local_naive: datetime,
    tz: str,
    *,
    user_id: int | None = None,
    now: datetime | None = None,
) -> RescheduleResult:
    """Move a post to a wall time in `tz` (date-time picker or a drop on a week/day time slot).

    The posts service enforces the rules (past times, publishing/published posts, another
    workspace's post → "not found"). The result carries `note` when a DST edge changed the time.
    """
    from services.posts import PostError, reschedule_post

    try:
        utc, note = to_utc(local_naive, tz)
    except TimezoneError as exc:
        raise PostError(str(exc)) from None
    result = reschedule_post(org_id, post_id, utc, user_id=user_id, now=now)
    return {**result, "note": note}


def move_to_day(
    org_id: int, post_id: int, new_day: date, tz: str, *, user_id: int | None = None, now: datetime | None = None
) -> RescheduleResult:
    """Drag to another day in the month view: same local time of day, new date."""
    from services.posts import PostError, get_post

    post = get_post(org_id, post_id)
    if not post["scheduled_at"]:
        raise PostError("This post has no date yet; schedule it first.")
    try:
        local = to_local(datetime.fromisoformat(post["scheduled_at"]), tz)
    except TimezoneError as exc:
        raise PostError(str(exc)) from None
    return reschedule_to_local(
        org_id, post_id, datetime.combine(new_day, local.time().replace(tzinfo=None)), tz, user_id=user_id, now=now
    )
