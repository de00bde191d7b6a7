"""Per-post actions after composing: reschedule, cancel, delete, publish now, retry, mark published.

Targets that are `publishing` (in flight) or `published` (already out) are never changed; the
action applies to the others and the refused ones come back with their reason. When nothing at
all could change, the action is refused with a PostError.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from operator import attrgetter
from typing import TypedDict

from sqlalchemy import delete as sa_delete
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from services.approvals import rules as approval_rules
from services.approvals.states import ApprovalState
from services.db import session_scope
from services.models import MediaAsset, Post, PostMedia, PostTarget, PreviewLink, SocialAccount
from services.posts.common import account_label, audit, lock_post, locked_reason, post_targets, utcnow
from services.posts.compose import check_schedule_time, media_files, validate_targets
from services.posts.errors import PostConflict, PostError, PostNotFound
from services.posts.queries import PostDetail, TargetDetail, get_post
from services.privacy.purge import finish_purge, purge_if_final
from services.publishing import states, wakeup
from services.publishing.events import emit_target_outcomes
from services.publishing.states import TargetStatus

PM = PostMedia.__table__


class Refusal(TypedDict):
    """An account the action did not apply to, and why (shown to the user as is)."""

    account: str
    reason: str


class PostActionResult(PostDetail):
    """The post after the action, plus the accounts it could not touch."""

    refused: list[Refusal]


class DeleteResult(TypedDict):
    deleted: bool  # False: published targets were kept, only the others went
    refused: list[Refusal]


CAN_RESCHEDULE = attrgetter("can_reschedule")
CAN_CANCEL = attrgetter("can_cancel")


def _split(rows: list[tuple[PostTarget, SocialAccount]], may: Callable[[TargetStatus], bool]):  # noqa: ANN202
    """(targets the action applies to, refusals with their reason); `may` is a TargetStatus rule."""
    ok, refused = [], []
    for target, account in rows:
        status = TargetStatus(target.status)
        if may(status):
            ok.append((target, account))
        elif status.is_locked:
            refused.append({"account": account_label(account), "reason": locked_reason(target)})
        elif status is TargetStatus.NEEDS_REVIEW:
            refused.append(
                {"account": account_label(account), "reason": "check it first, then Retry or Mark as published"}
            )
    return ok, refused


def _refuse_if_nothing(ok: list, refused: list[Refusal], verb: str) -> None:
    if not ok:
        reasons = "; ".join(f"{r['account']}: {r['reason']}" for r in refused) or "it has no accounts"
        raise PostConflict(f"Can't {verb} this post — {reasons}.")


def _post_media(session: Session, post_id: int) -> list[MediaAsset]:
    return list(
        session.exec(
            select(MediaAsset)
            .join(PostMedia, PostMedia.media_asset_id == MediaAsset.id)  # type: ignore[arg-type]
            .where(PostMedia.post_id == post_id)
            .order_by(PostMedia.position)  # type: ignore[arg-type]
        ).all()
    )


def _schedule_targets(
    session: Session,
    post: Post,
    rows: list[tuple[PostTarget, SocialAccount]],
    when: datetime,
    now: datetime,
    *,
    status: TargetStatus = TargetStatus.SCHEDULED,
) -> None:
    texts = {t.social_account_id: t.body_override or post.body for t, _a in rows}
    validate_targets(texts, {a.id: a for _t, a in rows}, media_files(_post_media(session, post.id)))
    for target, _account in rows:
        target.status = status
        target.next_attempt_at = when if status is TargetStatus.SCHEDULED else None
        target.attempts = 0
        target.last_error = ""
        target.error_kind = ""
        target.updated_at = now


def reschedule_post(
    org_id: int, post_id: int, new_utc: datetime, *, user_id: int | None = None, now: datetime | None = None
) -> PostActionResult:
    now = now or utcnow()
    check_schedule_time(new_utc, now)
    with session_scope() as session:
        post = lock_post(session, org_id, post_id)
        ok, refused = _split(post_targets(session, post_id), CAN_RESCHEDULE)
        _refuse_if_nothing(ok, refused, "reschedule")
        # In review the targets still get their time: the claim skips them until approved.
        approval_rules.apply_scheduling_rule(session, post, user_id, submit=False, now=now)
        _schedule_targets(session, post, ok, new_utc, now)
        post.scheduled_at = new_utc
        post.updated_at = now
        session.flush()
        states.refresh_post_statuses(session, [post_id])
        audit(session, org_id, user_id, "post.reschedule", {"post_id": post_id, "scheduled_at": new_utc.isoformat()})
    return {**get_post(org_id, post_id), "refused": refused}


def publish_now(
    org_id: int, post_id: int, *, user_id: int | None = None, now: datetime | None = None
) -> PostActionResult:
    """Make the post's remaining targets due immediately and wake the running engine to claim them now."""
    now = now or utcnow()
    with session_scope() as session:
        post = lock_post(session, org_id, post_id)
        ok, refused = _split(post_targets(session, post_id), CAN_RESCHEDULE)
        _refuse_if_nothing(ok, refused, "publish")
        state = approval_rules.apply_scheduling_rule(session, post, user_id, submit=False, now=now)
        waits = state is ApprovalState.IN_REVIEW  # goes out when approved, not now
        _schedule_targets(session, post, ok, now, now, status=TargetStatus.DRAFT if waits else TargetStatus.SCHEDULED)
        post.scheduled_at = None if waits else now
        post.updated_at = now
        session.flush()
        states.refresh_post_statuses(session, [post_id])
        audit(session, org_id, user_id, "post.publish_now", {"post_id": post_id})
    if not waits:
        wakeup.wake(post_id)
    return {**get_post(org_id, post_id), "refused": refused}


