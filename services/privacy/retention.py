"""Retention policies: what a workspace keeps, for how long. Each runs in batches.

- published_content_days: the content of posts whose targets are all final and were published
  more than N days ago is wiped exactly like privacy mode does (metadata, links, metrics stay).
- failed_drafts_days: failed posts and drafts (cancelled schedules are drafts again) nobody
  changed for N days are deleted. Posts waiting for approval are left alone.
- snapshot_days: per-post metric snapshots older than N days are rolled up, then deleted. The
  Analytics page's daily/weekly figures read the per-day rollup (analytics_daily), which keeps the
  last snapshot of each target per local day for every registered zone; the zones of every member
  (and UTC) are registered and back-filled first, and every snapshot that is a day's close in any
  zone is kept, so those figures stay identical. Only intra-day points of a post's detail chart go.
- audit_days: audit-log entries older than N days are deleted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, select, update

from services.analytics.rollup import ensure_rollup_zone
from services.db import session_scope
from services.errors import UserError
from services.models import AuditLog, Membership, Post, PostMetricsDaily, PostMetricSnapshot, PostTarget, RssEntry, User
from services.privacy import purge
from services.privacy.settings import PrivacySettings

P = Post.__table__
T = PostTarget.__table__
S = PostMetricSnapshot.__table__
D = PostMetricsDaily.__table__
AU = AuditLog.__table__
BATCH = 500


@dataclass
class RetentionSummary:
    """What one run removed (shown on the Settings page)."""

    content_wiped: int = 0
    posts_deleted: int = 0
    snapshots_deleted: int = 0
    audit_deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def total(self) -> int:
        return self.content_wiped + self.posts_deleted + self.snapshots_deleted + self.audit_deleted


def apply_retention(org_id: int, policy: PrivacySettings, now: datetime) -> RetentionSummary:
    summary = RetentionSummary()
    if policy.published_content_days:
        summary.content_wiped = wipe_old_content(org_id, now - timedelta(days=policy.published_content_days), now)
    if policy.failed_drafts_days:
        summary.posts_deleted = delete_stale_drafts(org_id, now - timedelta(days=policy.failed_drafts_days))
    if policy.snapshot_days:
        summary.snapshots_deleted = roll_up_snapshots(org_id, now - timedelta(days=policy.snapshot_days))
    if policy.audit_days:
        summary.audit_deleted = delete_old_audit(org_id, now - timedelta(days=policy.audit_days))
    return summary


def wipe_old_content(org_id: int, cutoff: datetime, now: datetime) -> int:
    """Content of final posts whose every publication is older than `cutoff`."""
    published = and_(T.c.post_id == P.c.id, T.c.status == "published")
    recent = and_(T.c.post_id == P.c.id, T.c.status == "published", T.c.published_at >= cutoff)
    total, seen = 0, 0
    while True:
        with session_scope() as session:
            ids = list(
                session.execute(
                    select(P.c.id)
                    .where(P.c.organization_id == org_id, P.c.content_purged_at.is_(None), P.c.id > seen,
                           exists().where(published), ~exists().where(recent))
                    .order_by(P.c.id)
                    .limit(purge.BATCH)
                ).scalars()
            )  # fmt: skip
            if not ids:
                return total
            seen = ids[-1]
            done = purge.purge_posts(session, purge.final_post_ids(session, ids), now)
        purge.finish_purge(done)
        total += len(done.post_ids)


def delete_stale_drafts(org_id: int, cutoff: datetime) -> int:
    """Failed posts and drafts untouched since `cutoff` (nothing of them is on any platform)."""
    from services.posts.lifecycle import delete_post  # the one delete path (links, previews, targets)

    total, seen = 0, 0
    while True:
        with session_scope() as session:
            ids = list(
                session.execute(
                    select(P.c.id)
                    .where(P.c.organization_id == org_id, P.c.status.in_(("draft", "failed")), P.c.updated_at < cutoff,
                           P.c.approval_state != "in_review", P.c.id > seen,
                           ~exists().where(and_(T.c.post_id == P.c.id, T.c.status == "published")))
                    .order_by(P.c.id)
                    .limit(BATCH)
                ).scalars()
            )  # fmt: skip
            if not ids:
                return total
            seen = ids[-1]
            # An imported feed entry keeps its key (so it is not imported again) but forgets the post.
            session.execute(update(RssEntry.__table__).where(RssEntry.__table__.c.post_id.in_(ids)).values(post_id=None))
        for post_id in ids:
            try:
                if delete_post(org_id, post_id)["deleted"]:
                    total += 1
            except UserError:  # changed meanwhile (e.g. publishing now): the next run looks again
                continue


def _zones(org_id: int) -> list[str]:
    with session_scope() as session:
        zones = session.execute(
            select(User.timezone).join(Membership, Membership.user_id == User.id).where(Membership.organization_id == org_id)
        ).scalars()
        return sorted({"UTC", *(z for z in zones if z)})


def roll_up_snapshots(org_id: int, cutoff: datetime) -> int:
    """Make sure every zone's daily rollup exists, then delete old snapshots that are no day's close."""
    for zone in _zones(org_id):
        try:
            ensure_rollup_zone(org_id, zone)
        except (UserError, ValueError):  # a member's zone this server doesn't know: UTC still covers them
            continue
    is_close = exists().where(and_(D.c.post_target_id == S.c.post_target_id, D.c.captured_at == S.c.captured_at))
    total = 0
    while True:
        with session_scope() as session:
            ids = list(
                session.execute(
                    select(S.c.id)
                    .where(S.c.organization_id == org_id, S.c.captured_at < cutoff, ~is_close)
                    .order_by(S.c.id)
                    .limit(BATCH)
                ).scalars()
            )
            if not ids:
                return total
            total += session.execute(delete(S).where(S.c.id.in_(ids))).rowcount


def delete_old_audit(org_id: int, cutoff: datetime) -> int:
    total = 0
    while True:
        with session_scope() as session:
            ids = list(
                session.execute(
                    select(AU.c.id).where(AU.c.organization_id == org_id, AU.c.created_at < cutoff).limit(BATCH)
                ).scalars()
            )
            if not ids:
                return total
            total += session.execute(delete(AU).where(AU.c.id.in_(ids))).rowcount


def count_snapshots(org_id: int) -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(S).where(S.c.organization_id == org_id)).scalar_one())
