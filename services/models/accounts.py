"""Connected social accounts, in-flight OAuth flows and per-instance OAuth apps (Mastodon)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class SocialAccount(SQLModel, table=True):
    __tablename__ = "social_accounts"
    __table_args__ = (
        UniqueConstraint(
            "organization_id", "platform", "instance_url", "external_id", name="uq_account_identity"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    platform: str = Field(max_length=20, index=True)
    instance_url: str = Field(default="", max_length=255)  # Mastodon instance / Bluesky PDS
    external_id: str = Field(max_length=255)
    display_name: str = Field(max_length=255)
    username: str = Field(default="", max_length=255)
    avatar_url: str = Field(default="", max_length=1000)
    profile_url: str = Field(default="", max_length=1000)
    # Fernet-encrypted JSON: access/refresh tokens, app password, page token...
    token_blob: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    token_expires_at: datetime | None = None
    status: str = Field(default="active", max_length=20)  # active | expiring | needs_reconnect
    status_reason: str = Field(default="", max_length=1000)
    persona_id: int | None = Field(default=None, index=True)
    connected_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class OAuthFlow(SQLModel, table=True):
    """One authorization attempt: the callback must present this state, once, before it expires."""

    __tablename__ = "oauth_flows"
    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(max_length=128, unique=True, index=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    platform: str = Field(max_length=20)
    instance_url: str = Field(default="", max_length=255)
    secret_blob: str = Field(sa_column=Column(Text, nullable=False))  # encrypted PKCE verifier etc.
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    consumed_at: datetime | None = None
    result: str = Field(default="", max_length=1000)


class PlatformApp(SQLModel, table=True):
    """OAuth client registered on a platform instance (Mastodon `POST /api/v1/apps`); shared by workspaces."""

    __tablename__ = "platform_apps"
    __table_args__ = (UniqueConstraint("platform", "instance_url", "redirect_uri", name="uq_platform_app"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    instance_url: str = Field(max_length=255)
    redirect_uri: str = Field(max_length=1000)
    client_id: str = Field(max_length=255)
    client_secret_blob: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
