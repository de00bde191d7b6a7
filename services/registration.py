"""Who may create an account: `SOCIALHUB_REGISTRATION=open|invite|closed`.

Unset, the first account (which becomes the instance admin) may always be created and after that
the instance is invite-only. "invite" accepts a sign-up only with a token that a registered invite
handler vouches for (the teams feature plugs in here with `register_invite_handler`); with none
registered, invite-only means closed. Sign-ups are throttled per IP on their own budget (never
by anyone's failed logins), and a refused request changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from services import auth
from services.config import get_settings
from services.db import session_scope
from services.mail import MailError, verification_required
from services.models import User, utcnow
from services.security import throttle
from services.signin import grant_for
from services.verification import send_verification

MODES = ("open", "invite", "closed")


@dataclass(frozen=True)
class InviteHandler:
    check: Callable[[Session, str, str], bool]  # (db session, token, email) -> valid for this email?
    accept: Callable[[Session, str, int], None] | None = None  # (db session, token, new user id)


_invite_handlers: list[InviteHandler] = []


def register_invite_handler(handler: InviteHandler) -> None:
    _invite_handlers.append(handler)


def configured_mode() -> str:
    mode = get_settings().registration_mode
    return mode if mode in MODES else ""


def effective_mode(s: Session) -> str:
    """'open' | 'invite' | 'closed' right now (an empty instance always lets its admin sign up)."""
    if s.exec(select(func.count()).select_from(User)).one() == 0:
        return "open"
    return configured_mode() or "invite"


def _oidc_only() -> bool:
    from services.oidc_config import oidc_only  # late: oidc_accounts imports this module

    return oidc_only()


def _invite_valid(s: Session, token: str, email: str) -> bool:
    return bool(token) and any(h.check(s, token, email) for h in _invite_handlers)


def signup_allowed(invite_token: str = "") -> bool:
    """For the /register page: show the form, or the "registration is closed" page."""
    if _oidc_only():
        return False
    with session_scope() as s:
        mode = effective_mode(s)
        if mode == "open":
            return True
        return mode == "invite" and bool(invite_token) and bool(_invite_handlers)


@dataclass(frozen=True)
class SignUpResult:
    grant: str = ""  # sign in at once (no SMTP)
    verification_sent_to: str = ""  # SMTP configured: the account waits for the mailed link
    # the account exists but its mail failed: not a refusal (a retry would only say "already exists")
    mail_problem: str = ""


def sign_up(email: str, name: str, password: str, timezone: str = "UTC", client: str = "",
            invite_token: str = "") -> SignUpResult:
    if _oidc_only():
        raise auth.AuthError("Accounts are created by signing in with your identity provider on this instance.")
    now = utcnow()
    rule = throttle.signup_rule(client)
    with session_scope() as s:
        mode = effective_mode(s)
        normalized = auth.normalize_email(email)
        if mode == "closed" or (mode == "invite" and not _invite_valid(s, invite_token, normalized)):
            raise auth.AuthError("Registration is closed on this instance. Ask its administrator for an invite.")
        try:
            throttle.check(s, [rule], now, what="sign-up attempts from your network")
        except throttle.ThrottledError as exc:
            raise auth.AuthError(str(exc)) from exc
        auth.validate_registration(email, name, password)
        if auth.email_taken(s, normalized):
            raise auth.AuthError("An account with this email already exists. Try logging in.")
        throttle.record(s, [rule], now)
    with_mail = verification_required()
    user_id = auth.register_user(email, name, password, timezone, verified=not with_mail)
    if invite_token and _invite_handlers:  # an invite link joins its workspace in every mode
        with session_scope() as s:
            for handler in _invite_handlers:
                if handler.accept and handler.check(s, invite_token, normalized):
                    handler.accept(s, invite_token, user_id)
                    break
    if with_mail:
        try:
            send_verification(user_id)
        except MailError:
            return SignUpResult(mail_problem="Your account was created, but the confirmation mail could not be "
                                             "sent. Log in later to get a new link.")
        return SignUpResult(verification_sent_to=normalized)
    return SignUpResult(grant=grant_for(user_id))
