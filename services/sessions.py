"""The session cookie and the "my sessions" list.

The cookie is set only by server responses (socialhub_app/auth_routes.py): HttpOnly so page
scripts can never read it, SameSite=Lax, Path=/, and on an https base URL also Secure with the
`__Host-` prefix (which forbids a Domain attribute, so a sibling subdomain cannot plant one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from services.config import get_settings
from services.db import session_scope
from services.models import UserSession, utcnow

BASE_COOKIE = "socialhub_session"


def cookie_secure() -> bool:
    return get_settings().base_url.lower().startswith("https://")


def cookie_name() -> str:
    return f"__Host-{BASE_COOKIE}" if cookie_secure() else BASE_COOKIE


def oidc_step_cookie_name() -> str:
    """The short-lived cookie that carries an OIDC sign-in to the login page's 2FA/link step."""
    return f"__Host-{BASE_COOKIE}_oidc_step" if cookie_secure() else f"{BASE_COOKIE}_oidc_step"


def cookie_attributes() -> dict:
    """Keyword arguments for Starlette's `Response.set_cookie` / `delete_cookie`."""
    return {"path": "/", "secure": cookie_secure(), "httponly": True, "samesite": "lax"}


def parse_cookie_header(header: str) -> dict[str, str]:
    """Tolerant Cookie header parser (http.cookies gives up on the first odd cookie)."""
    found: dict[str, str] = {}
    for part in (header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name and name not in found:
            found[name] = value.strip().strip('"')
    return found


def token_from_cookies(cookies: Mapping[str, str]) -> str | None:
    return cookies.get(cookie_name()) or None


def token_from_cookie_header(header: str) -> str | None:
    return token_from_cookies(parse_cookie_header(header))


@dataclass(frozen=True)
class SessionInfo:
    id: int
    user_agent: str
    ip: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


def list_sessions(user_id: int, current_session_id: int) -> list[SessionInfo]:
    now = utcnow()
    from services.auth import _session_alive

    with session_scope() as s:
        rows = s.exec(
            select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
            .order_by(UserSession.id.desc())
        ).all()
        return [
            SessionInfo(id=int(r.id), user_agent=r.user_agent or "Unknown device", ip=r.ip or "–",
                        created_at=r.created_at, last_seen_at=r.last_seen_at or r.created_at,
                        current=int(r.id) == current_session_id)
            for r in rows if _session_alive(r, now)
        ]


def revoke_session(user_id: int, session_id: int) -> bool:
    """Revoke one of the user's own sessions (another user's id is simply not found)."""
    with session_scope() as s:
        row = s.get(UserSession, session_id)
        if row is None or row.user_id != user_id or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        return True


def revoke_other_sessions(user_id: int, current_session_id: int) -> int:
    from services.auth import revoke_all_sessions

    return revoke_all_sessions(user_id, except_session_id=current_session_id)
