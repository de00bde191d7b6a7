"""Email address checks for new accounts when SMTP is configured.

Without SMTP nothing can be sent, so accounts count as verified at once. With it, a new account
must open the link from its mail before it can sign in; signing in unverified re-sends the link
at most every few minutes.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from services.config import get_settings
from services.db import session_scope
from services.mail import send
from services.models import AuthToken, User, utcnow
from services.security import tokens

RESEND_AFTER = timedelta(minutes=5)


def _link(raw: str) -> str:
    return f"{get_settings().base_url}/auth/verify?token={raw}"


def send_verification(user_id: int, *, only_if_due: bool = False) -> bool:
    """Mail a fresh confirmation link; returns False when one was sent recently (only_if_due)."""
    with session_scope() as s:
        user = s.get(User, user_id)
        if user is None or user.email_verified_at is not None:
            return False
        if only_if_due:
            recent = s.exec(select(AuthToken.id).where(
                AuthToken.user_id == user_id, AuthToken.purpose == "verify",
                AuthToken.created_at > utcnow() - RESEND_AFTER)).first()
            if recent is not None:
                return False
        raw = tokens.issue(s, user_id, "verify")
        email, name = user.email, user.name
    send(email, "Confirm your SocialHub email address",
         f"Hello {name},\n\nopen this link to confirm your email address and finish creating your account:\n\n"
         f"{_link(raw)}\n\nThe link works once and expires in 2 days. If you did not sign up, ignore this mail.\n")
    return True


def verify_email(raw: str) -> bool:
    with session_scope() as s:
        user_id = tokens.consume(s, raw, "verify")
        if user_id is None:
            return False
        user = s.get(User, user_id)
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()
        return True
