"""Several workspaces per person: list, switch, create, rename.

The current workspace is the `organization_id` on the person's login session row (server side);
switching checks the membership first, so a browser can never pick a workspace it isn't in.
Every query keeps using `CurrentUser.organization_id`, which `resolve_session` reads from that row.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.auth import CurrentUser
from services.db import session_scope
from services.errors import UserError
from services.models import AuditLog, Membership, Organization, UserSession
from services.permissions import require

MAX_NAME = 120


class WorkspaceError(UserError):
    """Bad workspace name, or a workspace the person doesn't belong to."""


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise WorkspaceError("Please enter a workspace name.")
    if len(name) > MAX_NAME:
        raise WorkspaceError(f"Workspace name is too long (at most {MAX_NAME} characters).")
    return name


def list_workspaces(user_id: int) -> list[dict[str, Any]]:
    """The person's workspaces with their role, by name."""
    with session_scope() as s:
        rows = s.exec(
            select(Organization.id, Organization.name, Membership.role)
            .join(Membership, Membership.organization_id == Organization.id)
            .where(Membership.user_id == user_id)
            .order_by(Organization.name, Organization.id)
        ).all()
    return [{"id": int(i), "name": n, "role": r} for i, n, r in rows]


def switch_workspace(actor: CurrentUser, org_id: int) -> None:
    """Make `org_id` this login session's current workspace (only if the person is a member)."""
    with session_scope() as s:
        member = s.exec(
            select(Membership.id).where(Membership.user_id == actor.user_id, Membership.organization_id == org_id)
        ).first()
        if member is None:
            raise WorkspaceError("You aren't a member of that workspace.")
        sess = s.get(UserSession, actor.session_id)
        if sess is None or sess.user_id != actor.user_id:
            raise WorkspaceError("Your session has ended; please log in again.")
        sess.organization_id = org_id


def create_workspace(actor: CurrentUser, name: str) -> int:
    """A new workspace owned by the person, made current for this session."""
    name = _clean_name(name)
    with session_scope() as s:
        org = Organization(name=name)
        s.add(org)
        s.flush()
        s.add(Membership(organization_id=org.id, user_id=actor.user_id, role="owner"))
        s.add(AuditLog(organization_id=org.id, user_id=actor.user_id, action="workspace.created", detail={}))
        org_id = int(org.id)
    switch_workspace(actor, org_id)
    return org_id


def rename_workspace(actor: CurrentUser, name: str) -> None:
    require(actor, "workspace.rename")
    name = _clean_name(name)
    with session_scope() as s:
        org = s.get(Organization, actor.organization_id)
        if org is None:
            raise WorkspaceError("That workspace no longer exists.")
        old, org.name = org.name, name
        s.add(
            AuditLog(
                organization_id=org.id,
                user_id=actor.user_id,
                action="workspace.renamed",
                detail={"from": old, "to": name},
            )
        )
