"""Read side for the composer, calendar and dashboard, always scoped to one workspace.

Results are TypedDicts (typed contracts that are still the plain dicts Reflex state vars hold).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import select

from services.db import session_scope
from services.models import Post, PostMedia, PostTarget, SocialAccount, User
from services.posts.errors import PostNotFound
from services.publishing import states

T = PostTarget.__table__
P = Post.__table__
A = SocialAccount.__table__
PM = PostMedia.__table__
U = User.__table__


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _preview(text: str, length: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


class TargetDetail(TypedDict):
    """One account's copy of a post, as the composer shows it."""

    id: int
    account_id: int
    platform: str
    account_name: str
    account_username: str
    body: str
    body_override: str | None
    status: str  # a TargetStatus value
    attempts: int
    next_attempt_at: str | None  # UTC ISO 8601
    last_error: str
    error_kind: str
    external_id: str
    external_url: str
    published_at: str | None


class PostDetail(TypedDict):
    """A post with its targets and media, as get_post returns it."""

    id: int
    body: str
    status: str  # a PostStatus value
    scheduled_at: str | None
    timezone: str
    version: int
    created_at: str | None
    updated_at: str | None
    media_ids: list[int]
    targets: list[TargetDetail]
    author_id: int | None
    approval_state: str  # an ApprovalState value (services/approvals/states.py)
    approved_version: int | None
    review_note: str  # the reviewer's note (shown with "changes requested")
    content_purged: bool  # privacy mode / retention wiped the text and media (metadata stays)
    body_sha256: str  # SHA-256 of the wiped text (hex), "" while the text is stored
    reviewer: str  # who decided last: a member's name or an external reviewer's
    reviewed_at: str | None


def _target_dict(row: Any, post_body: str) -> TargetDetail:
    return {
        "id": row.id,
        "account_id": row.social_account_id,
        "platform": row.platform,
        "account_name": row.display_name,
        "account_username": row.username,
        "body": row.body_override if row.body_override is not None else post_body,
        "body_override": row.body_override,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": _iso(row.next_attempt_at),
        "last_error": row.last_error,
        "error_kind": row.error_kind,
        "external_id": row.external_id,
        "external_url": row.external_url,
        "published_at": _iso(row.published_at),
    }


_TARGET_COLUMNS = (
    T.c.id,
    T.c.post_id,
    T.c.social_account_id,
    A.c.platform,
    A.c.display_name,
    A.c.username,
    T.c.body_override,
    T.c.status,
    T.c.attempts,
    T.c.next_attempt_at,
    T.c.last_error,
    T.c.error_kind,
    T.c.external_id,
    T.c.external_url,
    T.c.published_at,
)


def get_post(org_id: int, post_id: int) -> PostDetail:
    with session_scope() as session:
        post = session.execute(select(P).where(P.c.id == post_id, P.c.organization_id == org_id)).first()
        if post is None:
            raise PostNotFound("That post was not found.")
        targets = session.execute(
            select(*_TARGET_COLUMNS)
            .join(A, A.c.id == T.c.social_account_id)
            .where(T.c.post_id == post_id)
            .order_by(T.c.id)
        ).all()
        reviewer = (
            session.execute(select(U.c.name).where(U.c.id == post.reviewed_by)).scalar() if post.reviewed_by else ""
        )
        media_ids = (
            session.execute(select(PM.c.media_asset_id).where(PM.c.post_id == post_id).order_by(PM.c.position, PM.c.id))
            .scalars()
            .all()
        )
    return {
        "id": post.id,
        "body": post.body,
        "status": post.status,
        "scheduled_at": _iso(post.scheduled_at),
        "timezone": post.timezone,
        "version": post.version,
        "created_at": _iso(post.created_at),
        "updated_at": _iso(post.updated_at),
        "media_ids": list(media_ids),
        "targets": [_target_dict(t, post.body) for t in targets],
        "author_id": post.author_id,
        "approval_state": post.approval_state,
        "approved_version": post.approved_version,
        "review_note": post.review_note,
        "reviewer": post.reviewer_name or reviewer or "",
        "reviewed_at": _iso(post.reviewed_at),
        "content_purged": post.content_purged_at is not None,
        "body_sha256": post.body_sha256 or "",
    }


def upcoming_posts(org_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """Posts with targets still waiting to go out, soonest first."""
    with session_scope() as session:
        rows = session.execute(
            select(T.c.post_id, P.c.body, P.c.timezone, T.c.next_attempt_at, A.c.platform, A.c.display_name)
            .join(P, P.c.id == T.c.post_id)
            .join(A, A.c.id == T.c.social_account_id)
            .where(T.c.organization_id == org_id, T.c.status == states.SCHEDULED)
            .order_by(T.c.next_attempt_at, T.c.post_id)
            .limit(limit * 10)
        ).all()
    posts: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = posts.get(row.post_id)
        if entry is None:
            if len(posts) >= limit:
                continue
            entry = posts[row.post_id] = {
                "post_id": row.post_id,
                "preview": _preview(row.body),
                "scheduled_at": _iso(row.next_attempt_at),
                "timezone": row.timezone,
                "accounts": [],
            }
        entry["accounts"].append({"platform": row.platform, "name": row.display_name})
    return list(posts.values())


def recent_failures(org_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """Failed and needs-review targets, newest first, with the reason the user needs to act on."""
    with session_scope() as session:
        rows = session.execute(
            select(
                T.c.id,
                T.c.post_id,
                T.c.status,
                T.c.last_error,
                T.c.updated_at,
                P.c.body,
                T.c.body_override,
                A.c.platform,
                A.c.display_name,
            )
            .join(P, P.c.id == T.c.post_id)
            .join(A, A.c.id == T.c.social_account_id)
            .where(T.c.organization_id == org_id, T.c.status.in_((states.FAILED, states.NEEDS_REVIEW)))
            .order_by(T.c.updated_at.desc(), T.c.id.desc())
            .limit(limit)
        ).all()
    return [
        {
            "target_id": r.id,
            "post_id": r.post_id,
            "status": r.status,
            "reason": r.last_error,
            "at": _iso(r.updated_at),
            "preview": _preview(r.body_override if r.body_override is not None else r.body),
            "platform": r.platform,
            "account_name": r.display_name,
        }
        for r in rows
    ]
