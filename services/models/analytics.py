"""Append-only metric snapshots, their per-day rollup, and per-account collection state.

Metrics a platform does not give stay NULL, never 0: a chart must be able to tell "no likes"
from "this network does not report likes".
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class PostMetricSnapshot(SQLModel, table=True):
    """What one post target's counters were at one moment (cumulative totals, as the platform reports them)."""

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


class PostMetricsDaily(SQLModel, table=True):
    """The latest snapshot of each post target per local day, kept per reporting timezone.

    Why a rollup: dashboards group a million snapshots by day, which no index makes fast
    (a DISTINCT ON over 1M rows takes >1 s); the rollup has one row per target per day. Days are
    local days, so the rollup is keyed by timezone too: a zone is registered (and back-filled
    from the snapshots) the first time someone views analytics in it, and the collector keeps
    every registered zone of the workspace current as it appends snapshots.
    """

    __tablename__ = "analytics_daily"
    __table_args__ = (
        UniqueConstraint("post_target_id", "tz", "day", name="uq_daily_target_tz_day"),
        Index("ix_daily_org_tz_day", "organization_id", "tz", "day"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id")
    post_target_id: int = Field(foreign_key="post_targets.id")
    social_account_id: int = Field(foreign_key="social_accounts.id")
    platform: str = Field(max_length=20)
    tz: str = Field(max_length=64)
    day: date
    captured_at: datetime
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    impressions: int | None = None
    reach: int | None = None
    clicks: int | None = None
    simulated: bool = Field(default=False)


class RollupZone(SQLModel, table=True):
    """A timezone whose daily rollup exists (back-filled) for a workspace."""

    __tablename__ = "analytics_rollup_zones"
    organization_id: int = Field(foreign_key="organizations.id", primary_key=True)
    tz: str = Field(max_length=64, primary_key=True)
    built_at: datetime = Field(default_factory=utcnow)


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


class AnalyticsAccountState(SQLModel, table=True):
    """Per-account collection backoff, in the database so a restart or a second worker honours a 429."""

    __tablename__ = "analytics_account_state"
    social_account_id: int = Field(foreign_key="social_accounts.id", primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    backoff_until: datetime | None = None
    last_error: str = Field(default="", max_length=1000)
    last_run_at: datetime | None = None
