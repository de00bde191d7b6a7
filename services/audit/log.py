"""Reading the audit log: filter by person, action and date range, one page at a time, CSV export.

Paginated in the database with a keyset on (created_at, id), newest first: page N costs the same
as page 1 however long the log grows, and rows written while someone pages never shift the next
page. Every read checks "audit.read" (Owner/Admin) and is scoped to the actor's current workspace.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import select

from services.auth import CurrentUser
from services.db import session_scope
from services.errors import UserError
from services.models import AuditLog, User
from services.permissions import require
from services.security.csv_safety import safe_cell
from services.timezones import format_local, to_utc

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: The CSV download stops here (a year of a busy workspace; bigger needs a narrower range).
MAX_EXPORT_ROWS = 100_000
CSV_COLUMNS = ("time_utc", "person", "email", "action", "detail")


class AuditFilterError(UserError):
    """A filter the page can't apply (bad date, a range that ends before it starts, bad cursor)."""


@dataclass(frozen=True)
class AuditFilters:
    """What the page asks for. Dates are the actor's local days (inclusive), None = open-ended."""

    user_id: int | None = None
    action: str = ""
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    created_at: datetime
    when: str  # in the actor's timezone
    person: str
    email: str
    action: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_cursor: str  # "" = no older entries


def parse_day(raw: str, label: str) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise AuditFilterError(f"The {label} date {raw!r} is not a date (use YYYY-MM-DD).") from exc


def _bounds(f: AuditFilters, tz: str) -> tuple[datetime | None, datetime | None]:
    if f.start and f.end and f.end < f.start:
        raise AuditFilterError("The end date is before the start date.")
    start = to_utc(datetime.combine(f.start, time()), tz)[0] if f.start else None
    end = to_utc(datetime.combine(f.end + timedelta(days=1), time()), tz)[0] if f.end else None
    return start, end


def _conditions(actor: CurrentUser, f: AuditFilters) -> list:
    conds = [AuditLog.organization_id == actor.organization_id]
    if f.user_id:
        conds.append(AuditLog.user_id == f.user_id)
    if f.action:
        conds.append(AuditLog.action == f.action)
    start, end = _bounds(f, actor.timezone)
    if start is not None:
        conds.append(AuditLog.created_at >= start)
    if end is not None:
        conds.append(AuditLog.created_at < end)
    return conds


def _cursor(row: AuditRow) -> str:
    return f"{row.created_at.isoformat()}|{row.id}"


def _after_cursor(cursor: str) -> list:
    if not cursor:
        return []
    try:
        stamp, raw_id = cursor.rsplit("|", 1)
        at, row_id = datetime.fromisoformat(stamp), int(raw_id)
    except ValueError as exc:
        raise AuditFilterError("That page of the audit log is no longer valid; start from the first page.") from exc
    return [or_(AuditLog.created_at < at, and_(AuditLog.created_at == at, AuditLog.id < row_id))]


def describe(detail: dict) -> str:
    """`key=value` pairs, the way the page and the CSV show an entry's detail."""
    return ", ".join(f"{k}={json.dumps(v) if isinstance(v, dict | list) else v}" for k, v in sorted(detail.items()))


def _query(actor: CurrentUser, f: AuditFilters, cursor: str, limit: int) -> Iterator[AuditRow]:
    stmt = (
        select(AuditLog.id, AuditLog.created_at, User.name, User.email, AuditLog.action, AuditLog.detail)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(*_conditions(actor, f), *_after_cursor(cursor))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    with session_scope() as s:
        rows = s.exec(stmt).all()
    for row_id, at, name, email, action, detail in rows:
        yield AuditRow(
            int(row_id), at, format_local(at, actor.timezone), name or "System", email or "", action,
            describe(detail or {}),
        )  # fmt: skip


def audit_page(actor: CurrentUser, f: AuditFilters, cursor: str = "", limit: int = PAGE_SIZE) -> AuditPage:
    """One page, newest first; `next_cursor` continues after its last row."""
    require(actor, "audit.read")
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    rows = list(_query(actor, f, cursor, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return AuditPage(rows, _cursor(rows[-1]) if more and rows else "")


def filter_choices(actor: CurrentUser) -> dict[str, list[dict[str, str]]]:
    """People who appear in this workspace's log, and the actions it holds (for the filter pickers)."""
    require(actor, "audit.read")
    org = AuditLog.organization_id == actor.organization_id
    with session_scope() as s:
        people = s.exec(
            select(User.id, User.name, User.email)
            .where(User.id.in_(select(AuditLog.user_id).where(org).distinct()))
            .order_by(User.name, User.id)
        ).all()
        actions = s.exec(select(AuditLog.action).where(org).group_by(AuditLog.action).order_by(AuditLog.action)).all()
    return {
        "people": [{"id": str(i), "label": f"{n} ({e})"} for i, n, e in people],
        "actions": [{"id": a, "label": a} for a in actions],
    }


def count_entries(actor: CurrentUser, f: AuditFilters) -> int:
    require(actor, "audit.read")
    with session_scope() as s:
        return int(s.exec(select(func.count()).select_from(AuditLog).where(*_conditions(actor, f))).one())


def export_csv(actor: CurrentUser, f: AuditFilters) -> bytes:
    """The filtered log as UTF-8 CSV (newest first); every text cell through the CSV-injection guard."""
    require(actor, "audit.read")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in _query(actor, f, "", MAX_EXPORT_ROWS):
        writer.writerow(
            [row.created_at.isoformat(), *(safe_cell(v) for v in (row.person, row.email, row.action, row.detail))]
        )
    return out.getvalue().encode("utf-8")


def export_filename(f: AuditFilters) -> str:
    span = f"-{f.start.isoformat() if f.start else 'start'}-to-{f.end.isoformat() if f.end else 'now'}"
    return f"socialhub-audit{span}.csv"
