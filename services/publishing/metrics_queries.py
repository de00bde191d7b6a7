"""The database side of /metrics: small aggregate queries, each one index-assisted."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from services.db import session_scope
from services.models import PostTarget, SchedulerHeartbeat, SocialAccount
from services.publishing import states

T = PostTarget.__table__
A = SocialAccount.__table__
H = SchedulerHeartbeat.__table__


def queue_depth(now: datetime, overdue_after: timedelta) -> tuple[int, int]:
    """(due now, due for longer than `overdue_after`) among scheduled targets."""
    with session_scope() as session:
        due = session.execute(
            select(func.count()).where(T.c.status == states.SCHEDULED, T.c.next_attempt_at <= now)
        ).scalar_one()
        overdue = session.execute(
            select(func.count()).where(T.c.status == states.SCHEDULED, T.c.next_attempt_at <= now - overdue_after)
        ).scalar_one()
    return int(due), int(overdue)


def targets_by_status() -> dict[tuple[str, str], int]:
    with session_scope() as session:
        rows = session.execute(
            select(A.c.platform, T.c.status, func.count())
            .join(A, A.c.id == T.c.social_account_id)
            .group_by(A.c.platform, T.c.status)
        ).all()
    return {(platform, status): int(n) for platform, status, n in rows}


def heartbeats() -> list[tuple[str, str, int, datetime]]:
    with session_scope() as session:
        rows = session.execute(select(H.c.worker_id, H.c.hostname, H.c.pid, H.c.last_tick_at)).all()
    return [tuple(r) for r in rows]
