"""Invites (single use, expiring, hashed) and member management, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from services import auth, registration
from services.db import session_scope
from services.invites import (
    InviteError,
    accept_invite,
    create_invite,
    describe_invite,
    pending_invites,
    register_with_signup,
    revoke_invite,
)
from services.members import MemberError, change_role, list_members, remove_member
from services.models import Invite, Membership, utcnow
from services.permissions import PermissionDenied

PASSWORD = "correct horse battery"


def _person(email: str) -> tuple[str, auth.CurrentUser]:
    auth.register_user(email, email.split("@")[0].title(), PASSWORD)
    token = auth.login(email, PASSWORD)
    user = auth.resolve_session(token)
    assert user is not None
    return token, user


def _memberships(org_id: int) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(Membership).where(Membership.organization_id == org_id)).one()


def test_invite_join_once_and_hash_only(db: str) -> None:
    _, owner = _person("owner@example.com")
    _, bob = _person("bob@example.com")
    token = create_invite(owner, " Bob@Example.com ", "editor")
    with session_scope() as s:
        row = s.exec(select(Invite)).one()
        assert row.token_hash == auth.hash_token(token) and token not in row.token_hash
        assert row.expires_at - utcnow() > timedelta(days=6, hours=23)
    assert describe_invite(token) == {"email": "bob@example.com", "role": "editor", "workspace": "Owner's workspace"}
    assert accept_invite(token, bob.user_id) == owner.organization_id
    assert {m["email"]: m["role"] for m in list_members(owner)} == {"owner@example.com": "owner", "bob@example.com": "editor"}
    with pytest.raises(InviteError, match="already been used"):
        accept_invite(token, bob.user_id)
    assert _memberships(owner.organization_id) == 2


@pytest.mark.parametrize("kill", ["expired", "revoked", "unknown"])
def test_dead_links_create_nothing(db: str, kill: str) -> None:
    _, owner = _person("owner@example.com")
    _, bob = _person("bob@example.com")
    token = create_invite(owner, "bob@example.com", "viewer")
    if kill == "expired":
        with session_scope() as s:
            s.exec(update(Invite).values(expires_at=utcnow() - timedelta(seconds=1)))
    elif kill == "revoked":
        revoke_invite(owner, pending_invites(owner)[0]["id"])
    else:
        token = token[:-3] + "xyz"
    with pytest.raises(InviteError, match={"expired": "expired", "revoked": "revoked", "unknown": "not valid"}[kill]):
        accept_invite(token, bob.user_id)
    assert _memberships(owner.organization_id) == 1


def test_existing_member_gets_a_message_not_a_duplicate(db: str) -> None:
    _, owner = _person("owner@example.com")
    with pytest.raises(InviteError, match="already a member"):
        create_invite(owner, "owner@example.com", "editor")
    assert pending_invites(owner) == []


def test_only_admins_invite_and_only_owners_grant_owner(db: str) -> None:
    _, owner = _person("owner@example.com")
    tok_e, _ = _person("ed@example.com")
    ed = auth.resolve_session(tok_e)
    accept_invite(create_invite(owner, "ed@example.com", "editor"), ed.user_id)
    from services.workspace_switch import switch_workspace

    switch_workspace(ed, owner.organization_id)
    ed = auth.resolve_session(tok_e)
    with pytest.raises(PermissionDenied, match="Editors can't invite members"):
        create_invite(ed, "x@example.com", "viewer")
    change_role(owner, ed.user_id, "admin")
    admin = auth.resolve_session(tok_e)
    create_invite(admin, "x@example.com", "viewer")
    with pytest.raises(PermissionDenied, match="Admins can't manage owners"):
        create_invite(admin, "y@example.com", "owner")


def test_last_owner_and_removal_cuts_sessions(db: str) -> None:
    _, owner = _person("owner@example.com")
    tok_b, bob = _person("bob@example.com")
    with pytest.raises(MemberError, match="last Owner can't be demoted"):
        change_role(owner, owner.user_id, "admin")
    with pytest.raises(MemberError, match="last Owner can't leave"):
        remove_member(owner, owner.user_id)
    accept_invite(create_invite(owner, "bob@example.com", "editor"), bob.user_id)
    from services.workspace_switch import switch_workspace

    switch_workspace(bob, owner.organization_id)
    assert auth.resolve_session(tok_b).organization_id == owner.organization_id
    remove_member(owner, bob.user_id)
    after = auth.resolve_session(tok_b)  # next request: back in their own workspace, not the owner's
    assert after is not None and after.organization_id == bob.organization_id
    assert _memberships(owner.organization_id) == 1


def test_signup_with_invite_on_invite_only_instance(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, owner = _person("owner@example.com")
    monkeypatch.setattr(registration, "_invite_handlers", [])  # don't leak the hook into other tests
    register_with_signup()
    token = create_invite(owner, "new@example.com", "contributor")
    with pytest.raises(auth.AuthError, match="Registration is closed"):
        registration.sign_up("other@example.com", "Other", PASSWORD, invite_token=token)
    registration.sign_up("new@example.com", "New", PASSWORD, invite_token=token)
    roles = {m["email"]: m["role"] for m in list_members(owner)}
    assert roles["new@example.com"] == "contributor"
    with pytest.raises(InviteError, match="already been used"):
        describe_invite(token)
