"""Local-time bucketing in SQL that gives the same answer on PostgreSQL and SQLite.

PostgreSQL converts with `timezone(zone, ts)`. SQLite has no timezone database, so we register
a tiny Python function (`sh_local`) on the connection: exact across daylight-saving changes,
unlike a fixed UTC offset, and the grouping still happens inside the database.

The zone is inlined as a SQL literal, not bound: PostgreSQL (server-side parameters) refuses to
match a GROUP BY expression to a SELECT expression whose parameters are numbered differently.
That is safe because `checked_zone` only lets IANA-shaped names through.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Date, Integer, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from services.errors import UserError

_ZONE_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$")


class AnalyticsInputError(UserError, ValueError):
    """A message fit to show the user (bad date range, unknown timezone...)."""


def checked_zone(name: str) -> str:
    cleaned = (name or "UTC").strip() or "UTC"
    if cleaned.upper() == "UTC":
        return "UTC"
    if not _ZONE_SHAPE.match(cleaned):
        raise AnalyticsInputError(f"Unknown timezone {cleaned!r}.")
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise AnalyticsInputError(f"Unknown timezone {cleaned!r}.") from exc
    return cleaned


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _sh_local(value: str | None, zone_name: str, fmt: str) -> str | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(zone_name)).strftime(fmt)


def prepare_session(session: Session) -> str:
    """Register SQLite helpers on this session's connection; returns the dialect name."""
    conn = session.connection()
    dialect = conn.dialect.name
    if dialect == "sqlite":
        raw = conn.connection.dbapi_connection
        raw.create_function("sh_local", 3, _sh_local, deterministic=True)
    return dialect


def _zone_literal(zone_name: str) -> ColumnElement:
    return literal_column("'" + checked_zone(zone_name) + "'")


def local_date(column: ColumnElement, zone_name: str, dialect: str) -> ColumnElement:
    """The calendar day of a UTC timestamp in `zone_name` (a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite)."""
    if dialect == "postgresql":
        return cast(func.timezone(_zone_literal(zone_name), column), Date)
    return func.sh_local(column, _zone_literal(zone_name), literal_column("'%Y-%m-%d'"))


def local_weekday(column: ColumnElement, zone_name: str, dialect: str) -> ColumnElement:
    """0 = Monday … 6 = Sunday, like Python's date.weekday()."""
    if dialect == "postgresql":
        return cast(func.extract("isodow", func.timezone(_zone_literal(zone_name), column)), Integer) - 1
    return cast(func.sh_local(column, _zone_literal(zone_name), literal_column("'%u'")), Integer) - 1


def local_hour(column: ColumnElement, zone_name: str, dialect: str) -> ColumnElement:
    if dialect == "postgresql":
        return cast(func.extract("hour", func.timezone(_zone_literal(zone_name), column)), Integer)
    return cast(func.sh_local(column, _zone_literal(zone_name), literal_column("'%H'")), Integer)
