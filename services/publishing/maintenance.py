"""Housekeeping every tick: targets missed during downtime, and leases left behind by a dead process."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from services.db import session_scope
from services.models import PostTarget, SchedulerHeartbeat, SocialAccount
from services.platforms import registry
from services.publishing import events as publishing_events
from services.publishing import states
from services.publishing.reporting import report_outcomes

log = logging.getLogger(__name__)

T = PostTarget.__table__
A = SocialAccount.__table__
H = SchedulerHeartbeat.__table__

#: A worker whose heartbeat is older than this is dead: its leases are reclaimed at once.
DEAD_AFTER_SECONDS = 10.0

RECONCILE_MESSAGE = "The publishing process stopped mid-request; checking the platform before retrying"
UNKNOWN = "unknown_outcome"


def sweep_missed(now: datetime, grace_hours: float) -> int:
    """Every tick, first: posts still in review at their time become "missed approval" (never
    published later by themselves), then due targets older than the grace window fail."""
    from services.approvals.workflow import mark_missed_approvals  # approvals builds on the post services

    mark_missed_approvals(now)
    return fail_missed_targets(now, grace_hours)


def fail_missed_targets(now: datetime, grace_hours: float) -> int:
    """Due targets older than the grace window fail visibly instead of going out hours late."""
    cutoff = now - timedelta(hours=grace_hours)
    missed = (T.c.status == states.SCHEDULED, T.c.next_attempt_at < cutoff)
    with session_scope() as session:
        found = session.execute(select(T.c.id, T.c.post_id).where(*missed).limit(1000)).all()
        if not found:
            return 0
        states.lock_posts(session, [r.post_id for r in found])
        rows = session.execute(
            update(T)
            .where(T.c.id.in_([r.id for r in found]), *missed)
            .values(status=states.FAILED, last_error=states.MISSED_MESSAGE, error_kind="missed", updated_at=now)
            .returning(T.c.id, T.c.post_id)
        ).all()
        states.refresh_post_statuses(session, [r.post_id for r in rows])
        publishing_events.emit_target_outcomes(session, [r.id for r in rows], now)
        report_outcomes(session, [r.id for r in rows], now)
    if rows:
        log.warning("marked %d target(s) failed: %s", len(rows), states.MISSED_MESSAGE)
    return len(rows)


def _can_verify(platform: str) -> bool:
    """True when a retry cannot duplicate: the platform dedupes by key, or we can look the post up first."""
    try:
        cls = registry.adapter_class(platform)
    except KeyError:
        return False
    return bool(cls.supports_idempotency_key or cls.can_lookup_recent_posts)


def reconcile_expired_leases(now: datetime) -> dict[str, int]:
    """A `publishing` target whose lease ran out belongs to a process that died mid-publish."""
    expired = (T.c.status == states.PUBLISHING, T.c.lease_until < now)
    return _reconcile(now, expired)


def reclaim_dead_workers(now: datetime, own_worker_id: str, dead_after: float = DEAD_AFTER_SECONDS) -> dict[str, int]:
    """Leases held by a worker whose heartbeat is older than `dead_after` seconds, reconciled at once.

    Without this a crashed worker's posts would wait for their lease (minutes). Only workers that
    have a heartbeat row count: a one-off "Publish now" pass holds its short claims by lease alone.
    Our own id is never "dead" (a slow database may delay our own beat; we are obviously alive).
    """
    cutoff = now - timedelta(seconds=dead_after)
    with session_scope() as session:
        dead = list(
            session.execute(
                select(H.c.worker_id).where(H.c.last_tick_at < cutoff, H.c.worker_id != own_worker_id)
            ).scalars()
        )
        # Rows of workers silent for a day go away (their leases were reclaimed long ago).
        session.execute(delete(H).where(H.c.last_tick_at < now - timedelta(days=1)))
    if not dead:
        return {"retry": 0, "needs_review": 0}
    held = (T.c.status == states.PUBLISHING, T.c.claimed_by.in_(dead))
    return _reconcile(now, held)


def _reconcile(now: datetime, condition: tuple) -> dict[str, int]:
    """Targets a dead process held: the platform may or may not have the post.

    Where a retry is safe (idempotency key, or a lookup of recent posts that the engine runs before
    re-sending) the target goes back to `scheduled` flagged `unknown_outcome`, due now; otherwise it
    becomes needs_review for the user to decide. Never a blind re-send.
    """
    with session_scope() as session:
        query = (
            select(T.c.id, T.c.post_id, A.c.platform)
            .join(A, A.c.id == T.c.social_account_id)
            .where(*condition)
            .limit(1000)
        )
        rows = session.execute(query).all()
        if not rows:
            return {"retry": 0, "needs_review": 0}
        # Post rows first (the lock order everyone uses); the updates below are compare-and-set,
        # so when two workers reconcile the same target only one of them changes it.
        states.lock_posts(session, [r.post_id for r in rows])
        retry = [r.id for r in rows if _can_verify(r.platform)]
        retry_set = set(retry)
        review = [r.id for r in rows if r.id not in retry_set]
        done: dict[str, int] = {}
        if retry:
            done["retry"] = session.execute(
                update(T)
                .where(T.c.id.in_(retry), *condition)
                .values(
                    status=states.SCHEDULED,
                    next_attempt_at=now,
                    error_kind=UNKNOWN,
                    last_error=RECONCILE_MESSAGE,
                    claimed_by="",
                    lease_until=None,
                    updated_at=now,
                )
            ).rowcount
        if review:
            done["needs_review"] = session.execute(
                update(T)
                .where(T.c.id.in_(review), *condition)
                .values(
                    status=states.NEEDS_REVIEW,
                    error_kind=UNKNOWN,
                    last_error=states.NEEDS_REVIEW_MESSAGE,
                    claimed_by="",
                    lease_until=None,
                    updated_at=now,
                )
            ).rowcount
        states.refresh_post_statuses(session, [r.post_id for r in rows])
        if review:
            publishing_events.emit_target_outcomes(session, review, now)
            report_outcomes(session, review, now)
    log.warning("reconciled targets of a dead worker / expired leases: %s", done)
    return {"retry": done.get("retry", 0), "needs_review": done.get("needs_review", 0)}
