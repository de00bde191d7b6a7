"""Notifications the system raises by itself: a post failed or needs review, an account needs reconnecting.

These run inside the transaction that records the outcome (the engine's outcome batch, the
downtime/reclaim housekeeping, the account's status change), so a notification exists exactly
when the state it reports does. They are set-based — one `INSERT … SELECT` per kind, joining the
affected posts to the workspace's memberships — so a batch of 500 failures costs the engine one
statement, not 500 round trips, and nothing here touches the claim path.

Recipients: the post's author (or the person who connected the account) and the workspace's
Owners/Admins.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import String, Text, and_, func, insert, literal, or_, select
from sqlmodel import Session

from services.models import Membership, Notification, Post, SocialAccount
from services.notifications.store import MANAGER_ROLES, Kind

N = Notification.__table__
M = Membership.__table__
P = Post.__table__

_PUBLISH_TEXT = {
    Kind.POST_FAILED: "Publishing failed: ",
    Kind.POST_NEEDS_REVIEW: "The platform may have posted this — check it: ",
}
#: Which target status raises which notification.
STATUS_KINDS = {"failed": Kind.POST_FAILED, "needs_review": Kind.POST_NEEDS_REVIEW}
SNIPPET = 120


def _created(now: datetime):  # noqa: ANN202 - a typed SQL literal
    return literal(now, N.c.created_at.type)


def notify_publish_problems(session: Session, post_ids_by_kind: dict[Kind, Iterable[int]], now: datetime) -> int:
    """One INSERT … SELECT per kind for the posts that just failed / need review; returns rows written."""
    written = 0
    for kind, post_ids in sorted(post_ids_by_kind.items()):
        ids = sorted(set(post_ids))
        if not ids:
            continue
        text = literal(_PUBLISH_TEXT[kind], String).concat(func.substr(P.c.body, 1, SNIPPET, type_=Text))
        recipients = (
            select(P.c.organization_id, M.c.user_id, literal(str(kind), String), P.c.id, text, _created(now))
            .select_from(P.join(M, M.c.organization_id == P.c.organization_id))
            .where(P.c.id.in_(ids), or_(M.c.user_id == P.c.author_id, M.c.role.in_(MANAGER_ROLES)))
        )
        written += session.execute(
            insert(N).from_select(["organization_id", "user_id", "kind", "post_id", "text", "created_at"], recipients)
        ).rowcount
    return written


def notify_account_needs_reconnect(session: Session, account: SocialAccount, now: datetime) -> int:
    """The person who connected the account and the workspace's Owners/Admins, in the status change's transaction."""
    text = f"{account.display_name or account.username or account.platform} ({account.platform}) needs reconnecting"
    if account.status_reason:
        text = f"{text}: {account.status_reason}"
    who = M.c.role.in_(MANAGER_ROLES)
    if account.connected_by:
        who = or_(who, M.c.user_id == account.connected_by)
    recipients = select(
        M.c.organization_id, M.c.user_id, literal(str(Kind.ACCOUNT_NEEDS_RECONNECT), String),
        literal(text[:500], String), _created(now),
    ).where(and_(M.c.organization_id == account.organization_id, who))  # fmt: skip
    return session.execute(
        insert(N).from_select(["organization_id", "user_id", "kind", "text", "created_at"], recipients)
    ).rowcount
