"""Several workspaces per person: the session row holds the current one; switching checks membership."""

from __future__ import annotations

import pytest
from sqlmodel import select

from services import auth
from services.db import session_scope
from services.models import Membership
from services.permissions import PermissionDenied
from services.workspace_switch import (
    WorkspaceError,
    create_workspace,
    list_workspaces,
    rename_workspace,
    switch_workspace,
)

PASSWORD = "correct horse battery"


def _login(email: str) -> tuple[str, auth.CurrentUser]:
    auth.register_user(email, email.split("@")[0], PASSWORD)
    token = auth.login(email, PASSWORD)
    user = auth.resolve_session(token)
    assert user is not None
    return token, user


def test_create_switch_and_isolation(db: str) -> None:
    token, user = _login("ann@example.com")
    home = user.organization_id
    client = create_workspace(user, "  Client Co ")
    now = auth.resolve_session(token)
    assert now is not None and now.organization_id == client and now.organization_name == "Client Co"
    assert now.role == "owner"
    assert [w["name"] for w in list_workspaces(user.user_id)] == ["Client Co", "ann's workspace"]
    switch_workspace(now, home)
    assert auth.resolve_session(token).organization_id == home


def test_cannot_switch_into_a_workspace_you_are_not_in(db: str) -> None:
    _, ann = _login("ann@example.com")
    token, bob = _login("bob@example.com")
    with pytest.raises(WorkspaceError, match="aren't a member"):
        switch_workspace(bob, ann.organization_id)
    assert auth.resolve_session(token).organization_id == bob.organization_id


def test_rename_needs_the_role_and_a_name(db: str) -> None:
    token, ann = _login("ann@example.com")
    with pytest.raises(WorkspaceError, match="enter a workspace name"):
        rename_workspace(ann, "   ")
    rename_workspace(ann, "Ann Agency")
    assert auth.resolve_session(token).organization_name == "Ann Agency"
    with session_scope() as s:
        m = s.exec(select(Membership).where(Membership.user_id == ann.user_id)).one()
        m.role = "viewer"
    viewer = auth.resolve_session(token)
    with pytest.raises(PermissionDenied, match="Viewers can't rename the workspace"):
        rename_workspace(viewer, "Hijacked")
    assert auth.resolve_session(token).organization_name == "Ann Agency"
