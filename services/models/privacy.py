"""Per-workspace privacy mode and retention policies (issue #21, "Your data stays yours").

One row per workspace that ever changed these settings; no row = privacy mode off and every
retention policy off (keep forever), which is the default. The row also records when the daily
retention job last ran for the workspace and what it removed, for the Settings page — and
`last_run_at` doubles as the job's per-workspace claim, so several schedulers never run it twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class WorkspacePrivacy(SQLModel, table=True):
    __tablename__ = "workspace_privacy"
    organization_id: int = Field(foreign_key="organizations.id", primary_key=True)
    # When on, post text, overrides, alt text and media are wiped once every target is final.
    privacy_mode: bool = Field(default=False)
    # When it was last switched on: the safety net only purges posts that became final since then;
    # older posts are purged only by the explicit "purge existing content now".
    privacy_since: datetime | None = None
    # Retention in days; None = keep forever.
    published_content_days: int | None = None
    failed_drafts_days: int | None = None
    snapshot_days: int | None = None
    audit_days: int | None = None
    last_run_at: datetime | None = None
    last_run_summary: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_by: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow)
