"""Append-only metric snapshots. Metrics a platform does not give stay NULL, never 0."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class PostMetricSnapshot(SQLModel, table=True):
    __tablename__ = "analytics_snapshots"
    __table_args__ = (
        Index("ix_snap_org_captured", "organization_id", "captured_at"),
        Index("ix_snap_target_captured", "post_target_id", "captured_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id")
    social_account_id: int = Field(foreign_key="social_accounts.id", index=True)
    post_target_id: int = Field(foreign_key="post_targets.id")
    platform: str = Field(max_length=20)
    captured_at: datetime = Field(default_factory=utcnow)
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    impressions: int | None = None
    reach: int | None = None
    clicks: int | None = None
    simulated: bool = Field(default=False)


class AccountMetricSnapshot(SQLModel, table=True):
    __tablename__ = "account_snapshots"
    __table_args__ = (Index("ix_acc_snap_account_captured", "social_account_id", "captured_at"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    social_account_id: int = Field(foreign_key="social_accounts.id")
    platform: str = Field(max_length=20)
    captured_at: datetime = Field(default_factory=utcnow)
    followers: int | None = None
    simulated: bool = Field(default=False)
