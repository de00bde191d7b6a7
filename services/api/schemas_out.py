"""What the API answers: response models, so the OpenAPI document says exactly what comes back.

They mirror the services' typed contracts (PostDetail, AccountRow, CalendarItem …) field for
field; `from_*` helpers rename the few internal names (a post's `body` is `text` here, as in the
request) and drop what is internal (storage paths).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """RFC 9457 problem details (`application/problem+json`)."""

    type: str = Field(description="Stable identifier of the kind of problem, e.g. urn:socialhub:problem:not-found.")
    title: str
    status: int
    detail: str = Field(description="What happened and what to do, as the app's own pages say it.")
    errors: list[dict[str, Any]] = Field(default_factory=list, description="Field errors: {field, message}.")


class KeyInfo(BaseModel):
    id: int
    name: str
    prefix: str
    role: str = Field(description="The role the key acts with now (its own, capped by its creator's current role).")
    key_role: str


class Workspace(BaseModel):
    id: int
    name: str
    timezone: str = Field(description="The key creator's timezone: the default for times without an offset.")
    key: KeyInfo


class Account(BaseModel):
    id: int
    platform: str
    platform_label: str
    display_name: str
    username: str
    avatar_url: str
    profile_url: str
    status: str = Field(description="active | expiring | needs_reconnect")
    status_reason: str
    token_expires_at: datetime | None
    max_chars: int
    max_hashtags: int | None


class Target(BaseModel):
    id: int
    account_id: int
    platform: str
    account_name: str
    account_username: str
    text: str = Field(description="The text this account gets (its own text, or the post's).")
    own_text: str | None = Field(description="Set when this account has its own text.")
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    error_kind: str
    external_id: str
    external_url: str
    published_at: datetime | None


class Refusal(BaseModel):
    account: str
    reason: str


class Post(BaseModel):
    id: int
    text: str
    status: str = Field(description="draft | scheduled | publishing | published | failed | needs_review | partially_failed")
    scheduled_at: datetime | None
    timezone: str
    version: int
    created_at: datetime | None
    updated_at: datetime | None
    media_ids: list[int]
    targets: list[Target]
    refused: list[Refusal] = Field(default_factory=list, description="Accounts an action did not apply to, and why.")
    note: str = Field("", description="Set when a daylight-saving edge moved the time you asked for.")
    author_id: int | None = None
    approval_state: str = Field(
        "none", description="none | in_review | approved | changes_requested | missed_approval"
    )
    approved_version: int | None = Field(None, description="The version that was approved (approved only if = version).")
    review_note: str = Field("", description="The reviewer's note (e.g. what should change).")
    reviewer: str = Field("", description="Who decided last: a member, or an external reviewer via a preview link.")
    reviewed_at: datetime | None = None
    content_purged: bool = Field(
        False, description="Privacy mode or retention wiped the text and media (metadata, links and metrics stay)."
    )
    body_sha256: str = Field("", description="SHA-256 (hex) of the wiped text; empty while the text is stored.")


def post_from(detail: dict[str, Any], refused: list[dict[str, str]] | None = None, note: str = "") -> Post:
    targets = [
        Target(**{k: v for k, v in t.items() if k not in ("body", "body_override")},
               text=t["body"], own_text=t["body_override"])
        for t in detail["targets"]
    ]  # fmt: skip
    fields = {k: v for k, v in detail.items() if k not in ("body", "targets", "refused")}
    return Post(**fields, text=detail["body"], targets=targets, refused=refused or [], note=note)


class ListTarget(BaseModel):
    account_id: int
    platform: str
    account_name: str
    status: str
    url: str


class PostSummary(BaseModel):
    id: int
    text: str = Field(description="The first 120 characters.")
    status: str
    scheduled_at: datetime | None
    scheduled_local: str
    created_at: datetime
    updated_at: datetime
    series_id: int | None
    platforms: list[str]
    targets: list[ListTarget]


class PostPage(BaseModel):
    data: list[PostSummary]
    total: int = Field(description="Posts matching the filters.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class Deleted(BaseModel):
    deleted: bool = Field(description="False when published copies were kept (see refused).")
    refused: list[Refusal]


class Media(BaseModel):
    id: int
    kind: str = Field(description="image | video")
    mime_type: str
    original_name: str
    size_bytes: int
    width: int | None
    height: int | None
    duration_seconds: float | None
    sha256: str
    alt_text: str
    created_at: datetime | None


def media_from(asset: dict[str, Any]) -> Media:
    return Media(**{k: v for k, v in asset.items() if k in Media.model_fields})


class MediaList(BaseModel):
    data: list[Media]


class AccountList(BaseModel):
    data: list[Account]


class Slots(BaseModel):
    account_id: int
    slots: list[datetime]


class Queued(BaseModel):
    post_id: int
    scheduled_at: datetime
    account_ids: list[int]


class QueueResult(BaseModel):
    scheduled: list[Queued]


class CalendarTarget(BaseModel):
    target_id: int
    account_id: int
    platform: str
    account_name: str
    status: str
    url: str
    error: str


class CalendarPost(BaseModel):
    id: int
    text: str
    status: str
    scheduled_at: datetime
    local_date: str
    local_time: str
    local_minutes: int
    weekday: int
    platforms: list[str]
    targets: list[CalendarTarget]
    links: list[str]
    series_id: int | None
    recurring: bool
    can_reschedule: bool


class Calendar(BaseModel):
    timezone: str
    start: str
    end: str
    posts: list[CalendarPost]


class Totals(BaseModel):
    posts: int
    engagement: int | None
    impressions: int | None
    followers: int | None


class TopPost(BaseModel):
    post_id: int
    platform: str
    account: str
    text: str
    published: str
    url: str
    likes: int | None
    reposts: int | None
    replies: int | None
    impressions: int | None
    engagement: int | None
    simulated: bool


class Overview(BaseModel):
    start: str
    end: str
    timezone: str
    totals: Totals
    top_posts: list[TopPost]
    simulated: bool = Field(description="Some numbers come from the Demo network (simulated).")
    has_data: bool


class TargetMetrics(BaseModel):
    platform: str
    account: str
    likes: int | None
    reposts: int | None
    replies: int | None
    impressions: int | None
    engagement: int | None
    simulated: bool


class PostMetrics(BaseModel):
    post_id: int
    has_data: bool
    simulated: bool
    targets: list[TargetMetrics]


class Comment(BaseModel):
    id: int
    author: str
    text: str
    created_at: datetime
    mine: bool = Field(description="Written by the key's creator.")
    can_delete: bool = Field(description="The key may delete it (its creator's own, or anyone's for Owners/Admins).")


class CommentList(BaseModel):
    data: list[Comment] = Field(description="Oldest first.")


class ReviewItem(BaseModel):
    post_id: int
    text: str = Field(description="The first 120 characters.")
    version: int = Field(description="Send it with approve / request-changes.")
    author: str
    submitted_at: datetime | None
    scheduled_at: datetime | None = Field(description="Null: published as soon as it is approved.")
    timezone: str
    platforms: list[str]


class ReviewQueue(BaseModel):
    data: list[ReviewItem] = Field(description="Oldest submission first.")
    total: int = Field(description="Posts waiting for the key's creator to review.")


class ApprovalSettings(BaseModel):
    mode: str = Field(description="off | contributors | everyone")
    allow_external: bool = Field(description="Approval through preview links is allowed.")
    required_for_key: bool = Field(description="Posts this key schedules or publishes go to review first.")
