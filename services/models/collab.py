"""Comments on posts and in-app notifications (issue #10, items 5 and 6).

Both are workspace data: every row carries `organization_id`, and every query filters on it.
A comment or notification follows its post: deleting a post deletes its comments (ON DELETE
CASCADE) and leaves its notifications without a link (SET NULL) — the person still sees that
"a post failed", the link just no longer opens anything.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class Comment(SQLModel, table=True):
    """An internal note on a post (never published), visible to every member of the workspace."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_post_created", "post_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    post_id: int = Field(sa_column=Column(Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False))
    author_id: int | None = Field(default=None, foreign_key="users.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    """One thing one person should look at, in one workspace; `read_at` None = unread (the bell counts those)."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The bell's unread count and the newest-first list both start from (person, workspace).
        Index("ix_notifications_user_org_read", "user_id", "organization_id", "read_at"),
        Index("ix_notifications_user_org_created", "user_id", "organization_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id")
    user_id: int = Field(foreign_key="users.id")
    kind: str = Field(max_length=40)
    post_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("posts.id", ondelete="SET NULL"), nullable=True)
    )
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    text: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
