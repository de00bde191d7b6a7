"""Deleting one's own account (Settings → Your data), like Mastodon's or GitLab's "delete account".

Asked for with the password (and a 2FA code when 2FA is on). Refused while the person is the last
Owner of a workspace that has other members: they transfer ownership first (Members page) or
delete that workspace; a workspace they are the only member of is deleted with them.

What goes: the person's email, name and password hash, their login sessions and one-time tokens,
2FA secret and recovery codes, personal AI providers (keys) and templates, MCP tokens and the API
keys they created, notifications, alert settings, pending invites to their address and their
data exports. What stays: posts and comments they wrote in shared workspaces (the workspace's
work), now by "Deleted user", and audit entries, which keep the row's id as a pseudonym.

Why a tombstone row instead of deleting the users row: posts, comments, reviews and audit entries
point at it by foreign key. The row keeps only its id and `deleted_at`; its email becomes a
unique `deleted-…@deleted.invalid`, so the real address can register again as a new account.
"""

from __future__ import annotations

import secrets
import shutil
from typing import Any

from sqlalchemy import String, cast, delete, func, select, update

from services import auth
from services.auth import CurrentUser
from services.config import get_settings
from services.db import session_scope
from services.errors import UserError
from services.media import storage
from services.models import (
    AIProvider,
    AIProviderHealth,
    AlertItem,
    AlertPreference,
    ApiIdempotencyRecord,
    ApiKey,
    AuditLog,
    AuthToken,
    Invite,
    McpToken,
    Membership,
    Notification,
    OAuthFlow,
    OidcIdentity,
    OidcLogin,
    Organization,
    Post,
    PromptTemplate,
    RecoveryCode,
    TotpCredential,
    User,
    UserSession,
    utcnow,
)
from services.ownership.exports import delete_user_exports
from services.permissions import require
from services.security import totp
from services.workspace_delete import purge_workspace_rows, write_instance_audit

DELETED_NAME = "Deleted user"


class AccountDeletionRefused(UserError):
    """The account was not deleted (wrong password or code, or a workspace would lose its last owner)."""


def ownership_blockers(user_id: int) -> list[str]:
    """Names of workspaces where the person is the last Owner and someone else is still a member."""
    with session_scope() as s:
        return _blockers(s, user_id)


def _blockers(s: Any, user_id: int) -> list[str]:
    blocked = []
    rows = s.execute(select(Membership.organization_id).where(Membership.user_id == user_id, Membership.role == "owner"))
    for org_id in rows.scalars().all():
        owners = s.execute(select(func.count()).select_from(Membership).where(
            Membership.organization_id == org_id, Membership.role == "owner")).scalar()  # fmt: skip
        members = s.execute(select(func.count()).select_from(Membership).where(
            Membership.organization_id == org_id)).scalar()  # fmt: skip
        if owners == 1 and members > 1:
            blocked.append(s.get(Organization, org_id).name)
    return blocked


def _solo_workspaces(s: Any, user_id: int) -> list[int]:
    mine = s.execute(select(Membership.organization_id).where(Membership.user_id == user_id)).scalars().all()
    return [o for o in mine if s.execute(select(func.count()).select_from(Membership)
                                         .where(Membership.organization_id == o)).scalar() == 1]  # fmt: skip


def delete_account(actor: CurrentUser, password: str, code: str = "") -> dict[str, Any]:
    """Delete the acting person's account; returns what happened (for the confirmation and tests)."""
    require(actor, "self.data")
    uid = actor.user_id
    with session_scope() as s:
        user = s.get(User, uid)
        stored = user.password_hash if user and user.deleted_at is None else None
    if not auth.password_matches(stored, password or ""):
        raise AccountDeletionRefused("Your password is not right; nothing was deleted.")
    with session_scope() as s:
        if totp.is_enabled(s, uid):
            if not (code or "").strip():
                raise AccountDeletionRefused("Enter the code from your authenticator app (or a recovery code).")
            try:
                totp.verify_second_factor(s, uid, code)
            except totp.TotpError as exc:
                raise AccountDeletionRefused(f"{exc} Nothing was deleted.") from exc
    with session_scope() as s:
        blocked = _blockers(s, uid)
        if blocked:
            names = ", ".join(f"“{n}”" for n in blocked)
            raise AccountDeletionRefused(
                f"You are the last Owner of {names}, which has other members. Make another member an Owner "
                "(Members page) or delete the workspace first; nothing was deleted.")
        user = s.get(User, uid)
        others = s.execute(select(func.count()).select_from(User).where(User.id != uid, User.deleted_at.is_(None))).scalar()
        if user.is_instance_admin and others:
            raise AccountDeletionRefused(
                "You run this instance (instance admin) and other people use it; hand the instance over first "
                "(see README, 'Deleting your account'). Nothing was deleted.")
        email = user.email
        solo = _solo_workspaces(s, uid)
        shared = [o for o in s.execute(select(Membership.organization_id).where(Membership.user_id == uid)).scalars()
                  if o not in solo]  # fmt: skip
        counts = _erase(s, uid, email, solo)
        for org_id in shared:
            s.add(AuditLog(organization_id=org_id, user_id=uid, action="user.deleted", detail={"pseudonym": uid}))
    for org_id in solo:  # after the commit: files of workspaces that no longer exist
        _delete_workspace_files(org_id)
    write_instance_audit("user.deleted", uid, {"workspaces_deleted": len(solo), "workspaces_kept": len(shared)})
    return {"pseudonym": uid, "workspaces_deleted": len(solo), "workspaces_kept": len(shared), **counts}


