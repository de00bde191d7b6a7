"""Helpers shared by the post services: org-scoped loading, row locking, audit rows, labels."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session
from sqlmodel import select as orm_select

from services.db import get_engine, is_sqlite
from services.models import AuditLog, Post, PostTarget, SocialAccount
from services.posts.errors import PostNotFound
from services.publishing.states import TargetStatus

T = PostTarget.__table__
P = Post.__table__
A = SocialAccount.__table__


def utcnow() -> datetime:
    return datetime.now(UTC)


def lock_post(session: Session, org_id: int, post_id: int) -> Post:
    """Take the write lock on the post and its targets before reading them.

    The engine claims targets concurrently; holding these locks means a claim either happened
    before us (we then see `publishing` and refuse) or waits/skips until we commit (it then reads
    the post as we leave it). SQLite: the first statement is a write, which takes the database
    write lock for the whole transaction. PostgreSQL: FOR UPDATE on the post and its targets.
    """
    if is_sqlite(str(get_engine().url)):
        hit = session.execute(
            update(P).where(P.c.id == post_id, P.c.organization_id == org_id).values(updated_at=P.c.updated_at)
        ).rowcount
        if not hit:
            raise PostNotFound("That post was not found.")
    post = session.exec(
        orm_select(Post).where(Post.id == post_id, Post.organization_id == org_id).with_for_update()
    ).first()
    if post is None:
        raise PostNotFound("That post was not found.")
    if not is_sqlite(str(get_engine().url)):
        session.execute(select(T.c.id).where(T.c.post_id == post_id).order_by(T.c.id).with_for_update())
    return post


def post_targets(session: Session, post_id: int) -> list[tuple[PostTarget, SocialAccount]]:
    rows = session.exec(
        orm_select(PostTarget, SocialAccount)
        .join(SocialAccount, SocialAccount.id == PostTarget.social_account_id)
        .where(PostTarget.post_id == post_id)
        .order_by(PostTarget.id)
    ).all()
    return [(t, a) for t, a in rows]


def account_label(account: SocialAccount) -> str:
    from services.platforms import registry

    try:
        platform = registry.adapter_class(account.platform).label
    except KeyError:
        platform = account.platform
    handle = f"@{account.username}" if account.username else account.display_name
    return f"{platform} ({handle})"


def locked_reason(target: PostTarget) -> str:
    if target.status == TargetStatus.PUBLISHING:
        return "it is being published right now — try again in a few seconds"
    return "it is already published"


def audit(session: Session, org_id: int, user_id: int | None, action: str, detail: dict[str, Any]) -> None:
    session.add(AuditLog(organization_id=org_id, user_id=user_id, action=action, detail=detail))
