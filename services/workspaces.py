"""Workspace (organization) facts for the shell and Dashboard, always scoped by organization id."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import select

from services.db import session_scope
from services.models import Organization, PostTarget, SocialAccount, utcnow
from services.publishing.states import TargetStatus

ACTIVE_ACCOUNT_STATUSES = ("active", "expiring", "needs_reconnect")


def week_start_utc(now: datetime, tz: str) -> datetime:
    """Monday 00:00 of the current week in the user's zone, as UTC: 'this week' means the user's week."""
    local = now.astimezone(ZoneInfo(tz))
    start = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(ZoneInfo("UTC"))


def workspace_counts(org_id: int, tz: str = "UTC", now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    since = week_start_utc(now, tz)
    with session_scope() as s:
        accounts = s.exec(
            select(func.count())
            .select_from(SocialAccount)
            .where(SocialAccount.organization_id == org_id, SocialAccount.status.in_(ACTIVE_ACCOUNT_STATUSES))
        ).one()
        scheduled = s.exec(
            select(func.count(func.distinct(PostTarget.post_id))).where(
                PostTarget.organization_id == org_id, PostTarget.status == TargetStatus.SCHEDULED
            )
        ).one()
        published = s.exec(
            select(func.count())
            .select_from(PostTarget)
            .where(
                PostTarget.organization_id == org_id,
                PostTarget.status == TargetStatus.PUBLISHED,
                PostTarget.published_at >= since,
            )
        ).one()
    return {"accounts": int(accounts), "scheduled": int(scheduled), "published_this_week": int(published)}


def organization_name(org_id: int) -> str:
    with session_scope() as s:
        org = s.get(Organization, org_id)
        return org.name if org else ""


__all__ = ["organization_name", "week_start_utc", "workspace_counts"]
