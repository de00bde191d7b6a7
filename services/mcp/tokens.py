"""Per-person MCP tokens (until the REST API keys exist): created on the AI page, shown once, stored hashed.

A token acts as its person in its workspace with that person's *current* role (read at every call),
so a demoted or removed member's token loses its rights at once. Revoked tokens stop immediately.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import select

from services.api.keys import PREFIX as API_KEY_PREFIX
from services.api.keys import KeyRejected, resolve_key
from services.db import session_scope
from services.display_time import format_datetime
from services.errors import UserError
from services.models import McpToken, User, utcnow
from services.permissions import membership_role

PREFIX = "shmcp_"
MAX_TOKENS_PER_PERSON = 20
_LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(UserError, ValueError):
    """Bad token input; `str(exc)` is for humans."""


@dataclass(frozen=True)
class Actor:
    """Who an MCP call acts as: the token's person, in the token's workspace, with their role now."""

    user_id: int
    organization_id: int
    role: str
    timezone: str
    name: str
    token_id: int


def _actor_for_api_key(key: str) -> Actor | None:
    try:
        found = resolve_key(key)
    except KeyRejected:
        return None
    return Actor(user_id=found.user_id, organization_id=found.organization_id, role=found.role,
                 timezone=found.timezone, name=found.name or "API key " + found.key_name, token_id=-found.key_id)  # fmt: skip


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _dict(row: McpToken) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "hint": f"{PREFIX}…{row.last4}",
        "created_at": format_datetime(row.created_at, "UTC", with_zone=True) if row.created_at else "",
        "last_used_at": row.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if row.last_used_at else "never",
        "revoked": row.revoked_at is not None,
    }


def create_token(org_id: int, user_id: int, name: str) -> tuple[str, dict[str, Any]]:
    """Returns (the token, shown once; its listing). Only the SHA-256 is stored."""
    name = (name or "").strip()
    if not name:
        raise TokenError("Give the token a name, e.g. “Claude Desktop on my laptop”.")
    if len(name) > 80:
        raise TokenError("Keep the token's name within 80 characters.")
    token = PREFIX + secrets.token_urlsafe(32)
    with session_scope() as session:
        active = session.exec(
            select(McpToken.id).where(
                McpToken.organization_id == org_id, McpToken.user_id == user_id, McpToken.revoked_at.is_(None)
            )
        ).all()
        if len(active) >= MAX_TOKENS_PER_PERSON:
            raise TokenError(f"You already have {MAX_TOKENS_PER_PERSON} active tokens; revoke one first.")
        row = McpToken(organization_id=org_id, user_id=user_id, name=name, token_hash=_hash(token), last4=token[-4:])
        session.add(row)
        session.flush()
        return token, _dict(row)


def list_tokens(org_id: int, user_id: int) -> list[dict[str, Any]]:
    """The person's own tokens in this workspace (nobody sees another person's)."""
    with session_scope() as session:
        rows = session.exec(
            select(McpToken)
            .where(McpToken.organization_id == org_id, McpToken.user_id == user_id)
            .order_by(McpToken.revoked_at.is_not(None), McpToken.created_at.desc(), McpToken.id.desc())
        ).all()
        return [_dict(r) for r in rows]


def revoke_token(org_id: int, user_id: int, token_id: int) -> None:
    with session_scope() as session:
        row = session.get(McpToken, int(token_id))
        if row is None or row.organization_id != org_id or row.user_id != user_id:
            raise TokenError("That token does not exist (or is not yours).")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            session.add(row)


def resolve_token(token: str | None) -> Actor | None:
    """The Actor for a presented token, or None (unknown, revoked, or the person left the workspace).

    A REST API key (`sh_live_…`) works too: an agent can use the key a script already has, with the
    key's role capped by its creator's current role, exactly as on `/api/v1`.
    """
    token = (token or "").strip()
    if token.startswith(API_KEY_PREFIX):
        return _actor_for_api_key(token)
    if not token.startswith(PREFIX):
        return None
    with session_scope() as session:
        row = session.exec(select(McpToken).where(McpToken.token_hash == _hash(token))).first()
        if row is None or row.revoked_at is not None:
            return None
        role = membership_role(row.organization_id, row.user_id)
        user = session.get(User, row.user_id)
        if role is None or user is None:
            return None
        now = utcnow()
        last = row.last_used_at
        if last is None or (now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo))) > _LAST_USED_RESOLUTION:
            row.last_used_at = now
            session.add(row)
        return Actor(
            user_id=int(row.user_id),
            organization_id=int(row.organization_id),
            role=role,
            timezone=user.timezone or "UTC",
            name=user.name or user.email,
            token_id=int(row.id),
        )
