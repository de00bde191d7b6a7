"""A person's notifications in their current workspace: the bell's count, the list, mark read.

Everything is keyed by (user, workspace) from the server-side session, never by ids the browser
chose: marking someone else's notification read simply matches no row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import select

from services.auth import CurrentUser
from services.db import session_scope
from services.models import Notification, User, utcnow
from services.notifications.store import Kind
from services.permissions import require
from services.timezones import format_local

LIST_LIMIT = 50


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    title: str
    text: str
    when: str  # in the person's timezone
    post_id: int | None
    href: str  # where clicking it goes ("" when the post is gone)
    actor: str
    unread: bool


def unread_count(user_id: int, org_id: int) -> int:
    """The bell's number: one indexed count, cheap enough to poll every few seconds per open page."""
    with session_scope() as s:
        return int(
            s.exec(
                select(func.count())
                .select_from(Notification)
                .where(
                    Notification.user_id == user_id,
                    Notification.organization_id == org_id,
                    Notification.read_at.is_(None),
                )
            ).one()
        )


def list_notifications(actor: CurrentUser, limit: int = LIST_LIMIT) -> list[NotificationView]:
    """Newest first, in the actor's current workspace."""
    require(actor, "notifications.read")
    with session_scope() as s:
        rows = s.exec(
            select(Notification, User.name)
            .outerjoin(User, User.id == Notification.actor_id)
            .where(Notification.user_id == actor.user_id, Notification.organization_id == actor.organization_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(max(1, min(limit, 200)))
        ).all()
    out = []
    for n, actor_name in rows:
        try:
            title = Kind(n.kind).label
        except ValueError:
            title = n.kind
        out.append(
            NotificationView(
                id=int(n.id), kind=n.kind, title=title, text=n.text, when=format_local(n.created_at, actor.timezone),
                post_id=n.post_id, href=f"/compose?post={n.post_id}" if n.post_id else "", actor=actor_name or "",
                unread=n.read_at is None,
            )
        )  # fmt: skip
    return out


def mark_read(actor: CurrentUser, notification_id: int) -> int:
    """Mark one of the actor's own notifications read; returns 1, or 0 when it isn't theirs / already read."""
    require(actor, "notifications.read")
    with session_scope() as s:
        return s.exec(
            update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.user_id == actor.user_id,
                Notification.organization_id == actor.organization_id,
                Notification.read_at.is_(None),
            )
            .values(read_at=utcnow())
        ).rowcount


def mark_all_read(actor: CurrentUser) -> int:
    """Everything unread of the actor in the current workspace; returns how many changed."""
    require(actor, "notifications.read")
    with session_scope() as s:
        return s.exec(
            update(Notification)
            .where(
                Notification.user_id == actor.user_id,
                Notification.organization_id == actor.organization_id,
                Notification.read_at.is_(None),
            )
            .values(read_at=utcnow())
        ).rowcount
