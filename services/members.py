"""Members of a workspace: list, change role, remove. The last Owner can't leave, be removed or demoted.

Removal deletes the membership row; `resolve_session` joins memberships, so the removed person's
open sessions lose that workspace at their next request (they are moved to another workspace of
theirs when they have one).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from services.auth import CurrentUser
from services.db import session_scope
from services.errors import UserError
from services.models import AuditLog, Membership, User, UserSession
from services.permissions import ROLES, require


class MemberError(UserError):
    """A member change that isn't possible (last owner, unknown member, bad role)."""


def list_members(actor: CurrentUser) -> list[dict[str, Any]]:
    require(actor, "members.read")
    with session_scope() as s:
        last_seen = (
            select(UserSession.user_id, func.max(UserSession.last_seen_at).label("seen"))
            .where(UserSession.organization_id == actor.organization_id)
            .group_by(UserSession.user_id)
            .subquery()
        )
        rows = s.exec(
            select(User.id, User.name, User.email, Membership.role, last_seen.c.seen)
            .join(Membership, Membership.user_id == User.id)
            .outerjoin(last_seen, last_seen.c.user_id == User.id)
            .where(Membership.organization_id == actor.organization_id)
            .order_by(User.name, User.id)
        ).all()
    return [
        {"user_id": int(i), "name": n, "email": e, "role": r, "last_active": seen.isoformat() if seen else ""}
        for i, n, e, r, seen in rows
    ]


def _membership(s: Session, org_id: int, user_id: int) -> Membership:
    m = s.exec(select(Membership).where(Membership.organization_id == org_id, Membership.user_id == user_id)).first()
    if m is None:
        raise MemberError("That person is not a member of this workspace.")
    return m


def _owners(s: Session, org_id: int) -> int:
    return s.exec(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organization_id == org_id, Membership.role == "owner")
    ).one()


def change_role(actor: CurrentUser, user_id: int, role: str) -> None:
    require(actor, "members.manage")
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise MemberError(f"Unknown role {role!r}.")
    with session_scope() as s:
        m = _membership(s, actor.organization_id, user_id)
        if "owner" in (m.role, role):
            require(actor, "owners.manage")
        if m.role == "owner" and role != "owner" and _owners(s, actor.organization_id) <= 1:
            raise MemberError("The last Owner can't be demoted; make someone else Owner first.")
        old, m.role = m.role, role
        s.add(AuditLog(organization_id=actor.organization_id, user_id=actor.user_id, action="member.role_changed",
                       detail={"member": user_id, "from": old, "to": role}))  # fmt: skip


def remove_member(actor: CurrentUser, user_id: int) -> None:
    """Remove someone (or leave, when user_id is the actor's own)."""
    if user_id != actor.user_id:
        require(actor, "members.manage")
    with session_scope() as s:
        m = _membership(s, actor.organization_id, user_id)
        if m.role == "owner":
            if user_id != actor.user_id:
                require(actor, "owners.manage")
            if _owners(s, actor.organization_id) <= 1:
                raise MemberError("The last Owner can't leave or be removed; make someone else Owner first.")
        s.delete(m)
        other = s.exec(
            select(Membership.organization_id)
            .where(Membership.user_id == user_id, Membership.organization_id != actor.organization_id)
            .order_by(Membership.id)
        ).first()
        if other is not None:
            for sess in s.exec(
                select(UserSession).where(
                    UserSession.user_id == user_id, UserSession.organization_id == actor.organization_id
                )
            ).all():
                sess.organization_id = other
        s.add(AuditLog(organization_id=actor.organization_id, user_id=actor.user_id, action="member.removed",
                       detail={"member": user_id}))  # fmt: skip
