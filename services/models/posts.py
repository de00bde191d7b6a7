"""Posts, their per-account targets (the unit the publishing engine works on) and media."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class Post(SQLModel, table=True):
    """What the user wrote. Its `status` is derived from its targets (see services.publishing.states)."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_org_scheduled", "organization_id", "scheduled_at"),
        Index("ix_posts_org_created", "organization_id", "created_at"),
        # Two schedulers extending a series at once must not create the same occurrence twice.
        UniqueConstraint("series_id", "series_occurrence", name="uq_post_series_occurrence"),
        # The review queue (state + workspace, oldest submission first) and the missed-approval sweep
        # (every post still in review: a short range of this index, whatever the size of the table).
        Index("ix_posts_approval", "approval_state", "organization_id", "submitted_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="users.id")
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default="draft", max_length=20, index=True)
    scheduled_at: datetime | None = None  # UTC
    timezone: str = Field(default="UTC", max_length=64)  # the zone the user picked the time in
    version: int = Field(default=1)  # bumped on every edit; the engine publishes the current one
    series_id: int | None = Field(default=None, index=True)  # recurring series this is an occurrence of
    recurrence: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Local wall time ("2026-03-09T09:00") of the occurrence this post stands for in its series.
    series_occurrence: str | None = Field(default=None, max_length=32)
    # Edited on its own: later whole-series edits leave it alone.
    series_detached: bool = Field(default=False)
    # Approval (services/approvals): none | in_review | approved | changes_requested | missed_approval.
    # The engine claims a target only when this is "none", or "approved" for the current `version`.
    approval_state: str = Field(default="none", max_length=20, sa_column_kwargs={"server_default": "none"})
    approved_version: int | None = None  # the version an approval was given for; an edit outdates it
    submitted_at: datetime | None = None  # last sent for review (the queue's order)
    reviewed_by: int | None = Field(default=None, foreign_key="users.id")
    reviewer_name: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    reviewed_at: datetime | None = None
    review_note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # Privacy mode / retention (services/privacy): when the text, overrides and media were wiped, and
    # the SHA-256 of the text they had (hex), so a copy can still be matched without keeping it.
    content_purged_at: datetime | None = None
    body_sha256: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PostTarget(SQLModel, table=True):
    """One post on one account: draft → scheduled → publishing → published | failed | needs_review."""

    __tablename__ = "post_targets"
    __table_args__ = (
        UniqueConstraint("post_id", "social_account_id", name="uq_target_post_account"),
        Index("ix_targets_due", "status", "next_attempt_at"),
        Index("ix_targets_lease", "status", "lease_until"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    post_id: int = Field(foreign_key="posts.id", index=True)
    social_account_id: int = Field(foreign_key="social_accounts.id", index=True)
    body_override: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="draft", max_length=20)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = None
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    error_kind: str = Field(default="", max_length=20)
    external_id: str = Field(default="", max_length=255)
    external_url: str = Field(default="", max_length=1000)
    published_at: datetime | None = None
    claimed_by: str = Field(default="", max_length=120)
    lease_until: datetime | None = None
    idempotency_key: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MediaAsset(SQLModel, table=True):
    __tablename__ = "media_assets"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    uploaded_by: int | None = Field(default=None, foreign_key="users.id")
    kind: str = Field(max_length=10)  # image | video
    mime_type: str = Field(max_length=60)
    original_name: str = Field(default="", max_length=255)
    storage_path: str = Field(max_length=500)  # relative to the media dir
    thumbnail_path: str = Field(default="", max_length=500)
    size_bytes: int = Field(default=0)
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    sha256: str = Field(default="", max_length=64)
    # Alt text for screen readers (suggested by the assistant, always reviewed by a person).
    alt_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # For generated images: the prompt that made it (provenance), else "".
    generated_prompt: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)


class PostMedia(SQLModel, table=True):
    __tablename__ = "post_media"
    __table_args__ = (UniqueConstraint("post_id", "media_asset_id", name="uq_post_media"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    post_id: int = Field(foreign_key="posts.id", index=True)
    media_asset_id: int = Field(foreign_key="media_assets.id")
    position: int = Field(default=0)


class QueueSlot(SQLModel, table=True):
    """A weekly posting slot of an account, in the account owner's local time."""

    __tablename__ = "queue_slots"
    __table_args__ = (UniqueConstraint("social_account_id", "weekday", "local_time", name="uq_queue_slot"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    social_account_id: int = Field(foreign_key="social_accounts.id", index=True)
    weekday: int  # 0 = Monday
    local_time: str = Field(max_length=5)  # HH:MM
    timezone: str = Field(default="UTC", max_length=64)


class SchedulerHeartbeat(SQLModel, table=True):
    """Each scheduler process writes its last tick here; /health fails when none is recent."""

    __tablename__ = "scheduler_heartbeats"
    worker_id: str = Field(primary_key=True, max_length=120)
    hostname: str = Field(default="", max_length=255)
    pid: int = Field(default=0)
    started_at: datetime = Field(default_factory=utcnow)
    last_tick_at: datetime = Field(default_factory=utcnow)
    last_error: str = Field(default="", max_length=1000)
