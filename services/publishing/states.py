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
from enum import StrEnum

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from services.models import Post, PostTarget

P = Post.__table__
T = PostTarget.__table__


class TargetStatus(StrEnum):
    """Where one account's copy of a post is. Stored as these exact strings (a plain text column).

    The rules live here as properties, so "may this be moved / retried / cancelled?" has one answer
    everywhere (composer, calendar, queue, posts list, engine). A value read from the database is a
    plain str: `TargetStatus(row.status).is_locked`.
    """

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"

    @property
    def is_locked(self) -> bool:
        """Must not be touched: in flight, or already on the platform."""
        return self in (TargetStatus.PUBLISHING, TargetStatus.PUBLISHED)

    @property
    def is_editable(self) -> bool:
        """The user may still change it: nothing is in flight and nothing went out."""
        return not self.is_locked

    @property
    def can_reschedule(self) -> bool:
        """May get a (new) time — reschedule, publish now, a calendar drag. A target that needs review
        is left alone until the user has checked the platform (Retry or Mark as published)."""
        return self in (TargetStatus.DRAFT, TargetStatus.SCHEDULED, TargetStatus.FAILED)

    @property
    def can_cancel(self) -> bool:
        """Cancelling a schedule only applies to what is still waiting for its time."""
        return self is TargetStatus.SCHEDULED

    @property
    def can_retry(self) -> bool:
        """Retry / Mark as published: only after the engine gave up or could not tell."""
        return self in (TargetStatus.FAILED, TargetStatus.NEEDS_REVIEW)

    @property
    def is_pending(self) -> bool:
        """Still going to be published by the engine (the composer keeps watching it)."""
        return self in (TargetStatus.SCHEDULED, TargetStatus.PUBLISHING)

    @property
    def is_settled(self) -> bool:
        """The engine is done with it for now (publish now stops waiting)."""
        return not self.is_pending

    @property
    def occupies_slot(self) -> bool:
        """Holds its queue slot: on its way out, out, or possibly out."""
        return self in (
            TargetStatus.SCHEDULED, TargetStatus.PUBLISHING, TargetStatus.PUBLISHED, TargetStatus.NEEDS_REVIEW
        )  # fmt: skip

    @classmethod
    def matching(cls, rule: str) -> tuple[TargetStatus, ...]:
        """Every status for which the property `rule` holds, for SQL `IN (...)` filters."""
        return tuple(s for s in cls if getattr(s, rule))


class PostStatus(StrEnum):
    """The summary of a post's targets (see the derivation above); what lists and the calendar show."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"
    PARTIALLY_FAILED = "partially_failed"

    @property
    def can_reschedule(self) -> bool:
        """The calendar lets the post be dragged / picked to a new time (its targets decide the rest)."""
        return self in (PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.FAILED)

    @property
    def is_pending(self) -> bool:
        return self in (PostStatus.SCHEDULED, PostStatus.PUBLISHING)


# Module-level names kept for the engine and older callers; they are the enum members.
DRAFT = TargetStatus.DRAFT
SCHEDULED = TargetStatus.SCHEDULED
PUBLISHING = TargetStatus.PUBLISHING
PUBLISHED = TargetStatus.PUBLISHED
FAILED = TargetStatus.FAILED
NEEDS_REVIEW = TargetStatus.NEEDS_REVIEW
PARTIALLY_FAILED = PostStatus.PARTIALLY_FAILED

TARGET_STATES = tuple(TargetStatus)
#: Targets the user may still change: nothing is in flight and nothing went out.
EDITABLE_TARGET_STATES = TargetStatus.matching("is_editable")
#: Targets that must not be touched: in flight, or already on the platform.
LOCKED_TARGET_STATES = TargetStatus.matching("is_locked")

NEEDS_REVIEW_MESSAGE = "The platform may have posted this — check, then Retry or Mark as published"
MISSED_MESSAGE = "missed while the server was down"


def derive_post_status(target_statuses: Iterable[str]) -> PostStatus:
    present = set(target_statuses)
    if not present:
        return PostStatus.DRAFT
    for status in (PostStatus.PUBLISHING, PostStatus.NEEDS_REVIEW, PostStatus.SCHEDULED):
        if status in present:
            return status
    if present == {PostStatus.PUBLISHED}:
        return PostStatus.PUBLISHED
    if PostStatus.DRAFT in present:
        return PostStatus.DRAFT
    if present == {PostStatus.FAILED}:
        return PostStatus.FAILED
    return PostStatus.PARTIALLY_FAILED


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
