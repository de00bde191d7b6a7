"""Posts on the built-in Demo network: it has no server, so its 'platform' is this table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class DemoPost(SQLModel, table=True):
    __tablename__ = "demo_posts"
    # The idempotency key makes a retried Demo publish return the first post instead of a second.
    __table_args__ = (UniqueConstraint("account_external_id", "idempotency_key", name="uq_demo_post_idempotency"),)
    id: int | None = Field(default=None, primary_key=True)
    account_external_id: str = Field(max_length=255, index=True)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    media_count: int = Field(default=0)
    idempotency_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None
