"""Local wall time ⇄ UTC for scheduling, with daylight-saving edges resolved the same way everywhere.

Everything is stored in UTC; people pick times on their own clock. Twice a year that clock is
not a function: in spring one hour does not exist, in autumn one hour happens twice. The rules
(documented to users through the `note` returned by `to_utc`):

- Nonexistent time (spring-forward gap, e.g. 02:30 on 2026-03-08 in America/New_York): the time
  moves forward by the length of the gap (02:30 → 03:30 EDT). It is what a wall clock that was
  not changed would show, and it never lands *before* the time asked for.
- Ambiguous time (fall-back, e.g. 01:30 on 2026-11-01 in America/New_York): the FIRST
  occurrence (fold=0, still daylight time: 01:30 EDT = 05:30 UTC) — the earlier moment, so a
  post is never an hour late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.db import session_scope
from services.errors import UserError
from services.models import User
from services.onboarding import record_timezone_set
from services.timezone_names import all_timezones, is_valid_timezone


class TimezoneError(UserError, ValueError):
    """A user-facing message about a timezone name or a local time."""


def validate_timezone(name: str) -> str:
    """The cleaned IANA name, or TimezoneError with a message fit for the user."""
    cleaned = (name or "").strip()
    if not cleaned:
        raise TimezoneError("Please choose a timezone.")
    if cleaned.upper() == "UTC":
        return "UTC"
    if not is_valid_timezone(cleaned):
        raise TimezoneError(f"Unknown timezone {cleaned!r}. Use a name like Europe/Berlin or America/New_York.")
    return cleaned


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(validate_timezone(name))


def timezone_choices() -> list[str]:
    return list(all_timezones())


def _fmt_offset(dt: datetime) -> str:
    offset = dt.utcoffset() or timedelta(0)
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _label(dt: datetime) -> str:
    return f"{dt:%H:%M} {dt.tzname()} ({_fmt_offset(dt)})"


def is_nonexistent(local_naive: datetime, tz: str) -> bool:
    """True inside a spring-forward gap: the wall time does not survive a round trip through UTC."""
    aware = local_naive.replace(tzinfo=zone(tz), fold=0)
    return aware.astimezone(UTC).astimezone(aware.tzinfo).replace(tzinfo=None) != local_naive


def is_ambiguous(local_naive: datetime, tz: str) -> bool:
    """True in a fall-back overlap: both folds are real and have different offsets."""
    tzinfo = zone(tz)
    first, second = (local_naive.replace(tzinfo=tzinfo, fold=f) for f in (0, 1))
    return first.utcoffset() != second.utcoffset() and not is_nonexistent(local_naive, tz)


def to_utc(local_naive: datetime, tz: str) -> tuple[datetime, str]:
    """UTC instant for a wall time in `tz`, plus a note for the user when a DST edge changed it ("" otherwise).

    An aware datetime is simply converted (no note): it already names one instant.
    """
    tzinfo = zone(tz)
    if local_naive.tzinfo is not None:
        return local_naive.astimezone(UTC), ""
    local_naive = local_naive.replace(fold=0)
    first = local_naive.replace(tzinfo=tzinfo)
    utc = first.astimezone(UTC)
    if is_nonexistent(local_naive, tz):
        actual = utc.astimezone(tzinfo)
        gap = int((actual.replace(tzinfo=None) - local_naive).total_seconds() // 60)
        note = (
            f"{local_naive:%H:%M} doesn't exist on {local_naive:%b %d, %Y} in {tz} (clocks jump forward "
            f"{gap} minutes), so it was moved to {_label(actual)}."
        )
        return utc, note
    if is_ambiguous(local_naive, tz):
        second = local_naive.replace(tzinfo=tzinfo, fold=1)
        note = (
            f"{local_naive:%H:%M} happens twice on {local_naive:%b %d, %Y} in {tz} (clocks fall back); "
            f"using the first one, {_label(first)}, not {_label(second)}."
        )
        return utc, note
    return utc, ""


def to_local(utc: datetime, tz: str) -> datetime:
    """The aware local datetime in `tz`. Naive input is refused: it would silently mean 'server time'."""
    if utc.tzinfo is None:
        raise TimezoneError("Internal error: a time without a timezone was given.")
    return utc.astimezone(zone(tz))


def local_midnight_utc(day: date, tz: str) -> datetime:
    """UTC start of a local day (a zone that skips midnight starts the day at the first real minute)."""
    return to_utc(datetime.combine(day, time(0, 0)), tz)[0]


def parse_local(date_str: str, time_str: str) -> datetime:
    """A naive wall time from the UI's date ("YYYY-MM-DD") and time ("HH:MM") fields."""
    try:
        day = date.fromisoformat((date_str or "").strip())
    except ValueError:
        raise TimezoneError("Please pick a valid date.") from None
    try:
        hours, minutes, *rest = (int(p) for p in (time_str or "").strip().split(":")[:3])
        return datetime.combine(day, time(hours, minutes, rest[0] if rest else 0))  # seconds: precise tests
    except (ValueError, TypeError):
        raise TimezoneError("Please pick a valid time (HH:MM).") from None


def format_local(utc: datetime, tz: str, fmt: str | None = None) -> str:
    """A moment for people, with its zone: the UI's one format (services.display_time), no seconds.

    `fmt` (strftime) is only for machine-ish text such as file names; shown dates use the default.
    """
    if fmt is not None:
        local = to_local(utc, tz)
        return f"{local.strftime(fmt)} {local.tzname()}"
    from services.display_time import format_datetime  # display_time imports this module

    return format_datetime(utc, tz, with_zone=True)


def get_user_timezone(user_id: int) -> str:
    with session_scope() as session:
        user = session.get(User, user_id)
        if user is None:
            raise TimezoneError("User not found.")
        return user.timezone if is_valid_timezone(user.timezone) or user.timezone == "UTC" else "UTC"


def set_user_timezone(user_id: int, tz: str) -> str:
    """Validate first: an unknown name changes nothing."""
    name = validate_timezone(tz)
    with session_scope() as session:
        user = session.get(User, user_id)
        if user is None:
            raise TimezoneError("User not found.")
        user.timezone = name
    record_timezone_set(user_id)  # the first-run checklist's "set your timezone" step
    return name
