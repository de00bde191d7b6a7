"""Approval workflow tables: the per-workspace setting and shareable preview links.

The approval *state* of a post lives on the post row itself (`posts.approval_state`,
`posts.approved_version`, …, see services/models/posts.py) because the publishing engine's claim
query checks it: one join on the primary key, no extra table to read per claimed target.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class ApprovalSettings(SQLModel, table=True):
    """How a workspace reviews posts. No row = approvals off (the default for a one-person workspace)."""

    __tablename__ = "approval_settings"
    organization_id: int = Field(foreign_key="organizations.id", primary_key=True)
    mode: str = Field(default="off", max_length=20)  # off | contributors | everyone
    allow_external: bool = Field(default=False)  # preview-link visitors may approve / request changes
    updated_by: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow)


class PreviewLink(SQLModel, table=True):
    """A read-only link to one post for someone without an account (a client).

    Only a keyed hash (HMAC with the instance's secret key) of the link's token is stored: a
    database leak gives neither working links nor a way to check guessed ones.
    """

    __tablename__ = "preview_links"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    post_id: int = Field(foreign_key="posts.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
