"""Single-use, short-lived tokens: sign-in grants, 2FA challenges, password resets, email checks.

Only the SHA-256 is stored; consuming is a compare-and-set on `used_at`, so a token works once
even when two requests race.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from services.models import AuthToken, utcnow

LIFETIMES = {
    "signin": timedelta(seconds=60),  # the browser exchanges it for the cookie at once
    "mfa": timedelta(minutes=5),
    "reset": timedelta(hours=1),
    "verify": timedelta(days=2),
}
MAX_TOKEN_LEN = 200


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def issue(s: Session, user_id: int, purpose: str) -> str:
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    s.add(AuthToken(token_hash=sha256(raw), purpose=purpose, user_id=user_id, created_at=now,
                    expires_at=now + LIFETIMES[purpose]))
    s.flush()
    return raw


def peek(s: Session, raw: str | None, purpose: str) -> AuthToken | None:
    """The live token row (unused, unexpired, right purpose) or None."""
    if not raw or len(raw) > MAX_TOKEN_LEN:
        return None
    row = s.exec(select(AuthToken).where(AuthToken.token_hash == sha256(raw))).first()
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def consume(s: Session, raw: str | None, purpose: str) -> int | None:
    """Use the token once; returns its user id, or None when unknown, expired, used or racing."""
    row = peek(s, raw, purpose)
    if row is None:
        return None
    done = s.exec(
        update(AuthToken).where(AuthToken.id == row.id, AuthToken.used_at.is_(None)).values(used_at=utcnow())
    )
    return int(row.user_id) if done.rowcount == 1 else None


def revoke_all(s: Session, user_id: int, purpose: str) -> None:
    s.exec(
        update(AuthToken)
        .where(AuthToken.user_id == user_id, AuthToken.purpose == purpose, AuthToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