def _delete_workspace_files(org_id: int) -> None:
    """Through the storage backend when the storage module has one (local disk or S3), else the folder."""
    remover = getattr(storage, "delete_workspace_files", None)
    if remover is not None:
        remover(org_id)
    else:
        shutil.rmtree(get_settings().media_dir / str(org_id), ignore_errors=True)


def _erase(s: Any, uid: int, email: str, solo: list[int]) -> dict[str, int]:
    """Everything personal goes in the caller's transaction; the users row becomes a tombstone."""
    sessions = s.execute(delete(UserSession).where(UserSession.user_id == uid)).rowcount
    for org_id in solo:
        purge_workspace_rows(s, org_id)
    provider_ids = select(AIProvider.id).where(AIProvider.user_id == uid)
    key_ids = select(ApiKey.id).where(ApiKey.created_by == uid)
    counts = {
        "sessions": sessions,
        "ai_providers": 0,
        "mcp_tokens": s.execute(delete(McpToken).where(McpToken.user_id == uid)).rowcount,
        "api_keys": 0,
    }
    s.execute(delete(AIProviderHealth).where(AIProviderHealth.provider_id.in_(provider_ids)))
    counts["ai_providers"] = s.execute(delete(AIProvider).where(AIProvider.user_id == uid)).rowcount
    s.execute(delete(ApiIdempotencyRecord).where(ApiIdempotencyRecord.api_key_id.in_(key_ids)))
    counts["api_keys"] = s.execute(delete(ApiKey).where(ApiKey.created_by == uid)).rowcount
    for model, column in ((AuthToken, AuthToken.user_id), (RecoveryCode, RecoveryCode.user_id),
                          (TotpCredential, TotpCredential.user_id), (OAuthFlow, OAuthFlow.user_id),
                          (PromptTemplate, PromptTemplate.user_id), (AlertPreference, AlertPreference.user_id),
                          (AlertItem, AlertItem.user_id), (Notification, Notification.user_id),
                          (Membership, Membership.user_id)):  # fmt: skip
        s.execute(delete(model).where(column == uid))
    s.execute(delete(Invite).where(Invite.email == email, Invite.accepted_at.is_(None)))
    # sign-in links to an identity provider: the same IdP account must be able to register anew
    s.execute(delete(OidcIdentity).where(OidcIdentity.user_id == uid))
    s.execute(delete(OidcLogin).where(OidcLogin.link_user_id == uid))
    delete_user_exports(s, uid)
    pseudonym_email = f"deleted-{uid}-{secrets.token_hex(4)}@deleted.invalid"
    s.execute(update(Invite).where(Invite.email == email).values(email=pseudonym_email))
    s.execute(update(Post).where(Post.reviewed_by == uid).values(reviewer_name=DELETED_NAME))
    # Audit details that name the person by address (invites, role changes) get the pseudonym instead.
    for entry in s.execute(select(AuditLog).where(cast(AuditLog.detail, String).like(f"%{email}%"))).scalars():
        entry.detail = _replace(entry.detail, email, f"deleted user #{uid}")
    user = s.get(User, uid)
    user.email, user.name, user.password_hash = pseudonym_email, DELETED_NAME, "!deleted"
    user.timezone, user.email_verified_at, user.is_instance_admin, user.deleted_at = "UTC", None, False, utcnow()
    return {k: int(v or 0) for k, v in counts.items()}


def _replace(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, old, new) for k, v in value.items()}
    return value
