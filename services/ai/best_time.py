"""Best time to post: the next three slots from the workspace's own engagement history.

Reads the analytics best-time heatmap (services.analytics.queries.best_time_heatmap: average
engagement per local weekday × hour over the last 90 days, for the selected accounts) and proposes
the next occurrences of the strongest hours, each with its reason ("Tuesdays 09:00–10:00 got 2.3×
your median engagement over 90 days"). With too little history it says so and offers the queue's
next free slot instead. Nothing is scheduled: the person picks a time and clicks Schedule.
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.analytics.filters import AnalyticsFilters
from services.analytics.queries import best_time_heatmap
from services.queue import QueueError, next_free_slots

HISTORY_DAYS = 90
MIN_POSTS = 8  # posts with engagement in the window
MIN_POSTS_PER_HOUR = 2  # an hour needs at least this many posts to be trusted
SUGGESTIONS = 3
LEAD_TIME = timedelta(minutes=15)  # a suggestion leaves time to finish the post
DAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def _next_occurrence(weekday: int, hour: int, tz: str, after: datetime) -> datetime:
    zone = ZoneInfo(tz)
    local = after.astimezone(zone)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    for extra in (0, 7):
        candidate = datetime(day.year, day.month, day.day, hour, tzinfo=zone) + timedelta(days=extra)
        # fold=0 and zoneinfo move a non-existent wall time forward, like the rest of the app.
        instant = candidate.astimezone(UTC)
        if instant > after:
            return instant
    return instant  # pragma: no cover - two weeks ahead is always later


def _queue_fallback(org_id: int, account_ids: list[int], tz: str, now: datetime) -> dict[str, Any]:
    """The earliest next free queue slot among the selected accounts, or why there is none."""
    best: datetime | None = None
    reason = ""
    for account_id in account_ids:
        try:
            slot = next_free_slots(org_id, account_id, 1, now)[0]
        except QueueError as exc:
            reason = str(exc)
            continue
        best = slot if best is None or slot < best else best
    if best is None:
        return {"queue_slot": None, "queue_message": reason or "Select an account to see its next queue slot."}
    local = best.astimezone(ZoneInfo(tz))
    return {
        "queue_slot": {
            "at_utc": best.isoformat(),
            "date": local.strftime("%Y-%m-%d"),
            "time": local.strftime("%H:%M"),
            "label": local.strftime("%a %d %b %H:%M"),
            "reason": "the next free slot in the posting queue",
        },
        "queue_message": "",
    }


def suggest_times(org_id: int, account_ids: list[int], tz: str = "UTC", now: datetime | None = None) -> dict[str, Any]:
    """{"enough_history", "message", "slots": [{"date", "time", "label", "reason", "ratio"}], "queue_slot"...}."""
    now = now or datetime.now(UTC)
    ids = [int(a) for a in dict.fromkeys(account_ids)]
    filters = AnalyticsFilters.last_days(HISTORY_DAYS, tz=tz, now=now, account_ids=ids)
    grid = best_time_heatmap(org_id, filters)
    cells = grid[grid["posts"] > 0]
    total_posts = int(cells["posts"].sum()) if len(cells) else 0
    if total_posts < MIN_POSTS:
        message = (
            f"Not enough engagement history yet: {total_posts} published post{'s' if total_posts != 1 else ''} "
            f"with metrics in the last {HISTORY_DAYS} days for these accounts (at least {MIN_POSTS} needed)."
        )
        return {"enough_history": False, "message": message, "slots": [], **_queue_fallback(org_id, ids, tz, now)}
    median = statistics.median(float(v) for v in cells["avg_engagement"])
    trusted = cells[cells["posts"] >= MIN_POSTS_PER_HOUR].sort_values(
        ["avg_engagement", "posts", "weekday", "hour"], ascending=[False, False, True, True]
    )
    slots = []
    for row in trusted.head(SUGGESTIONS).itertuples():
        weekday, hour, avg = int(row.weekday), int(row.hour), float(row.avg_engagement)
        when = _next_occurrence(weekday, hour, tz, now + LEAD_TIME)
        local = when.astimezone(ZoneInfo(tz))
        ratio = avg / median if median > 0 else None
        compared = f"{ratio:.1f}× your median engagement" if ratio else f"{avg:.1f} average engagement"
        slots.append(
            {
                "at_utc": when.isoformat(),
                "date": local.strftime("%Y-%m-%d"),
                "time": local.strftime("%H:%M"),
                "label": local.strftime("%a %d %b %H:%M"),
                "ratio": round(ratio, 2) if ratio else None,
                "reason": f"{DAYS[weekday]} {hour:02d}:00–{(hour + 1) % 24:02d}:00 got {compared} "
                f"over {HISTORY_DAYS} days ({int(row.posts)} posts)",
            }
        )
    slots.sort(key=lambda s: s["at_utc"])
    if not slots:
        message = f"No hour has {MIN_POSTS_PER_HOUR} or more posts with metrics yet, so there is no reliable best time."
        return {"enough_history": False, "message": message, "slots": [], **_queue_fallback(org_id, ids, tz, now)}
    return {
        "enough_history": True,
        "message": f"Based on {total_posts} posts over the last {HISTORY_DAYS} days (times in {tz}).",
        "slots": slots,
        "queue_slot": None,
        "queue_message": "",
    }
