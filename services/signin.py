"""Sign-in as steps, so the browser never sees a session token.

1. `start(email, password)` checks the password (throttled). Accounts with 2FA get a short-lived
   challenge token; others (and, after step 2, those too) get a one-time **grant**.
2. `second_factor(challenge, code)` accepts a TOTP or recovery code (5 tries per challenge).
3. The browser POSTs the grant to `/auth/session`, whose response sets the HttpOnly cookie:
   `exchange(grant)` opens the real session there. A grant lives 60 s and works once.
"""

from __future__ import annotations

from dataclasses import dataclass

from services import auth
from services.db import session_scope
from services.mail import MailError, verification_required
from services.models import User
from services.security import tokens, totp
from services.verification import send_verification

MAX_CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class SignInStep:
    grant: str = ""  # POST to /auth/session
    challenge: str = ""  # ask for a code, then second_factor()


def grant_for(user_id: int) -> str:
    with session_scope() as s:
        return tokens.issue(s, user_id, "signin")


def start(email: str, password: str, client: str = "") -> SignInStep:
    from services.oidc_config import oidc_only

    if oidc_only():
        raise auth.AuthError("Password login is turned off on this instance: sign in with your identity provider.")
    user_id = auth.check_password(email, password, client)
    with session_scope() as s:
        user = s.get(User, user_id)
        unverified = verification_required() and user.email_verified_at is None
        address = user.email
    if unverified:
        try:
            send_verification(user_id, only_if_due=True)
        except MailError:
            pass
        raise auth.AuthError(f"Please confirm your email address first: open the link we sent to {address}.")
    with session_scope() as s:
        if totp.is_enabled(s, user_id):
            return SignInStep(challenge=tokens.issue(s, user_id, "mfa"))
        return SignInStep(grant=tokens.issue(s, user_id, "signin"))


def second_factor(challenge: str, code: str) -> SignInStep:
    with session_scope() as s:
        row = tokens.peek(s, challenge, "mfa")
        if row is None:
            raise auth.AuthError("Your sign-in took too long. Please enter your password again.")
        user_id = int(row.user_id)
        if row.attempts >= MAX_CODE_ATTEMPTS:
            tokens.consume(s, challenge, "mfa")
            s.commit()
            raise auth.AuthError("Too many wrong codes. Please enter your password again.")
        try:
            totp.verify_second_factor(s, user_id, code)
        except totp.TotpError as exc:
            row.attempts += 1
            s.commit()
            raise auth.AuthError(str(exc)) from exc
        if tokens.consume(s, challenge, "mfa") is None:
            raise auth.AuthError("Your sign-in took too long. Please enter your password again.")
        return SignInStep(grant=tokens.issue(s, user_id, "signin"))


def exchange(grant: str, client: str = "", user_agent: str = "") -> str:
    """The raw session token for a valid grant (consumed); raises AuthError otherwise."""
    with session_scope() as s:
        user_id = tokens.consume(s, grant, "signin")
    if user_id is None:
        raise auth.AuthError("This sign-in has expired. Please log in again.")
    return auth.open_session(user_id, client, user_agent)
