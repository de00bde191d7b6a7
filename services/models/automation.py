"""Automation tables: outgoing webhooks (endpoints, messages, deliveries), email alerts, RSS feeds.

Webhooks and alerts are outboxes: a row is written in the same transaction as the state change
that caused it (or right after, see services/events.py), and a scheduler job delivers it later.
Nothing is sent from the code path that changed the state, so a crash never loses an event and a
slow receiver never slows publishing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class WebhookEndpoint(SQLModel, table=True):
    """A URL a workspace wants events POSTed to. The signing secret is Fernet-encrypted at rest."""

    __tablename__ = "webhook_endpoints"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="users.id")
    url: str = Field(max_length=1000)
    description: str = Field(default="", max_length=200)
    events: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    secret_blob: str = Field(sa_column=Column(Text, nullable=False))
    enabled: bool = Field(default=True)
    #: Why it was switched off ("" while enabled): shown as a notice on the Automation page.
    disabled_reason: str = Field(default="", max_length=500)
    disabled_at: datetime | None = None
    #: Failed attempts since the last success, and since when it has been failing (None: healthy).
    consecutive_failures: int = Field(default=0)
    failing_since: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class WebhookMessage(SQLModel, table=True):
    """One event as it will be sent: the body bytes are fixed when it happens (signed as stored)."""

    __tablename__ = "webhook_messages"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    msg_id: str = Field(max_length=40, unique=True)  # the `webhook-id` header: stable across retries
    event_type: str = Field(max_length=40)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class WebhookDelivery(SQLModel, table=True):
    """One message to one endpoint: pending → delivered | failed. Claimed with a lease by a worker."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_order", "endpoint_id", "ordering_key", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoints.id", index=True)
    message_id: int = Field(foreign_key="webhook_messages.id", index=True)
    #: Deliveries sharing a key (e.g. "post:42") go out one at a time, oldest first.
    ordering_key: str = Field(default="", max_length=80)
    status: str = Field(default="pending", max_length=12)  # pending | delivered | failed
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_by: str = Field(default="", max_length=120)
    lease_until: datetime | None = None
    last_status_code: int | None = None
    last_error: str = Field(default="", max_length=500)
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    #: "Resend" from the delivery log (a person asked for it), not an automatic delivery.
    manual: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class AlertPreference(SQLModel, table=True):
    """A person opted in to email for one event type in one workspace (no row: no mail)."""

    __tablename__ = "alert_preferences"
    __table_args__ = (UniqueConstraint("organization_id", "user_id", "event_type", name="uq_alert_preference"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    event_type: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class AlertItem(SQLModel, table=True):
    """One line of a future alert mail. Unsent items of a person are batched into one message."""

    __tablename__ = "alert_outbox"
    __table_args__ = (Index("ix_alert_outbox_pending", "user_id", "sent_at"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    event_type: str = Field(max_length=40)
    summary: str = Field(default="", max_length=1000)
    link: str = Field(default="", max_length=500)
    claimed_by: str = Field(default="", max_length=120)
    lease_until: datetime | None = None
    sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class RssFeed(SQLModel, table=True):
    """An RSS/Atom feed whose new entries become posts (a draft to review, or queued)."""

    __tablename__ = "rss_feeds"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="users.id")
    url: str = Field(max_length=1000)
    name: str = Field(default="", max_length=200)
    account_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    template: str = Field(default="{title} {link}", sa_column=Column(Text, nullable=False))
    interval_minutes: int = Field(default=30)
    mode: str = Field(default="draft", max_length=10)  # draft | queue
    enabled: bool = Field(default=True)
    next_check_at: datetime = Field(default_factory=utcnow)
    last_checked_at: datetime | None = None
    last_error: str = Field(default="", max_length=500)
    etag: str = Field(default="", max_length=200)
    modified: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class RssEntry(SQLModel, table=True):
    """An entry already turned into a post: the unique key makes "once per entry" hold across restarts."""

    __tablename__ = "rss_entries"
    __table_args__ = (UniqueConstraint("feed_id", "entry_key", name="uq_rss_entry"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    feed_id: int = Field(foreign_key="rss_feeds.id", index=True)
    entry_key: str = Field(max_length=64)  # sha256 of the entry id (else link, else title + date)
    title: str = Field(default="", max_length=500)
    link: str = Field(default="", max_length=1000)
    post_id: int | None = Field(default=None, foreign_key="posts.id")
    created_at: datetime = Field(default_factory=utcnow)
