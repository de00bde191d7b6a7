"""Recurrence rules and their expansion into concrete occurrences (pure: no database).

A rule is a small JSON dict stored on the series' first post:
    {"freq": "daily" | "weekly", "interval": N, "weekdays": [0..6] (weekly only),
     "until": "YYYY-MM-DD" (local date, inclusive) | None, "count": N | None}

Semantics, kept deliberately simple to explain in the UI:
- The start (the first post) is always occurrence #1, even on a weekday the rule doesn't list.
- daily: every N days from the start date. weekly: in every Nth week counting from the start's
  week (weeks begin on Monday), on each chosen weekday (default: the start's weekday).
- Every occurrence keeps the start's *wall time* in the series' timezone, so 09:00 stays 09:00
  across daylight-saving changes (its UTC instant moves by an hour). A wall time that doesn't
  exist that day follows services.timezones (moved forward by the gap, with a note).
- `count` counts every occurrence including the start; `until` includes that local date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from services.display_time import format_date
from services.posts.errors import PostError
from services.timezones import TimezoneError, to_utc, validate_timezone
from services.wording import count, join_words

MAX_COUNT = 1000
MAX_INTERVAL = {"daily": 365, "weekly": 52}
_WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class RecurrenceError(PostError):
    """A PostError, so the UI's one `except PostError` shows it like any other refusal."""


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise RecurrenceError(f"{what} must be a whole number.")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RecurrenceError(f"{what} must be a whole number.") from None


def normalize_rule(rule: dict[str, Any], start_local: datetime | None = None) -> dict[str, Any]:
    """The validated rule in canonical form, or RecurrenceError with a message for the user."""
    if not isinstance(rule, dict):
        raise RecurrenceError("Choose how the post repeats.")
    freq = str(rule.get("freq") or "").strip().lower()
    if freq not in MAX_INTERVAL:
        raise RecurrenceError("A post can repeat daily or weekly.")
    raw_interval = rule.get("interval")
    interval = 1 if raw_interval in (None, "") else _int(raw_interval, "The repeat interval")
    if not 1 <= interval <= MAX_INTERVAL[freq]:
        unit = "days" if freq == "daily" else "weeks"
        raise RecurrenceError(f"Repeat every 1 to {MAX_INTERVAL[freq]} {unit}.")
    weekdays: list[int] = []
    if freq == "weekly":
        weekdays = sorted({_int(d, "A weekday") for d in (rule.get("weekdays") or [])})
        if any(not 0 <= d <= 6 for d in weekdays):
            raise RecurrenceError("Weekdays must be Monday (0) to Sunday (6).")
        if not weekdays and start_local is not None:
            weekdays = [start_local.weekday()]
    until = rule.get("until") or None
    if until is not None:
        try:
            until = (until if isinstance(until, date) else date.fromisoformat(str(until).strip())).isoformat()
        except ValueError:
            raise RecurrenceError("The end date isn't a valid date.") from None
        if start_local is not None and until < start_local.date().isoformat():
            raise RecurrenceError("The end date is before the first post.")
    count = rule.get("count")
    if count == "":
        count = None
    if count is not None:
        count = _int(count, "The number of times")
        if not 1 <= count <= MAX_COUNT:
            raise RecurrenceError(f"Repeat between 1 and {MAX_COUNT} times.")
    return {"freq": freq, "interval": interval, "weekdays": weekdays, "until": until, "count": count}


def describe_rule(rule: dict[str, Any], locale: str = "en_US") -> str:
    """A one-line summary for the UI: "Every week on Monday", "Every 2 weeks on Mon, Wed and Fri, 10 times".

    Never "Every 1 weekly week(s)": an interval of 1 is "Every day"/"Every week", larger ones are
    plural; one weekday is named in full; Monday to Friday reads "Every weekday"; the end date uses
    the UI's one date format (services.display_time).
    """
    interval = int(rule.get("interval") or 1)
    weekdays = list(rule.get("weekdays") or [])
    if rule["freq"] == "daily":
        text = "Every day" if interval == 1 else f"Every {interval} days"
    elif interval == 1 and weekdays == [0, 1, 2, 3, 4]:
        text = "Every weekday (Monday to Friday)"
        weekdays = []
    else:
        text = "Every week" if interval == 1 else f"Every {interval} weeks"
    if weekdays:
        names = [_WEEKDAY_NAMES[d] for d in weekdays] if len(weekdays) == 1 else [_WEEKDAY_LABELS[d] for d in weekdays]
        text += " on " + join_words(names)
    if rule.get("count"):
        text += ", once" if int(rule["count"]) == 1 else ", " + count(int(rule["count"]), "time")
    if rule.get("until"):
        until = rule["until"] if isinstance(rule["until"], date) else date.fromisoformat(str(rule["until"]))
        text += ", until " + format_date(until, "UTC", locale)
    return text


def occurrence_key(local: datetime) -> str:
    """Stable identity of an occurrence inside its series: its local wall time."""
    return local.strftime("%Y-%m-%dT%H:%M")


def _local_dates(rule: dict[str, Any], start: date):  # noqa: ANN202 - endless generator of dates, ascending
    yield start
    if rule["freq"] == "daily":
        day = start
        while True:
            day += timedelta(days=rule["interval"])
            yield day
    week_monday = start - timedelta(days=start.weekday())
    weekdays = rule["weekdays"] or [start.weekday()]
    while True:
        for wd in weekdays:
            day = week_monday + timedelta(days=wd)
            if day > start:
                yield day
        week_monday += timedelta(weeks=rule["interval"])


def expand_occurrences(
    rule: dict[str, Any],
    start_local: datetime,
    tz: str,
    window_end: datetime,
    *,
    after_key: str | None = None,
    limit: int = MAX_COUNT,
) -> list[dict[str, Any]]:
    """Occurrences from the start up to `window_end` (aware UTC), in order.

    Each: {"index": 1-based, "key": "YYYY-MM-DDTHH:MM", "local": naive wall time, "utc": aware,
    "note": DST note or ""}. `after_key` skips occurrences up to and including that key (already
    materialized); `limit` bounds the result.
    """
    try:
        tz = validate_timezone(tz)
    except TimezoneError as exc:
        raise RecurrenceError(str(exc)) from None
    if window_end.tzinfo is None:
        raise RecurrenceError("Internal error: the window end has no timezone.")
    rule = normalize_rule(rule, start_local)
    start_local = start_local.replace(second=0, microsecond=0, tzinfo=None)
    until = date.fromisoformat(rule["until"]) if rule["until"] else None
    out: list[dict[str, Any]] = []
    for index, day in enumerate(_local_dates(rule, start_local.date()), start=1):
        if (rule["count"] and index > rule["count"]) or (until and day > until) or len(out) >= limit:
            break
        local = datetime.combine(day, start_local.time())
        utc, note = to_utc(local, tz)
        if utc > window_end:
            break
        key = occurrence_key(local)
        if after_key is None or key > after_key:
            out.append({"index": index, "key": key, "local": local, "utc": utc, "note": note})
        if index > 100_000:  # a runaway window can never spin forever
            break
    return out
