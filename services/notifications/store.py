"""Creating notifications: `notify` (the API other features call) and who should receive them.

Recipients are filtered to current members of the workspace (a removed person gets nothing more
from it) and the person who caused the event never notifies themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import insert
from sqlmodel import Session, select

from services.db import session_scope
from services.models import Membership, Notification, utcnow
from services.permissions import ROLES, allowed

MAX_TEXT = 500


class Kind(StrEnum):
    """What happened. Stored as these strings; `label` is what the bell's list shows as a heading."""

    APPROVAL_REQUESTED = "approval_requested"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    COMMENT = "comment"
    MENTION = "mention"
    POST_FAILED = "post_failed"
    POST_NEEDS_REVIEW = "post_needs_review"
    ACCOUNT_NEEDS_RECONNECT = "account_needs_reconnect"
    APPROVAL_MISSED = "approval_missed"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Kind.APPROVAL_REQUESTED: "Approval requested",
    Kind.CHANGES_REQUESTED: "Changes requested",
    Kind.APPROVED: "Approved",
    Kind.COMMENT: "New comment",
    Kind.MENTION: "You were mentioned",
    Kind.POST_FAILED: "Post failed",
    Kind.POST_NEEDS_REVIEW: "Post needs review",
    Kind.ACCOUNT_NEEDS_RECONNECT: "Account needs reconnecting",
    Kind.APPROVAL_MISSED: "Approval missed its time",
}

#: Who hears about problems nobody asked for (a failed post, a dead account) besides its author.
MANAGER_ROLES = tuple(r for r in ROLES if allowed(r, "members.manage"))


def _roles_with(action: str) -> tuple[str, ...]:
    return tuple(r for r in ROLES if allowed(r, action))


def _members_with_roles(org_id: int, roles: Iterable[str], session: Session | None = None) -> list[int]:
    if session is None:
        with session_scope() as s:
            return _members_with_roles(org_id, roles, s)
    rows = session.exec(
        select(Membership.user_id)
        .where(Membership.organization_id == org_id, Membership.role.in_(tuple(roles)))
        .order_by(Membership.user_id)
    ).all()
    return [int(r) for r in rows]


def approvers(org_id: int, session: Session | None = None) -> list[int]:
    """Every member whose role may approve posts ("post.approve" in services/permissions.py)."""
    return _members_with_roles(org_id, _roles_with("post.approve"), session)


def workspace_managers(org_id: int) -> list[int]:
    """Owners and Admins (the roles that manage members) — they hear about failures and dead accounts."""
    return _members_with_roles(org_id, MANAGER_ROLES)


def _insert(
    session: Session, org_id: int, user_ids: Iterable[int], kind: Kind, post_id: int | None, text: str,
    actor_id: int | None,
) -> int:  # fmt: skip
    wanted = sorted({int(u) for u in user_ids if u and int(u) != (actor_id or 0)})
    if not wanted:
        return 0
    members = session.exec(
        select(Membership.user_id).where(Membership.organization_id == org_id, Membership.user_id.in_(wanted))
    ).all()
    now = utcnow()
    rows = [
        {"organization_id": org_id, "user_id": int(uid), "kind": str(kind), "post_id": post_id,
         "actor_id": actor_id, "text": text[:MAX_TEXT], "created_at": now}
        for uid in sorted(int(m) for m in members)
    ]  # fmt: skip
    if rows:
        session.execute(insert(Notification), rows)
    return len(rows)


def notify(
    org_id: int,
    user_ids: Iterable[int],
    kind: Kind | str,
    *,
    post_id: int | None = None,
    text: str,
    actor_id: int | None = None,
    session: Session | None = None,
) -> int:
    """Tell these people something happened in the workspace; returns how many notifications were stored.

    `kind` is one of `Kind` (an unknown kind is a bug: ValueError). Non-members and the actor are
    skipped. Pass `session` to write inside the caller's transaction (the notification then
    exists exactly when the change it describes does); otherwise it commits on its own.
    """
    kind = Kind(kind)
    if session is not None:
        return _insert(session, org_id, user_ids, kind, post_id, text, actor_id)
    with session_scope() as s:
        return _insert(s, org_id, user_ids, kind, post_id, text, actor_id)
