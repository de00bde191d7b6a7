"""The person's locale for `services.display_time`, read from their browser's Accept-Language.

Why here: every state formats dates through `when(self, moment, tz)` so the whole UI shares one
format (see services/display_time.py); pages never format dates themselves.
"""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from services.display_time import format_date, format_datetime, format_time, parse_locale


def locale_of(state: rx.State) -> str:
    try:
        return parse_locale(state.router.headers.accept_language)
    except AttributeError:  # a state outside a request (tests, background tasks)
        return parse_locale(None)


def when(state: rx.State, moment: datetime | None, tz: str, *, with_zone: bool = False) -> str:
    return format_datetime(moment, tz, locale_of(state), with_zone=with_zone)


def day(state: rx.State, moment: datetime | None, tz: str) -> str:
    return format_date(moment, tz, locale_of(state))


def clock(state: rx.State, moment: datetime | None, tz: str) -> str:
    return format_time(moment, tz, locale_of(state))


def when_iso(state: rx.State, value: str | datetime | None, tz: str, *, empty: str = "") -> str:
    """`when` for the ISO strings services hand over ("2026-12-08T18:59:00+00:00"); `empty` when unset."""
    if not value:
        return empty
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when(state, moment, tz)


def day_iso(state: rx.State, value: str | datetime | None, tz: str, *, empty: str = "") -> str:
    """`day` for ISO strings (a date or a datetime); `empty` when unset."""
    if not value:
        return empty
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return day(state, moment, tz)
