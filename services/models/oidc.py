"""OpenID Connect sign-in: linked identities and in-flight logins (state, nonce, PKCE verifier)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class OidcIdentity(SQLModel, table=True):
    """One person at one provider (issuer + subject) is one SocialHub user.

    Keyed by the issuer, not the operator's provider id, so renaming a provider entry keeps links.
    """

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_oidc_identity_issuer_subject"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    issuer: str = Field(max_length=500)
    subject: str = Field(max_length=255)
    email: str = Field(default="", max_length=254)  # as the provider last reported it (display only)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class OidcLogin(SQLModel, table=True):
    """A sign-in between /start and /callback, then (maybe) the link confirmation.

    Only hashes of the state and of the browser-binding cookie are stored; the nonce and PKCE
    verifier are Fernet-encrypted. `used_at` is set by compare-and-set, so a state works once.
    """

    __tablename__ = "oidc_logins"
    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True, index=True)
    browser_hash: str = Field(max_length=64)
    provider: str = Field(max_length=64)
    nonce_enc: str = Field(max_length=500)
    verifier_enc: str = Field(max_length=500)
    next_path: str = Field(default="/", max_length=500)
    invite_token: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    # filled in when the callback found an existing account that the person must confirm
    link_hash: str | None = Field(default=None, max_length=64, index=True)
    link_user_id: int | None = Field(default=None, foreign_key="users.id")
    link_subject: str = Field(default="", max_length=255)
    link_email: str = Field(default="", max_length=254)
    link_expires_at: datetime | None = None
    link_used_at: datetime | None = None
