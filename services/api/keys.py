"""REST API keys: created per workspace, shown once, stored as a SHA-256, revocable, optionally expiring.

A key acts in its workspace with its own role, but never with more than its creator has *now*:
every request re-reads the creator's membership and uses the lower of the two roles, so demoting
or removing the person who made a key shrinks or stops the key at once. Keys are workspace
resources (not personal like MCP tokens): everyone who may manage keys sees the workspace's list.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

from sqlmodel import select

from services.db import session_scope
from services.display_time import format_datetime
from services.errors import NotFound, UserError
from services.models import ApiKey, User, utcnow
from services.permissions import ROLES, lower_role, membership_role, require, role_rank

PREFIX = "sh_live_"
VISIBLE_CHARS = 4  # of the secret part, after the prefix: "sh_live_abcd…"
MAX_KEYS_PER_WORKSPACE = 100
MAX_NAME = 80
_LAST_USED_RESOLUTION = timedelta(minutes=1)  # don't write on every request


class ApiKeyError(UserError, ValueError):
    """Bad key-management input; `str(exc)` is for humans."""


class ApiKeyNotFound(ApiKeyError, NotFound):
    """No such key in this workspace."""


class KeyRejected(UserError):
    """A presented key can't be used; `reason` is a stable slug (missing, unknown, revoked, expired, orphaned)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ApiActor:
    """Who an API request acts as: the key, in its workspace, with its effective role now."""

    key_id: int
    organization_id: int
    user_id: int  # the key's creator: audit rows and authored posts name them
    role: str
    key_role: str
    key_name: str
    prefix: str
    timezone: str
    name: str = ""  # the creator's name: comments and approval events are theirs


class ApiKeyRow(TypedDict):
    """A key as the API keys page lists it (never the secret)."""

    id: int
    name: str
    role: str
    hint: str
    created_by: str
    created_at: str
    expires_at: str
    last_used_at: str
    state: str  # active | expired | revoked


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def _fmt(value: datetime | None, empty: str) -> str:
    value = _aware(value)
    return format_datetime(value, "UTC", with_zone=True) if value else empty


def _state(row: ApiKey, now: datetime) -> str:
    if row.revoked_at is not None:
        return "revoked"
    expires = _aware(row.expires_at)
    return "expired" if expires is not None and expires <= now else "active"


def _row(row: ApiKey, creator: str, now: datetime) -> ApiKeyRow:
    return {
        "id": int(row.id),
        "name": row.name,
        "role": row.role,
        "hint": f"{row.prefix}…",
        "created_by": creator,
        "created_at": _fmt(row.created_at, ""),
        "expires_at": _fmt(row.expires_at, "never"),
        "last_used_at": _fmt(row.last_used_at, "never"),
        "state": _state(row, now),
    }


def assignable_roles(creator_role: str) -> list[str]:
    """The roles a person may give a key: their own and every less powerful one."""
    return [r for r in ROLES if role_rank(r) >= role_rank(creator_role)]


def create_key(
    user: Any, org_id: int, name: str, role: str, expires_at: datetime | None = None, now: datetime | None = None
) -> tuple[str, ApiKeyRow]:
    """(the key — shown once, never stored; its listing). `user` is the creator (CurrentUser-like)."""
    require(user, "api_keys.manage")
    now = now or utcnow()
    name = (name or "").strip()
    role = (role or "").strip().lower()
    if not name:
        raise ApiKeyError("Give the key a name, e.g. “n8n on the office server”.")
    if len(name) > MAX_NAME:
        raise ApiKeyError(f"Keep the key's name within {MAX_NAME} characters.")
    if role not in ROLES:
        raise ApiKeyError(f"Choose a role for the key: {', '.join(ROLES)}.")
    if role not in assignable_roles(user.role):
        raise ApiKeyError(f"A key can't have more rights than you: choose {' or '.join(assignable_roles(user.role))}.")
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise ApiKeyError("The expiry has no time zone.")
        if expires_at <= now:
            raise ApiKeyError("The expiry date is in the past — pick a later date, or none.")
    secret = secrets.token_urlsafe(32)  # 256 bits
    key = PREFIX + secret
    with session_scope() as session:
        active = session.exec(
            select(ApiKey.id).where(ApiKey.organization_id == org_id, ApiKey.revoked_at.is_(None))
        ).all()
        if len(active) >= MAX_KEYS_PER_WORKSPACE:
            raise ApiKeyError(f"This workspace already has {MAX_KEYS_PER_WORKSPACE} keys; revoke one first.")
        row = ApiKey(
            organization_id=org_id,
            created_by=user.user_id,
            name=name,
            role=role,
            key_hash=hash_key(key),
            prefix=key[: len(PREFIX) + VISIBLE_CHARS],
            created_at=now,
            expires_at=expires_at,
        )
        session.add(row)
        session.flush()
        creator = session.get(User, user.user_id)
        return key, _row(row, creator.name if creator else "", now)


def list_keys(org_id: int, now: datetime | None = None) -> list[ApiKeyRow]:
    """The workspace's keys: active first, newest first."""
    now = now or utcnow()
    with session_scope() as session:
        rows = session.exec(
            select(ApiKey, User.name)
            .join(User, User.id == ApiKey.created_by)
            .where(ApiKey.organization_id == org_id)
            .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
        ).all()
        return [_row(key, creator or "", now) for key, creator in rows]


def revoke_key(user: Any, org_id: int, key_id: int) -> None:
    """Stops the key at once. Nobody revokes a key more powerful than themselves."""
    require(user, "api_keys.manage")
    with session_scope() as session:
        row = session.get(ApiKey, int(key_id))
        if row is None or row.organization_id != org_id:
            raise ApiKeyNotFound("That key does not exist in this workspace.")
        if role_rank(row.role) < role_rank(user.role):
            raise ApiKeyError(f"Only someone with the {row.role} role can revoke this key.")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            session.add(row)


def resolve_key(presented: str | None, now: datetime | None = None) -> ApiActor:
    """The ApiActor for a presented key, or KeyRejected saying precisely why not."""
    key = (presented or "").strip()
    if not key:
        raise KeyRejected("Send an API key as 'Authorization: Bearer sh_live_…'.", "missing")
    if not key.startswith(PREFIX):
        raise KeyRejected("That is not a SocialHub API key (they start with sh_live_).", "unknown")
    now = now or utcnow()
    with session_scope() as session:
        row = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).first()
        if row is None:
            raise KeyRejected("Unknown API key.", "unknown")
        state = _state(row, now)
        if state == "revoked":
            raise KeyRejected("This API key was revoked; create a new one under API keys.", "revoked")
        if state == "expired":
            raise KeyRejected(f"This API key expired on {_fmt(row.expires_at, '')}.", "expired")
        creator_role = membership_role(row.organization_id, row.created_by)
        creator = session.get(User, row.created_by)
        if creator_role is None or creator is None:
            raise KeyRejected("The person who created this API key is no longer in the workspace.", "orphaned")
        last = _aware(row.last_used_at)
        if last is None or now - last > _LAST_USED_RESOLUTION:
            row.last_used_at = now
            session.add(row)
        return ApiActor(
            key_id=int(row.id),
            organization_id=int(row.organization_id),
            user_id=int(row.created_by),
            role=lower_role(row.role, creator_role),
            key_role=row.role,
            key_name=row.name,
            prefix=row.prefix,
            timezone=creator.timezone or "UTC",
            name=creator.name or "",
        )
