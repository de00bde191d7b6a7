"""Workspace invites: only the SHA-256 of the link's token is stored (a DB leak gives no invites)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class Invite(SQLModel, table=True):
    __tablename__ = "invites"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    email: str = Field(max_length=254, index=True)
    role: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    invited_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    accepted_at: datetime | None = None
    accepted_by: int | None = Field(default=None, foreign_key="users.id")
    revoked_at: datetime | None = None
