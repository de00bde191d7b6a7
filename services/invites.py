"""Invites to a workspace: single-use, expiring links, stored only as a SHA-256 hash.

The raw token is shown once to the inviter (to copy) and, after the mail feature, mailed; the
link works without SMTP. Accepting marks the invite used with one conditional UPDATE, so two
clicks (or two browsers) can never both join. Plugs into sign-up's invite mode through
`services.registration.register_invite_handler`, so an invited person can create an account
on an invite-only instance.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from services.audit import audit_in
from services.auth import EMAIL_RE, CurrentUser, hash_token, normalize_email
from services.config import get_settings
from services.db import session_scope
from services.errors import UserError
from services.mail import MailError, mail_configured, send
from services.models import AuditLog, Invite, Membership, Organization, User, utcnow
from services.permissions import ROLES, require


class InviteError(UserError):
    """An invite that can't be created or used; the message says why."""


def invite_link(token: str) -> str:
    return f"{get_settings().base_url}/invite?token={token}"


def _check_role_grant(actor: CurrentUser, role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise InviteError(f"Unknown role {role!r}; choose one of: {', '.join(r.capitalize() for r in ROLES)}.")
    if role == "owner":
        require(actor, "owners.manage")
    return role


def create_invite(actor: CurrentUser, email: str, role: str) -> str:
    """A new invite for the actor's workspace; returns the raw link token (shown once)."""
    require(actor, "members.invite")
    role = _check_role_grant(actor, role)
    email = normalize_email(email)
    if not email or len(email) > 254 or not EMAIL_RE.match(email):
        raise InviteError("Please enter a valid email address to invite.")
    now = utcnow()
    token = secrets.token_urlsafe(32)
    org_id = actor.organization_id
    with session_scope() as s:
        member = s.exec(
            select(Membership.id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == org_id, User.email == email)
        ).first()
        if member is not None:
            raise InviteError(f"{email} is already a member of this workspace.")
        # One pending invite per email: a new one replaces the old link.
        s.exec(
            update(Invite)
            .where(Invite.organization_id == org_id, Invite.email == email)
            .where(Invite.accepted_at.is_(None), Invite.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        s.add(
            Invite(
                organization_id=org_id, email=email, role=role, token_hash=hash_token(token), invited_by=actor.user_id,
                expires_at=now + timedelta(days=get_settings().invite_days),
            )
        )  # fmt: skip
        s.add(AuditLog(organization_id=org_id, user_id=actor.user_id, action="member.invited",
                       detail={"email": email, "role": role}))  # fmt: skip
    return token


@dataclass(frozen=True)
class SentInvite:
    token: str
    mailed: bool = False  # SMTP configured and the mail server took it
    mail_problem: str = ""  # SMTP configured but sending failed: the link on screen still works


def invite_and_mail(actor: CurrentUser, email: str, role: str) -> SentInvite:
    """Create the invite, then mail the link when SMTP is configured (the link on screen always works)."""
    token = create_invite(actor, email, role)
    if not mail_configured():
        return SentInvite(token)
    address = normalize_email(email)
    with session_scope() as s:
        org = s.get(Organization, actor.organization_id)
        workspace = org.name if org else "a workspace"
    days = get_settings().invite_days
    text = (
        f"{actor.name} invited you to join “{workspace}” on SocialHub as {role.strip().capitalize()}.\n\n"
        f"Open this link to join (it works once and expires in {days} days):\n{invite_link(token)}\n\n"
        "If you didn't expect this, ignore this mail."
    )
    try:
        send(address, f"You're invited to {workspace} on SocialHub", text)
    except MailError as exc:
        return SentInvite(token, mail_problem=f"The invite mail could not be sent ({exc}); copy the link instead.")
    return SentInvite(token, mailed=True)


def _find(s: Session, token: str) -> Invite:
    """The usable invite behind a token, or InviteError with the reason (unknown/used/revoked/expired)."""
    if not token or len(token) > 200:
        raise InviteError("This invite link is not valid. Ask for a new one.")
    invite = s.exec(select(Invite).where(Invite.token_hash == hash_token(token))).first()
    if invite is None:
        raise InviteError("This invite link is not valid. Ask for a new one.")
    if invite.accepted_at is not None:
        raise InviteError("This invite link has already been used. Ask for a new one.")
    if invite.revoked_at is not None:
        raise InviteError("This invite was revoked. Ask for a new one.")
    if invite.expires_at <= utcnow():
        raise InviteError("This invite link has expired. Ask for a new one.")
    return invite


def describe_invite(token: str) -> dict[str, Any]:
    """What the invite page shows before joining (raises InviteError for a dead link)."""
    with session_scope() as s:
        invite = _find(s, token)
        org = s.get(Organization, invite.organization_id)
        return {"email": invite.email, "role": invite.role, "workspace": org.name if org else ""}


def accept_invite(token: str, user_id: int) -> int:
    """Join the workspace (single use); returns its id. An existing member just gets told so."""
    with session_scope() as s:
        return _accept(s, token, user_id)


def _accept(s: Session, token: str, user_id: int) -> int:
    invite = _find(s, token)
    claimed = s.exec(
        update(Invite)
        .where(Invite.id == invite.id, Invite.accepted_at.is_(None), Invite.revoked_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by=user_id)
    )
    if claimed.rowcount != 1:
        raise InviteError("This invite link has already been used. Ask for a new one.")
    exists = s.exec(
        select(Membership.id).where(Membership.organization_id == invite.organization_id, Membership.user_id == user_id)
    ).first()
    if exists is not None:
        raise InviteError("You are already a member of this workspace.")  # rolls back: the link stays usable
    s.add(Membership(organization_id=invite.organization_id, user_id=user_id, role=invite.role))
    s.add(AuditLog(organization_id=invite.organization_id, user_id=user_id, action="member.joined",
                   detail={"role": invite.role, "invite_id": invite.id}))  # fmt: skip
    return int(invite.organization_id)


def revoke_invite(actor: CurrentUser, invite_id: int) -> None:
    require(actor, "members.invite")
    with session_scope() as s:
        invite = s.get(Invite, invite_id)
        if invite is None or invite.organization_id != actor.organization_id:
            raise InviteError("That invite no longer exists.")
        if invite.accepted_at is not None or invite.revoked_at is not None:
            raise InviteError("That invite is no longer pending.")
        invite.revoked_at = utcnow()
        audit_in(s, actor.organization_id, actor.user_id, "member.invite_revoked", email=invite.email, role=invite.role)


def pending_invites(actor: CurrentUser) -> list[dict[str, Any]]:
    require(actor, "members.invite")
    now = utcnow()
    with session_scope() as s:
        rows = s.exec(
            select(Invite)
            .where(Invite.organization_id == actor.organization_id, Invite.accepted_at.is_(None))
            .where(Invite.revoked_at.is_(None), Invite.expires_at > now)
            .order_by(Invite.created_at)
        ).all()
        return [{"id": r.id, "email": r.email, "role": r.role, "expires_at": r.expires_at.isoformat()} for r in rows]


def _registration_check(s: Session, token: str, email: str) -> bool:
    try:
        return _find(s, token).email == normalize_email(email)
    except InviteError:
        return False


def _registration_accept(s: Session, token: str, user_id: int) -> None:
    """Join at sign-up. A link used up in the meantime changed nothing: the account stays, without the workspace."""
    try:
        _accept(s, token, user_id)
    except InviteError:
        return


def register_with_signup() -> None:
    """Let invited people sign up on an invite-only instance (called once at app start)."""
    from services.registration import InviteHandler, _invite_handlers, register_invite_handler

    if not any(h.check is _registration_check for h in _invite_handlers):
        register_invite_handler(InviteHandler(check=_registration_check, accept=_registration_accept))
