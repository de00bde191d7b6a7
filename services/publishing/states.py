"""Target states and how a post's status follows from its targets.

A post is written once but published per account, so the truth lives on each PostTarget;
`Post.status` is only a summary kept for lists and the calendar. The derivation, in order of
precedence (the first rule that matches wins):

1. no targets                          → draft
2. any target `publishing`             → publishing      (something is in flight right now)
3. any target `needs_review`           → needs_review    (the user must look: it may be posted)
4. any target `scheduled`              → scheduled       (more to go, including pending retries)
5. every target `published`            → published
6. any target `draft`                  → draft           (cancelled / never scheduled)
7. every target `failed`               → failed
8. otherwise (published + failed)      → partially_failed
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from services.models import Post, PostTarget

P = Post.__table__
T = PostTarget.__table__

DRAFT = "draft"
SCHEDULED = "scheduled"
PUBLISHING = "publishing"
PUBLISHED = "published"
FAILED = "failed"
NEEDS_REVIEW = "needs_review"
PARTIALLY_FAILED = "partially_failed"

TARGET_STATES = (DRAFT, SCHEDULED, PUBLISHING, PUBLISHED, FAILED, NEEDS_REVIEW)
#: Targets the user may still change: nothing is in flight and nothing went out.
EDITABLE_TARGET_STATES = (DRAFT, SCHEDULED, FAILED, NEEDS_REVIEW)
#: Targets that must not be touched: in flight, or already on the platform.
LOCKED_TARGET_STATES = (PUBLISHING, PUBLISHED)

NEEDS_REVIEW_MESSAGE = "The platform may have posted this — check, then Retry or Mark as published"
MISSED_MESSAGE = "missed while the server was down"


def derive_post_status(target_statuses: Iterable[str]) -> str:
    statuses = list(target_statuses)
    if not statuses:
        return DRAFT
    present = set(statuses)
    for status in (PUBLISHING, NEEDS_REVIEW, SCHEDULED):
        if status in present:
            return status
    if present == {PUBLISHED}:
        return PUBLISHED
    if DRAFT in present:
        return DRAFT
    if present == {FAILED}:
        return FAILED
    return PARTIALLY_FAILED


def lock_posts(session: Session, post_ids: Iterable[int]) -> None:
    """Lock the posts (PostgreSQL; in id order) before touching their targets.

    Two transactions finishing targets of one post would each read the other's target as still
    `publishing` and leave a stale status; holding the post row lock serializes them. Everyone
    locks post → targets (the post services too), so this order cannot deadlock.
    """
    ids = sorted(set(post_ids))
    if ids:
        session.execute(_LOCK_POSTS, {"ids": ids})


_LOCK_POSTS = select(P.c.id).where(P.c.id.in_(bindparam("ids", expanding=True))).order_by(P.c.id).with_for_update()
_TARGET_STATUSES = select(T.c.post_id, T.c.status).where(T.c.post_id.in_(bindparam("ids", expanding=True)))
_SET_STATUS = (
    update(P)
    .where(P.c.id.in_(bindparam("ids", expanding=True)), P.c.status != bindparam("status"))
    .values(status=bindparam("status"))
)


def refresh_post_statuses(session: Session, post_ids: Iterable[int], *, locked: bool = False) -> None:
    """Recompute `Post.status` from the targets inside the caller's transaction.

    `locked=True` when the caller already holds the post locks. Set-based (one read, then one
    UPDATE per resulting status) because the engine refreshes a whole batch of posts at a time.
    """
    ids = sorted(set(post_ids))
    if not ids:
        return
    if not locked:
        lock_posts(session, ids)
    by_post: dict[int, list[str]] = {pid: [] for pid in ids}
    for post_id, status in session.execute(_TARGET_STATUSES, {"ids": ids}).all():
        by_post[post_id].append(status)
    by_status: dict[str, list[int]] = {}
    for post_id, statuses in by_post.items():
        by_status.setdefault(derive_post_status(statuses), []).append(post_id)
    for status, posts in sorted(by_status.items()):
        session.execute(_SET_STATUS, {"ids": posts, "status": status})
