"""Account-level 2FA actions: enrol, confirm, disable (password + code), workspace policy."""

from __future__ import annotations

from sqlmodel import select

from services import auth
from services.db import session_scope
from services.models import AuditLog, Membership, Organization, User
from services.permissions import require
from services.security import totp
from services.security.totp import Enrolment, TotpError


def start(user_id: int) -> Enrolment:
    with session_scope() as s:
        try:
            return totp.start_enrolment(s, user_id)
        except TotpError as exc:
            raise auth.AuthError(str(exc)) from exc


def confirm(user_id: int, code: str, organization_id: int) -> list[str]:
    with session_scope() as s:
        try:
            codes = totp.confirm_enrolment(s, user_id, code)
        except TotpError as exc:
            raise auth.AuthError(str(exc)) from exc
        s.add(AuditLog(organization_id=organization_id, user_id=user_id, action="user.2fa_enabled", detail={}))
        return codes


def disable(user_id: int, password: str, code: str, organization_id: int) -> None:
    with session_scope() as s:
        stored = s.get(User, user_id).password_hash
        if any(
            org.require_2fa
            for org in s.exec(select(Organization).join(Membership, Membership.organization_id == Organization.id)
                              .where(Membership.user_id == user_id)).all()
        ):
            raise auth.AuthError("Your workspace requires two-factor authentication, so it can't be turned off.")
    if not auth.password_matches(stored, password or ""):
        raise auth.AuthError("Your password is not right.")
    with session_scope() as s:
        try:
            totp.verify_second_factor(s, user_id, code)
        except TotpError as exc:
            raise auth.AuthError(str(exc)) from exc
        totp.disable(s, user_id)
        s.add(AuditLog(organization_id=organization_id, user_id=user_id, action="user.2fa_disabled", detail={}))


def remaining_recovery_codes(user_id: int) -> int:
    with session_scope() as s:
        return totp.remaining_recovery_codes(s, user_id)


def set_workspace_requirement(user: auth.CurrentUser, required: bool) -> None:
    """Owners only (services/permissions.py); turning it on needs 2FA on the owner's own account first."""
    require(user, "workspace.security")
    with session_scope() as s:
        if required and not totp.is_enabled(s, user.user_id):
            raise auth.AuthError("Turn on two-factor authentication for your own account first.")
        org = s.get(Organization, user.organization_id)
        org.require_2fa = bool(required)
        s.add(AuditLog(organization_id=org.id, user_id=user.user_id, action="workspace.require_2fa",
                       detail={"required": bool(required)}))
