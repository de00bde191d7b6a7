"""Users, passwords and login sessions.

Session tokens are random (secrets.token_urlsafe) and only their SHA-256 is stored, so a leaked
database cannot be replayed as logins. The browser holds the token only in an HttpOnly cookie set
by a server response (see services/sessions.py and socialhub_app/auth_routes.py).

Everything here is synchronous and slow on purpose (argon2): Reflex handlers and routes call it
through a worker thread (`asyncio.to_thread`), never on the event loop the scheduler shares.
The multi-step sign-in (password → second factor → cookie) lives in services/signin.py.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, update
from sqlmodel import Session, select

from services.config import get_settings
from services.db import session_scope
from services.errors import UserError
from services.models import (
    AuditLog,
    Membership,
    Organization,
    TotpCredential,
    User,
    UserSession,
    utcnow,
)
from services.security import throttle
from services.security.tokens import sha256
from services.timezone_names import is_valid_timezone

_hasher = PasswordHasher()
# A valid hash to verify against when the email is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("socialhub-dummy-password")

EMAIL_RE = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_NAME = 120
LAST_SEEN_RESOLUTION = timedelta(seconds=60)  # don't write on every click


class AuthError(UserError):
    """A user-facing refusal (bad input, wrong credentials, throttled)."""


class SecondFactorRequired(AuthError):
    """The password was right but the account has 2FA: use services.signin for the code step."""


@dataclass(frozen=True)
class CurrentUser:
    user_id: int
    email: str
    name: str
    timezone: str
    organization_id: int
    organization_name: str
    role: str
    session_id: int = 0
    is_instance_admin: bool = False
    totp_enabled: bool = False
    workspace_requires_2fa: bool = False

    @property
    def must_enrol_2fa(self) -> bool:
        return self.workspace_requires_2fa and not self.totp_enabled


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_token(token: str) -> str:
    return sha256(token)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a user (the dummy hash is verified instead)."""
    try:
        return bool(_hasher.verify(stored_hash or _DUMMY_HASH, password)) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AuthError(f"Password must be at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AuthError(f"Password is too long (at most {MAX_PASSWORD} characters).")


def validate_registration(email: str, name: str, password: str) -> tuple[str, str]:
    email = normalize_email(email)
    name = (name or "").strip()
    if not email:
        raise AuthError("Please enter your email address.")
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise AuthError("That doesn't look like an email address.")
    if not name:
        raise AuthError("Please enter your name.")
    if len(name) > MAX_NAME:
        raise AuthError(f"Name is too long (at most {MAX_NAME} characters).")
    validate_password(password)
    return email, name


def email_taken(s: Session, email: str) -> bool:
    return s.exec(select(User.id).where(User.email == normalize_email(email))).first() is not None


def register_user(email: str, name: str, password: str, timezone: str = "UTC", *, verified: bool = True) -> int:
    """Create the user, their personal workspace and the owner membership; returns the user id.

    The very first account of an instance becomes its admin. Registration policy (modes, invites,
    throttling) is checked by services.registration before this is called.
    """
    email, name = validate_registration(email, name, password)
    tz = timezone if timezone and is_valid_timezone(timezone) else "UTC"
    password_hash = _hasher.hash(password)
    with session_scope() as s:
        if email_taken(s, email):
            raise AuthError("An account with this email already exists. Try logging in.")
        first = s.exec(select(func.count()).select_from(User)).one() == 0
        user = User(email=email, name=name, password_hash=password_hash, timezone=tz, is_instance_admin=first,
                    email_verified_at=utcnow() if verified else None)
        s.add(user)
        s.flush()
        org = Organization(name=f"{name}'s workspace"[:120])
        s.add(org)
        s.flush()
        s.add(Membership(organization_id=org.id, user_id=user.id, role="owner"))
        s.add(AuditLog(organization_id=org.id, user_id=user.id, action="user.registered", detail={}))
        return int(user.id)


def check_password(email: str, password: str, client: str = "") -> int:
    """The user id when the password is right; throttled per (email, IP) and per IP.

    A throttled attempt is refused before any hashing and records nothing.
    """
    email = normalize_email(email)
    if not email or not password:
        raise AuthError("Please enter your email and password.")
    if len(email) > 254 or len(password) > MAX_PASSWORD:
        raise AuthError("Wrong email or password.")
    now = utcnow()
    rules = throttle.login_rules(email, client)
    with session_scope() as s:
        try:
            throttle.check(s, rules, now)
        except throttle.ThrottledError as exc:
            raise AuthError(str(exc)) from exc
        user = s.exec(select(User).where(User.email == email)).first()
        if not password_matches(user.password_hash if user else None, password):
            throttle.record(s, rules, utcnow())  # after hashing: the wait starts when the answer is given
            s.commit()
            raise AuthError("Wrong email or password.")
        throttle.clear(s, rules[0])
        throttle.prune(s, now)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return int(user.id)


def open_session(user_id: int, client: str = "", user_agent: str = "") -> str:
    """A new session for a user who passed every factor; returns the raw token (given out once)."""
    now = utcnow()
    with session_scope() as s:
        membership = s.exec(select(Membership).where(Membership.user_id == user_id).order_by(Membership.id)).first()
        if membership is None:
            raise AuthError("This account has no workspace. Contact your administrator.")
        token = secrets.token_urlsafe(32)
        s.add(
            UserSession(
                token_hash=hash_token(token),
                user_id=user_id,
                organization_id=membership.organization_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(days=get_settings().session_days),
                user_agent=(user_agent or "")[:255] or None,
                ip=(client or "")[:64] or None,
            )
        )
        s.add(AuditLog(organization_id=membership.organization_id, user_id=user_id, action="user.login",
                       detail={"ip": client[:64]} if client else {}))
        return token


def totp_enabled(s: Session, user_id: int) -> bool:
    return s.exec(
        select(TotpCredential.id).where(TotpCredential.user_id == user_id, TotpCredential.confirmed_at.is_not(None))
    ).first() is not None


def login(email: str, password: str, client: str = "", user_agent: str = "") -> str:
    """Password-only sign-in for accounts without 2FA (tests, scripts); returns a raw session token."""
    user_id = check_password(email, password, client)
    with session_scope() as s:
        if totp_enabled(s, user_id):
            raise SecondFactorRequired("Enter the code from your authenticator app.")
    return open_session(user_id, client, user_agent)


def _session_alive(sess: UserSession, now) -> bool:  # noqa: ANN001
    if sess.revoked_at is not None or sess.expires_at <= now:
        return False
    idle = get_settings().session_idle_hours
    seen = sess.last_seen_at or sess.created_at
    return not (idle > 0 and seen + timedelta(hours=idle) <= now)


def resolve_session(token: str | None) -> CurrentUser | None:
    """The user behind a browser's session token, or None when missing, forged, expired, idle or revoked."""
    if not token or len(token) > 200:
        return None
    now = utcnow()
    with session_scope() as s:
        row = s.exec(
            select(UserSession, User, Organization, Membership)
            .join(User, User.id == UserSession.user_id)
            .join(Organization, Organization.id == UserSession.organization_id)
            .join(
                Membership,
                (Membership.user_id == User.id) & (Membership.organization_id == Organization.id),
            )
            .where(UserSession.token_hash == hash_token(token))
        ).first()
        if row is None:
            return None
        sess, user, org, membership = row
        if not _session_alive(sess, now):
            return None
        if sess.last_seen_at is None or now - sess.last_seen_at >= LAST_SEEN_RESOLUTION:
            s.exec(update(UserSession).where(UserSession.id == sess.id).values(last_seen_at=now))
        return CurrentUser(
            user_id=int(user.id),
            email=user.email,
            name=user.name,
            timezone=user.timezone,
            organization_id=int(org.id),
            organization_name=org.name,
            role=membership.role,
            session_id=int(sess.id),
            is_instance_admin=bool(user.is_instance_admin),
            totp_enabled=totp_enabled(s, int(user.id)),
            workspace_requires_2fa=bool(org.require_2fa),
        )


def logout(token: str | None) -> None:
    if not token or len(token) > 200:
        return
    with session_scope() as s:
        sess = s.exec(select(UserSession).where(UserSession.token_hash == hash_token(token))).first()
        if sess and sess.revoked_at is None:
            sess.revoked_at = utcnow()


def revoke_all_sessions(user_id: int, except_session_id: int | None = None) -> int:
    with session_scope() as s:
        return revoke_sessions(s, user_id, except_session_id)


def revoke_sessions(s: Session, user_id: int, except_session_id: int | None = None) -> int:
    query = select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if except_session_id:
        query = query.where(UserSession.id != except_session_id)
    rows = s.exec(query).all()
    for row in rows:
        row.revoked_at = utcnow()
    return len(rows)


def set_user_timezone(user_id: int, timezone: str) -> None:
    if not is_valid_timezone(timezone):
        raise AuthError(f"Unknown timezone: {timezone!r}. Use a name like Europe/Berlin.")
    with session_scope() as s:
        user = s.get(User, user_id)
        if user is None:
            raise AuthError("User not found.")
        user.timezone = timezone
