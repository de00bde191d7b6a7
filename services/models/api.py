"""REST API keys and the idempotency records of their creates.

A key is shown once; only its SHA-256 is stored (the key has 256 bits of randomness, so a plain
hash is as good as a slow one and lets every request be checked with one indexed lookup). The
visible `prefix` (`sh_live_abcd`) lets people tell keys apart without the secret.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    created_by: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=80)
    role: str = Field(max_length=20)  # a role of services.permissions, never above its creator's
    key_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=16)  # "sh_live_" + the first 4 characters of the secret part
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class ApiIdempotencyRecord(SQLModel, table=True):
    """The first answer to a create sent with an `Idempotency-Key`, replayed to retries for 24 h.

    A row exists from the moment the first request starts (`status_code` 0 = still running), so a
    concurrent retry is told to wait instead of creating a second post.
    """

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("api_key_id", "idem_key", name="uq_api_idempotency_key"),)
    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_keys.id", index=True)
    idem_key: str = Field(max_length=255)
    fingerprint: str = Field(max_length=64)  # SHA-256 of method, path and body
    status_code: int = Field(default=0)
    response_body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, index=True)
