"""One-time tokens (sign-in grants, 2FA challenges, password resets, email checks) and TOTP credentials.

Every token is random and only its SHA-256 is stored, like sessions: a database dump gives no
usable link. TOTP secrets are Fernet-encrypted; recovery codes are stored hashed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class AuthToken(SQLModel, table=True):
    __tablename__ = "auth_tokens"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    purpose: str = Field(max_length=20)  # signin | mfa | reset | verify
    user_id: int = Field(foreign_key="users.id", index=True)
    attempts: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class TotpCredential(SQLModel, table=True):
    __tablename__ = "totp_credentials"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", unique=True, index=True)
    secret_blob: str = Field(sa_column=Column(Text, nullable=False))
    confirmed_at: datetime | None = None  # None while enrolling
    last_step: int | None = None  # the last accepted time step: a code is never accepted twice
    created_at: datetime = Field(default_factory=utcnow)


class RecoveryCode(SQLModel, table=True):
    __tablename__ = "recovery_codes"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
