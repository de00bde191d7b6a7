"""Users, workspaces (organizations), memberships, login sessions, throttling and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class Organization(SQLModel, table=True):
    __tablename__ = "organizations"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    ai_monthly_budget_usd: float | None = Field(default=None)
    require_2fa: bool = Field(default=False)  # Owners can make TOTP mandatory for every member
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    timezone: str = Field(default="UTC", max_length=64)
    is_instance_admin: bool = Field(default=False)  # the first account; runs the instance
    email_verified_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # Set when the person deleted their account: the row stays as a nameless tombstone ("Deleted
    # user", no email, no password) so posts, comments and audit entries keep a pseudonymous id.
    deleted_at: datetime | None = None


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organization_id", "user_id", name="uq_membership_org_user"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    role: str = Field(default="owner", max_length=20)  # owner | admin | editor | viewer
    created_at: datetime = Field(default_factory=utcnow)


class UserSession(SQLModel, table=True):
    """A login. Only the SHA-256 of the random token is stored, so a DB leak gives no sessions."""

    __tablename__ = "sessions"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    user_agent: str | None = Field(default=None, max_length=255)
    ip: str | None = Field(default=None, max_length=64)
    last_seen_at: datetime | None = None


class LoginFailure(SQLModel, table=True):
    """Failed logins, keyed per email and per client, so throttling works across workers."""

    __tablename__ = "login_failures"
    id: int | None = Field(default=None, primary_key=True)
    scope_key: str = Field(max_length=300, index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class AuditLog(SQLModel, table=True):
    """Who did what, when. Written through `services.audit` (secrets are dropped from `detail` there)."""

    __tablename__ = "audit_log"
    # The audit page reads one workspace newest first (keyset on created_at, id).
    __table_args__ = (Index("ix_audit_log_org_created", "organization_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=80)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
