"""Password change and reset.

A reset link carries a random single-use token (stored as SHA-256) that expires after an hour.
Asking for one answers the same whether or not the email has an account, and is throttled per IP.
Changing or resetting a password ends every other session of the account.
"""

from __future__ import annotations

from sqlmodel import select

from services import auth
from services.config import get_settings
from services.db import session_scope
from services.mail import MailError, mail_configured, send
from services.models import AuditLog, Membership, User, utcnow
from services.security import throttle, tokens

RESET_ANSWER = ("If an account exists for that address, we have sent it a link to choose a new password. "
                "The link works once, for one hour.")


def _audit(s, user_id: int, action: str) -> None:  # noqa: ANN001
    membership = s.exec(select(Membership).where(Membership.user_id == user_id).order_by(Membership.id)).first()
    if membership is not None:
        s.add(AuditLog(organization_id=membership.organization_id, user_id=user_id, action=action, detail={}))


def change_password(user_id: int, current: str, new: str, keep_session_id: int) -> int:
    """Returns how many other sessions were ended."""
    auth.validate_password(new)
    with session_scope() as s:
        stored = s.get(User, user_id).password_hash
    if not auth.password_matches(stored, current or ""):
        raise auth.AuthError("Your current password is not right.")
    new_hash = auth.hash_password(new)
    with session_scope() as s:
        user = s.get(User, user_id)
        user.password_hash = new_hash
        tokens.revoke_all(s, user_id, "reset")
        _audit(s, user_id, "user.password_changed")
        return auth.revoke_sessions(s, user_id, except_session_id=keep_session_id)


def reset_link(user_id: int) -> str:
    """A fresh one-time link (older unused ones stop working)."""
    with session_scope() as s:
        tokens.revoke_all(s, user_id, "reset")
        raw = tokens.issue(s, user_id, "reset")
    return f"{get_settings().base_url}/reset-password?token={raw}"


def admin_reset_link(email: str) -> str:
    """For `python -m services.admin reset-password EMAIL` on instances without SMTP."""
    with session_scope() as s:
        user = s.exec(select(User).where(User.email == auth.normalize_email(email))).first()
        if user is None:
            raise auth.AuthError(f"No account has the email {auth.normalize_email(email)!r}.")
        user_id = int(user.id)
    return reset_link(user_id)


def request_reset(email: str, client: str = "") -> str:
    """Mail a reset link when the account exists; the answer never tells whether it does."""
    if not mail_configured():
        raise auth.AuthError("This server cannot send email. Ask your administrator to reset your password.")
    email = auth.normalize_email(email)
    if not email or len(email) > 254:
        raise auth.AuthError("Please enter your email address.")
    now = utcnow()
    rule = throttle.signup_rule(client, action="reset")
    with session_scope() as s:
        try:
            throttle.check(s, [rule], now, what="reset requests from your network")
        except throttle.ThrottledError as exc:
            raise auth.AuthError(str(exc)) from exc
        throttle.record(s, [rule], now)
        user = s.exec(select(User).where(User.email == email)).first()
        user_id, name = (int(user.id), user.name) if user else (0, "")
    if user_id:
        link = reset_link(user_id)
        try:
            send(email, "Reset your SocialHub password",
                 f"Hello {name},\n\nsomeone (hopefully you) asked to reset your SocialHub password. "
                 f"Open this link to choose a new one:\n\n{link}\n\nIt works once and expires in one hour. "
                 "If it wasn't you, ignore this mail: your password stays as it is.\n")
        except MailError:
            pass  # same answer either way; the failure is logged by services.mail
    return RESET_ANSWER


def reset_token_valid(raw: str) -> bool:
    with session_scope() as s:
        return tokens.peek(s, raw, "reset") is not None


def reset_password(raw: str, new: str) -> None:
    auth.validate_password(new)
    if not reset_token_valid(raw):
        raise auth.AuthError("This reset link is invalid, expired or already used. Ask for a new one.")
    new_hash = auth.hash_password(new)
    with session_scope() as s:
        user_id = tokens.consume(s, raw, "reset")
        if user_id is None:
            raise auth.AuthError("This reset link is invalid, expired or already used. Ask for a new one.")
        user = s.get(User, user_id)
        user.password_hash = new_hash
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()  # the mailed link proves the address
        auth.revoke_sessions(s, user_id)
        _audit(s, user_id, "user.password_reset")
