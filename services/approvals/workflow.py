"""Reviewing posts: approve, request changes, the review queue, and approvals that missed their time.

Both review actions are compare-and-set on (post id, state "in_review", version): the reviewer
decides on the version they saw, two reviewers at once record one decision (the second is told
who was first), and an edit in between makes the decision refuse instead of approving unseen text.
PostgreSQL additionally serializes them on the post's row lock (services.posts.common.lock_post).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlmodel import Session
from sqlmodel import select as orm_select

from services.approvals.events import announce
from services.approvals.rules import ApprovalConflict, ApprovalError
from services.approvals.states import PUBLISHABLE, ApprovalState
from services.db import session_scope
from services.models import Post, PostTarget, SocialAccount, User, utcnow
from services.posts.common import lock_post, post_targets
from services.posts.compose import PAST_TOLERANCE
from services.posts.lifecycle import _schedule_targets
from services.publishing import states, wakeup
from services.publishing.states import TargetStatus

P = Post.__table__
T = PostTarget.__table__
A = SocialAccount.__table__
U = User.__table__
MAX_NOTE = 2000


@dataclass(frozen=True)
class Reviewer:
    """Who decides: a member (user_id) or, through a preview link, an external person by name."""

    user_id: int | None
    name: str = ""


def approve(org_id: int, post_id: int, version: int, reviewer: Reviewer, note: str = "") -> str:
    """Approve `version` of the post; returns the new approval state. At its time the engine publishes
    it; a post submitted without a time is published now."""
    now = utcnow()
    publish_now = False
    with session_scope() as session:
        post = _lock_for_review(session, org_id, post_id, version, reviewer, now)
        _decide(session, post, ApprovalState.APPROVED, version, reviewer, note, now)
        rows = post_targets(session, post_id)
        if not any(t.status == TargetStatus.SCHEDULED for t, _a in rows):
            ready = [(t, a) for t, a in rows if TargetStatus(t.status).can_reschedule]
            if ready:
                _schedule_targets(session, post, ready, now, now)
                post.scheduled_at = now
                publish_now = True
        session.flush()
        states.refresh_post_statuses(session, [post_id], locked=True)
        announce(session, "approved", post, reviewer.user_id, note, name=reviewer.name)
    if publish_now:
        wakeup.wake(post_id)
    return ApprovalState.APPROVED.value


def request_changes(org_id: int, post_id: int, version: int, reviewer: Reviewer, note: str) -> str:
    """Send the post back to its author with a note; its scheduled targets stop waiting (drafts)."""
    note = (note or "").strip()
    if not note:
        error = ApprovalError("Say what should change (the note goes to the author).")
        error.field_errors = ({"field": "note", "message": str(error)},)
        raise error
    now = utcnow()
    with session_scope() as session:
        post = _lock_for_review(session, org_id, post_id, version, reviewer, now)
        _decide(session, post, ApprovalState.CHANGES_REQUESTED, version, reviewer, note, now)
        for target, _account in post_targets(session, post_id):
            if target.status == TargetStatus.SCHEDULED:
                target.status, target.next_attempt_at, target.updated_at = TargetStatus.DRAFT, None, now
        session.flush()
        states.refresh_post_statuses(session, [post_id], locked=True)
        announce(session, "changes_requested", post, reviewer.user_id, note, name=reviewer.name)
    return ApprovalState.CHANGES_REQUESTED.value


def _lock_for_review(
    session: Session, org_id: int, post_id: int, version: int, reviewer: Reviewer, now: datetime
) -> Post:
    """The post, locked, if `reviewer` may decide on `version` now; otherwise a clear refusal."""
    post = lock_post(session, org_id, post_id)  # another workspace's id: "That post was not found."
    session.refresh(post)  # the state as of the lock, not an earlier read in this session
    if reviewer.user_id is not None and post.author_id == reviewer.user_id:
        raise ApprovalError("You can't review your own post; another reviewer has to approve it.")
    state = ApprovalState(post.approval_state)
    if state is not ApprovalState.IN_REVIEW:
        if state in (ApprovalState.APPROVED, ApprovalState.CHANGES_REQUESTED) and post.approved_version in (
            None, version
        ):  # fmt: skip
            raise ApprovalConflict(f"Already reviewed: {state.label.lower()} by {_reviewer_name(session, post)}.")
        raise ApprovalConflict(f"This post is not waiting for approval ({state.label.lower() or 'not submitted'}).")
    if post.version != int(version):
        raise ApprovalConflict("The post changed since you opened it; review the new version.")
    if post.scheduled_at is not None and post.scheduled_at < now - PAST_TOLERANCE and _has_scheduled(session, post_id):
        raise ApprovalConflict("Its scheduled time has passed (missed approval); the author reschedules it.")
    return post


def _decide(
    session: Session, post: Post, state: ApprovalState, version: int, reviewer: Reviewer, note: str, now: datetime
) -> None:
    done = session.execute(
        update(P)
        .where(P.c.id == post.id, P.c.approval_state == ApprovalState.IN_REVIEW.value, P.c.version == int(version))
        .values(
            approval_state=state.value,
            approved_version=int(version) if state is ApprovalState.APPROVED else None,
            reviewed_by=reviewer.user_id,
            reviewer_name=(reviewer.name or "")[:120],
            reviewed_at=now,
            review_note=(note or "").strip()[:MAX_NOTE],
        )
    ).rowcount
    if done != 1:
        raise ApprovalConflict("Someone else reviewed this post a moment ago; reload to see their decision.")
    session.refresh(post)


def _has_scheduled(session: Session, post_id: int) -> bool:
    return session.execute(
        select(T.c.id).where(T.c.post_id == post_id, T.c.status == TargetStatus.SCHEDULED).limit(1)
    ).first() is not None


def _reviewer_name(session: Session, post: Post) -> str:
    if post.reviewer_name:
        return post.reviewer_name
    if post.reviewed_by is not None:
        name = session.execute(select(U.c.name).where(U.c.id == post.reviewed_by)).scalar()
        if name:
            return str(name)
    return "another reviewer"


# --- the review queue -------------------------------------------------------------------------
def _queue_query(org_id: int, user_id: int | None):  # noqa: ANN202
    query = select(P.c.id).where(P.c.organization_id == org_id, P.c.approval_state == ApprovalState.IN_REVIEW.value)
    if user_id is not None:  # your own posts wait for someone else
        query = query.where((P.c.author_id.is_(None)) | (P.c.author_id != user_id))
    return query


def review_count(org_id: int, user_id: int | None) -> int:
    with session_scope() as session:
        counted = select(func.count()).select_from(_queue_query(org_id, user_id).subquery())
        return int(session.execute(counted).scalar() or 0)


def review_queue(org_id: int, user_id: int | None, limit: int = 100) -> list[dict[str, object]]:
    """Posts waiting for this person's review, oldest submission first (plain dicts for the page)."""
    with session_scope() as session:
        ids = _queue_query(org_id, user_id).subquery()
        rows = session.execute(
            select(P.c.id, P.c.body, P.c.version, P.c.submitted_at, P.c.scheduled_at, P.c.timezone, U.c.name)
            .join(ids, ids.c.id == P.c.id)
            .outerjoin(U, U.c.id == P.c.author_id)
            .order_by(P.c.submitted_at, P.c.id)
            .limit(limit)
        ).all()
        platforms: dict[int, list[str]] = {}
        if rows:
            for post_id, platform in session.execute(
                select(T.c.post_id, A.c.platform)
                .join(A, A.c.id == T.c.social_account_id)
                .where(T.c.post_id.in_([r.id for r in rows]))
                .order_by(T.c.id)
            ).all():
                platforms.setdefault(post_id, []).append(platform)
    return [
        {
            "post_id": r.id,
            "preview": " ".join((r.body or "").split())[:120],
            "version": r.version,
            "author": r.name or "",
            "submitted_at": r.submitted_at.isoformat() if r.submitted_at else "",
            "scheduled_at": r.scheduled_at.isoformat() if r.scheduled_at else "",
            "timezone": r.timezone,
            "platforms": platforms.get(r.id, []),
        }
        for r in rows
    ]


