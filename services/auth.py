"""Users, passwords, login sessions and login throttling.

Session tokens are random (secrets.token_urlsafe) and only their SHA-256 is stored, so a leaked
database cannot be replayed as logins. Throttling counts failures in the database (not in
process memory) so several backend workers share one limit.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func
from sqlmodel import select

from services.config import get_settings
from services.db import session_scope
from services.errors import UserError
from services.models import AuditLog, LoginFailure, Membership, Organization, User, UserSession, utcnow
from services.timezone_names import is_valid_timezone

_hasher = PasswordHasher()
# A valid hash to verify against when the email is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("socialhub-dummy-password")

EMAIL_RE = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_NAME = 120


class AuthError(UserError):
    """A user-facing refusal (bad input, wrong credentials, throttled)."""


@dataclass(frozen=True)
class CurrentUser:
    user_id: int
    email: str
    name: str
    timezone: str
    organization_id: int
    organization_name: str
    role: str


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
    if len(password or "") < MIN_PASSWORD:
        raise AuthError(f"Password must be at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AuthError(f"Password is too long (at most {MAX_PASSWORD} characters).")
    return email, name


def register_user(email: str, name: str, password: str, timezone: str = "UTC") -> int:
    """Create the user, their personal workspace and the owner membership; returns the user id."""
    email, name = validate_registration(email, name, password)
    tz = timezone if timezone and is_valid_timezone(timezone) else "UTC"
    with session_scope() as s:
        if s.exec(select(User.id).where(User.email == email)).first() is not None:
            raise AuthError("An account with this email already exists. Try logging in.")
        user = User(email=email, name=name, password_hash=_hasher.hash(password), timezone=tz)
        s.add(user)
        s.flush()
        org = Organization(name=f"{name}'s workspace"[:120])
        s.add(org)
        s.flush()
        s.add(Membership(organization_id=org.id, user_id=user.id, role="owner"))
        s.add(AuditLog(organization_id=org.id, user_id=user.id, action="user.registered", detail={}))
        return int(user.id)


def _throttle_keys(email: str, client: str) -> list[str]:
    keys = [f"email:{email}"]
    if client:
        keys.append(f"client:{client}")
    return keys


def _check_throttle(s, keys: list[str], now: datetime) -> None:  # noqa: ANN001
    settings = get_settings()
    window_start = now - timedelta(seconds=settings.login_window_seconds)
    for key in keys:
        count = s.exec(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.scope_key == key, LoginFailure.created_at >= window_start)
        ).one()
        if count >= settings.login_max_failures:
            minutes = max(1, settings.login_window_seconds // 60)
            raise AuthError(f"Too many failed login attempts. Please wait {minutes} minutes and try again.")


def login(email: str, password: str, client: str = "", user_agent: str = "") -> str:
    """Check the password and open a session; returns the raw session token (only given out once)."""
    email = normalize_email(email)
    if not email or not password:
        raise AuthError("Please enter your email and password.")
    if len(email) > 254 or len(password) > MAX_PASSWORD:
        raise AuthError("Wrong email or password.")
    now = utcnow()
    keys = _throttle_keys(email, client)
    with session_scope() as s:
        _check_throttle(s, keys, now)
        user = s.exec(select(User).where(User.email == email)).first()
        ok = False
        try:
            ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok:
            for key in keys:
                s.add(LoginFailure(scope_key=key, created_at=now))
            s.commit()
            raise AuthError("Wrong email or password.")
        s.exec(delete(LoginFailure).where(LoginFailure.scope_key == f"email:{email}"))
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        membership = s.exec(select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)).first()
        if membership is None:
            raise AuthError("This account has no workspace. Contact your administrator.")
        token = secrets.token_urlsafe(32)
        s.add(
            UserSession(
                token_hash=hash_token(token),
                user_id=user.id,
                organization_id=membership.organization_id,
                expires_at=now + timedelta(days=get_settings().session_days),
                user_agent=(user_agent or "")[:255] or None,
            )
        )
        s.add(AuditLog(organization_id=membership.organization_id, user_id=user.id, action="user.login", detail={}))
        return token


def resolve_session(token: str | None) -> CurrentUser | None:
    """The user behind a browser's session token, or None when missing, forged, expired or revoked."""
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
        if sess.revoked_at is not None or sess.expires_at <= now:
            return None
        return CurrentUser(
            user_id=int(user.id),
            email=user.email,
            name=user.name,
            timezone=user.timezone,
            organization_id=int(org.id),
            organization_name=org.name,
            role=membership.role,
        )


def logout(token: str | None) -> None:
    if not token:
        return
    with session_scope() as s:
        sess = s.exec(select(UserSession).where(UserSession.token_hash == hash_token(token))).first()
        if sess and sess.revoked_at is None:
            sess.revoked_at = utcnow()


def revoke_all_sessions(user_id: int) -> int:
    with session_scope() as s:
        rows = s.exec(select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))).all()
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
