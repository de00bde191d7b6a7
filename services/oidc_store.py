"""In-flight OIDC sign-ins: state, nonce and PKCE verifier bound to one browser, usable once.

`begin` stores sha256(state) and sha256(browser cookie) with the encrypted nonce and verifier;
`claim` (at the callback) only succeeds for the same browser, within 10 minutes, and once: a
replayed or forged `state` (or one carried to another browser, login CSRF) is refused before any
code is exchanged.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from authlib.common.security import generate_token
from sqlalchemy import delete, update
from sqlmodel import select

from services.crypto import decrypt_text, encrypt_text
from services.db import session_scope
from services.models import OidcLogin, utcnow
from services.oidc import Metadata, OidcError, authorization_url
from services.oidc_config import OidcProvider
from services.security.tokens import sha256

LOGIN_LIFETIME = timedelta(minutes=10)
MAX_STATE_LEN = 200


def new_browser_secret() -> str:
    return secrets.token_urlsafe(32)


def begin(provider: OidcProvider, meta: Metadata, browser: str, next_path: str = "/", invite: str = "") -> str:
    """Record the attempt; returns the provider's authorization URL to redirect to."""
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), generate_token(64)
    now = utcnow()
    purge_expired()
    with session_scope() as s:
        s.add(OidcLogin(state_hash=sha256(state), browser_hash=sha256(browser), provider=provider.id,
                        nonce_enc=encrypt_text(nonce), verifier_enc=encrypt_text(verifier),
                        next_path=next_path[:500], invite_token=invite[:200], created_at=now,
                        expires_at=now + LOGIN_LIFETIME))
    return authorization_url(provider, meta, state, nonce, verifier)


@dataclass(frozen=True)
class ClaimedLogin:
    id: int
    nonce: str
    verifier: str
    next_path: str
    invite_token: str


def claim(provider_id: str, state: str, browser: str) -> ClaimedLogin:
    """The attempt for this state and browser, marked used; OidcError("state") otherwise."""
    if not state or len(state) > MAX_STATE_LEN or not browser:
        raise OidcError("state", "missing state or browser cookie")
    now = utcnow()
    with session_scope() as s:
        row = s.exec(select(OidcLogin).where(OidcLogin.state_hash == sha256(state))).first()
        if row is None or row.provider != provider_id or row.expires_at <= now:
            raise OidcError("state", "unknown or expired state")
        if not hmac.compare_digest(row.browser_hash, sha256(browser)):
            raise OidcError("state", "state belongs to another browser")
        done = s.exec(update(OidcLogin).where(OidcLogin.id == row.id, OidcLogin.used_at.is_(None))
                      .values(used_at=now))
        if done.rowcount != 1:
            raise OidcError("state", "state already used")
        return ClaimedLogin(id=int(row.id), nonce=decrypt_text(row.nonce_enc), verifier=decrypt_text(row.verifier_enc),
                            next_path=row.next_path, invite_token=row.invite_token)


def purge_expired() -> int:
    """Old attempts are worthless after their lifetime (called at every /start; the table stays tiny)."""
    cutoff = utcnow() - timedelta(days=1)
    with session_scope() as s:
        return s.exec(delete(OidcLogin).where(OidcLogin.expires_at < cutoff)).rowcount or 0