async def publish_now_and_wait(
    org_id: int, post_id: int, *, user_id: int | None = None, wait_seconds: float = 60.0
) -> PostActionResult:
    """Publish now, then wait (bounded) until the engine is done with every target, for the results."""
    result = publish_now(org_id, post_id, user_id=user_id)
    post = await wait_until_settled(org_id, post_id, wait_seconds=wait_seconds)
    return {**post, "refused": result["refused"]}


async def wait_until_settled(
    org_id: int, post_id: int, *, wait_seconds: float = 60.0, poll_seconds: float = 0.2
) -> PostDetail:
    """The post once none of its targets is scheduled-and-due or publishing (or as it is at the deadline)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        post = await asyncio.to_thread(get_post, org_id, post_id)
        if not any(_in_progress(t) for t in post["targets"]) or loop.time() >= deadline:
            return post
        await asyncio.sleep(poll_seconds)


def _in_progress(target: TargetDetail) -> bool:
    """Publishing, or scheduled for a moment that has come (a retry later on is not waited for)."""
    status = TargetStatus(target["status"])
    if status is TargetStatus.PUBLISHING:
        return True
    if status is not TargetStatus.SCHEDULED:
        return False
    due = datetime.fromisoformat(target["next_attempt_at"]) if target.get("next_attempt_at") else None
    return due is None or (due if due.tzinfo else due.replace(tzinfo=UTC)) <= utcnow()


def cancel_schedule(org_id: int, post_id: int, *, user_id: int | None = None) -> PostActionResult:
    """Scheduled targets go back to draft; nothing in flight or already out is touched."""
    now = utcnow()
    with session_scope() as session:
        post = lock_post(session, org_id, post_id)
        ok, refused = _split(post_targets(session, post_id), CAN_CANCEL)
        _refuse_if_nothing(ok, refused, "cancel")
        for target, _account in ok:
            target.status = TargetStatus.DRAFT
            target.next_attempt_at = None
            target.updated_at = now
        post.scheduled_at = None
        post.updated_at = now
        session.flush()
        states.refresh_post_statuses(session, [post_id])
        audit(session, org_id, user_id, "post.cancel", {"post_id": post_id})
    return {**get_post(org_id, post_id), "refused": refused}


def delete_post(org_id: int, post_id: int, *, user_id: int | None = None) -> DeleteResult:
    """Delete the post, or — when some accounts already have it — only its unpublished targets."""
    with session_scope() as session:
        lock_post(session, org_id, post_id)
        rows = post_targets(session, post_id)
        in_flight = [a for t, a in rows if t.status == TargetStatus.PUBLISHING]
        if in_flight:
            names = ", ".join(account_label(a) for a in in_flight)
            raise PostConflict(
                f"Can't delete this post — it is being published right now on {names}; try again in a few seconds."
            )
        kept = [
            {"account": account_label(a), "reason": locked_reason(t)}
            for t, a in rows
            if t.status == TargetStatus.PUBLISHED
        ]
        for target, _account in rows:
            if target.status != TargetStatus.PUBLISHED:
                session.delete(target)
        session.flush()
        deleted = not kept
        if deleted:
            session.execute(sa_delete(PM).where(PM.c.post_id == post_id))
            session.execute(sa_delete(PreviewLink.__table__).where(PreviewLink.__table__.c.post_id == post_id))
            post = session.get(Post, post_id)
            session.delete(post)
        else:
            states.refresh_post_statuses(session, [post_id])
        audit(session, org_id, user_id, "post.delete", {"post_id": post_id, "kept_published": len(kept)})
        # Only published accounts are left: in privacy mode the post is final now.
        purged = purge_if_final(session, [] if deleted else [post_id], utcnow())
    finish_purge(purged)
    return {"deleted": deleted, "refused": kept}


def _lock_target(session: Session, org_id: int, target_id: int) -> tuple[PostTarget, SocialAccount]:
    post_id = session.execute(
        sa_select(PostTarget.__table__.c.post_id).where(
            PostTarget.__table__.c.id == target_id, PostTarget.__table__.c.organization_id == org_id
        )
    ).scalar()
    if post_id is None:
        raise PostNotFound("That post was not found.")
    lock_post(session, org_id, post_id)
    for target, account in post_targets(session, post_id):
        if target.id == target_id:
            return target, account
    raise PostNotFound("That post was not found.")


def retry_target(org_id: int, target_id: int, *, user_id: int | None = None) -> PostDetail:
    """The user looked and wants another attempt (same idempotency key, so a platform that dedupes still can)."""
    now = utcnow()
    with session_scope() as session:
        target, account = _lock_target(session, org_id, target_id)
        if not TargetStatus(target.status).can_retry:
            raise PostConflict(f"Only failed posts can be retried ({account_label(account)} is {target.status}).")
        if session.get(Post, target.post_id).content_purged_at is not None:
            raise PostConflict("This post's content is not stored any more (privacy mode); write it again to resend.")
        if account.status == "needs_reconnect":
            raise PostError(f"Reconnect {account_label(account)} first, then retry.")
        target.status = TargetStatus.SCHEDULED
        target.next_attempt_at = now
        target.attempts = 0
        target.last_error = ""
        target.error_kind = ""
        target.updated_at = now
        session.flush()
        states.refresh_post_statuses(session, [target.post_id])
        audit(session, org_id, user_id, "post.retry", {"post_id": target.post_id, "target_id": target_id})
        post_id = target.post_id
    return get_post(org_id, post_id)


def mark_target_published(org_id: int, target_id: int, url: str = "", *, user_id: int | None = None) -> PostDetail:
    """The user checked the platform and the post is there: record it so nothing retries it."""
    now = utcnow()
    url = (url or "").strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise PostError("The link must start with http:// or https://")
    with session_scope() as session:
        target, account = _lock_target(session, org_id, target_id)
        if not TargetStatus(target.status).can_retry:
            raise PostConflict(
                f"Only failed posts can be marked as published ({account_label(account)} is {target.status})."
            )
        target.status = TargetStatus.PUBLISHED
        target.external_url = url[:1000]
        target.published_at = now
        target.next_attempt_at = None
        target.last_error = ""
        target.error_kind = "marked_by_user"
        target.updated_at = now
        session.flush()
        states.refresh_post_statuses(session, [target.post_id])
        audit(session, org_id, user_id, "post.mark_published", {"post_id": target.post_id, "target_id": target_id})
        # The person confirmed it is out: webhooks hear `post.published` in this same transaction.
        emit_target_outcomes(session, [target_id], now)
        post_id = target.post_id
        purged = purge_if_final(session, [post_id], now)  # privacy mode: the last final target wipes content
    finish_purge(purged)
    return get_post(org_id, post_id)
