"""One way to show a date or time to a person: their locale, their timezone, no seconds.

Why: the UI had three formats (mm/dd/yyyy with seconds, "2026-12-01 18:59 CET", "Tue Dec 08, 2026").
Every page formats through these functions, so a person sees e.g. "Tue, Dec 8, 2026, 6:59 PM" in
en-US and "Di., 8. Dez. 2026, 18:59" in de-DE. Babel's CLDR skeletons pick each locale's own order,
separators and 12/24-hour clock; the zone abbreviation is added only where the caller asks for it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.dates import format_time as babel_time

from services.timezones import zone

DEFAULT_LOCALE = "en_US"


def parse_locale(accept_language: str | None) -> str:
    """The first usable locale of an Accept-Language header (or a bare tag like "de-DE")."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().replace("-", "_")
        if not tag or tag == "*":
            continue
        try:
            return str(Locale.parse(tag))
        except (UnknownLocaleError, ValueError):
            continue
    return DEFAULT_LOCALE


def _plain_spaces(text: str) -> str:
    """CLDR puts narrow no-break spaces before AM/PM; plain spaces keep copy/paste and QA selectors simple."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _local(moment: datetime, tz: str) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone(tz))


def format_datetime(moment: datetime | None, tz: str, locale: str = DEFAULT_LOCALE, *, with_zone: bool = False,
                    weekday: bool = True) -> str:
    """Date and time (minutes), e.g. "Tue, Dec 8, 2026, 6:59 PM"; naive datetimes are UTC."""
    if moment is None:
        return ""
    local = _local(moment, tz)
    day = format_skeleton("yMMMEd" if weekday else "yMMMd", local, locale=locale)
    clock = babel_time(local, format="short", locale=locale)
    # the locale's own way of joining a date and a time ("{1}, {0}", "{1} um {0}", …)
    joined = str(Locale.parse(locale).datetime_formats["medium"]).replace("{1}", day).replace("{0}", clock)
    joined = _plain_spaces(joined)
    return f"{joined} {local.tzname()}" if with_zone else joined


def format_date(day: date | datetime | None, tz: str = "UTC", locale: str = DEFAULT_LOCALE, *,
                weekday: bool = True) -> str:
    """A day, e.g. "Tue, Dec 8, 2026"; a datetime is first moved into `tz`."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = _local(day, tz)
    return format_skeleton("yMMMEd" if weekday else "yMMMd", day, locale=locale)


def format_time(moment: datetime | None, tz: str, locale: str = DEFAULT_LOCALE) -> str:
    """A time of day, e.g. "6:59 PM" / "18:59"."""
    if moment is None:
        return ""
    return _plain_spaces(babel_time(_local(moment, tz), format="short", locale=locale))