# --- missed approvals ------------------------------------------------------------------------
def mark_missed_approvals(now: datetime, limit: int = 500) -> int:
    """Posts whose time came while they still waited for review become "missed approval".

    Their scheduled targets go back to draft, so nothing publishes them silently later (the claim
    already skips them; this makes the state visible and frees the engine's due index). Rescheduling
    passes the approval rule again. Run by every engine tick, before claiming; idempotent and
    compare-and-set, so several workers may run it at once.
    """
    due = (T.c.status == TargetStatus.SCHEDULED, T.c.next_attempt_at <= now)
    blocked = select(T.c.id).where(T.c.post_id == P.c.id, *due).exists()
    with session_scope() as session:
        ids = list(
            session.execute(
                select(P.c.id).where(P.c.approval_state == ApprovalState.IN_REVIEW.value, blocked).limit(limit)
            ).scalars()
        )
        if not ids:
            return 0
        states.lock_posts(session, ids)
        missed = list(
            session.execute(
                update(P)
                .where(P.c.id.in_(ids), ~PUBLISHABLE, P.c.approval_state == ApprovalState.IN_REVIEW.value, blocked)
                .values(approval_state=ApprovalState.MISSED.value, updated_at=now)
                .returning(P.c.id)
            ).scalars()
        )
        if not missed:
            return 0
        session.execute(
            update(T)
            .where(T.c.post_id.in_(missed), T.c.status == TargetStatus.SCHEDULED)
            .values(status=TargetStatus.DRAFT, next_attempt_at=None, updated_at=now)
        )
        states.refresh_post_statuses(session, missed, locked=True)
        for post in session.exec(orm_select(Post).where(Post.id.in_(missed))).all():  # type: ignore[union-attr]
            announce(session, "missed", post, None, "its scheduled time passed while it waited for review")
    return len(missed)
