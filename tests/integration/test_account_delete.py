"""Deleting one's account: password (+ 2FA), last-owner rule, what goes and what stays (SQLite + PostgreSQL)."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlalchemy import func, select

from services import auth, two_factor
from services.api.keys import create_key, resolve_key
from services.db import session_scope
from services.errors import UserError
from services.mcp.tokens import create_token, resolve_token
from services.models import (
    AIProvider,
    AuditLog,
    Comment,
    Membership,
    Organization,
    Post,
    User,
    UserSession,
)
from services.ownership import exports
from services.ownership.account_delete import AccountDeletionRefused, delete_account
from tests.integration.privacy_helpers import PASSWORD, actor, populate


def _join(user: auth.CurrentUser, org_id: int, role: str) -> auth.CurrentUser:
    with session_scope() as s:
        s.add(Membership(organization_id=org_id, user_id=user.user_id, role=role))
    from dataclasses import replace

    return replace(user, organization_id=org_id, role=role)


def test_wrong_password_deletes_nothing(db: str) -> None:
    admin = actor("admin@example.com", "Admin")  # the first account runs the instance
    user = actor("ann@example.com", "Ann")
    with pytest.raises(AccountDeletionRefused, match="password is not right"):
        delete_account(user, "wrong password!")
    assert auth.resolve_session(auth.login("ann@example.com", PASSWORD)) is not None
    assert admin.is_instance_admin


def test_two_factor_code_is_required_when_enrolled(db: str) -> None:
    actor("admin@example.com", "Admin")
    user = actor("ann@example.com", "Ann")
    secret = two_factor.start(user.user_id).secret.replace(" ", "")
    two_factor.confirm(user.user_id, pyotp.TOTP(secret).now(), user.organization_id)
    with pytest.raises(AccountDeletionRefused, match="authenticator app"):
        delete_account(user, PASSWORD)
    with pytest.raises(AccountDeletionRefused, match="Nothing was deleted"):
        delete_account(user, PASSWORD, "000000")
    # the enrolment code's time step was used; the next step's code is accepted
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert delete_account(user, PASSWORD, code)["pseudonym"] == user.user_id


def test_last_owner_of_a_shared_workspace_must_hand_it_over(db: str) -> None:
    actor("admin@example.com", "Admin")
    owner = actor("ann@example.com", "Ann")
    bob = actor("bob@example.com", "Bob")
    _join(bob, owner.organization_id, "editor")
    with pytest.raises(AccountDeletionRefused, match="last Owner of “Ann's workspace”"):
        delete_account(owner, PASSWORD)
    with session_scope() as s:  # ownership transferred: now she may go
        m = s.execute(select(Membership).where(Membership.user_id == bob.user_id,
                                               Membership.organization_id == owner.organization_id)).scalars().one()  # fmt: skip
        m.role = "owner"
    result = delete_account(owner, PASSWORD)
    assert result["workspaces_kept"] == 1 and result["workspaces_deleted"] == 0


def test_what_goes_and_what_stays(db: str) -> None:
    actor("admin@example.com", "Admin")
    bob = actor("bob@example.com", "Bob")  # owns the shared workspace
    ann = actor("ann@example.com", "Ann")
    solo_org = ann.organization_id  # Ann's own workspace: only she is in it
    ann_shared = _join(ann, bob.organization_id, "editor")
    populate(ann_shared)  # posts, comments, media by Ann in Bob's workspace
    raw_key, _listing = create_key(ann_shared, bob.organization_id, "n8n", "editor")
    raw_mcp, _row = create_token(bob.organization_id, ann.user_id, "Claude")
    with session_scope() as s:
        s.add(AIProvider(organization_id=bob.organization_id, user_id=ann.user_id, name="Mine", base_url="https://x.example/v1",
                         model="m", api_key_blob="encrypted"))  # fmt: skip
        s.add(AuditLog(organization_id=bob.organization_id, user_id=bob.user_id, action="member.invited",
                       detail={"email": "ann@example.com", "role": "editor"}))  # fmt: skip
    exports.request_personal_export(ann, background=False)
    second_session = auth.login("ann@example.com", PASSWORD)

    result = delete_account(ann, PASSWORD)
    assert result["workspaces_deleted"] == 1 and result["workspaces_kept"] == 1
    assert result["sessions"] >= 2 and result["mcp_tokens"] == 1 and result["api_keys"] == 1 and result["ai_providers"] == 1
    assert auth.resolve_session(second_session) is None  # every session ended
    with pytest.raises(auth.AuthError):
        auth.login("ann@example.com", PASSWORD)
    assert resolve_token(raw_mcp) is None
    with pytest.raises(UserError):
        resolve_key(raw_key)
    with session_scope() as s:
        tomb = s.get(User, ann.user_id)
        assert tomb.name == "Deleted user" and tomb.deleted_at is not None and "ann" not in tomb.email
        assert s.get(Organization, solo_org) is None  # her own workspace went with her
        posts = s.execute(select(Post).where(Post.organization_id == bob.organization_id)).scalars().all()
        assert len(posts) == 3 and {p.author_id for p in posts} == {ann.user_id}  # stay, by "Deleted user"
        assert s.execute(select(func.count()).select_from(Comment).where(Comment.author_id == ann.user_id)).scalar() == 1
        assert s.execute(select(func.count()).select_from(UserSession).where(UserSession.user_id == ann.user_id)).scalar() == 0
        assert s.execute(select(func.count()).select_from(AIProvider).where(AIProvider.user_id == ann.user_id)).scalar() == 0
        details = [a.detail for a in s.execute(select(AuditLog).where(AuditLog.organization_id == bob.organization_id)).scalars()]
        assert "ann@example.com" not in str(details)
        assert {"email": f"deleted user #{ann.user_id}", "role": "editor"} in details
        entries = s.execute(select(AuditLog.user_id).where(AuditLog.action == "user.deleted")).scalars().all()
        assert entries == [ann.user_id]  # the pseudonymous id stays in the workspace's log
        assert s.execute(select(func.count()).select_from(Membership).where(Membership.user_id == ann.user_id)).scalar() == 0


def test_the_address_can_register_again(db: str) -> None:
    actor("admin@example.com", "Admin")
    ann = actor("ann@example.com", "Ann")
    delete_account(ann, PASSWORD)
    again = actor("ann@example.com", "Ann again")
    assert again.user_id != ann.user_id and again.name == "Ann again"
    with session_scope() as s:  # a new, empty account: nothing of the old one is attached
        assert s.execute(select(func.count()).select_from(Post).where(Post.author_id == again.user_id)).scalar() == 0


def test_instance_admin_cannot_leave_others_without_one(db: str) -> None:
    admin = actor("admin@example.com", "Admin")
    actor("ann@example.com", "Ann")
    with pytest.raises(AccountDeletionRefused, match="instance admin"):
        delete_account(admin, PASSWORD)
