"""Recurring series in the database: the first post carries the rule, each occurrence is its own post.

- The first post (the "head") has `recurrence` = {rule, start_local, timezone, template,
  materialized_through} and `series_id` = its own id. Every occurrence is a normal post with its
  own targets, so the engine publishes and retries each one independently.
- Occurrences are created ahead of time but only within a horizon (MATERIALIZE_DAYS, at most
  MAX_AHEAD per series); `extend_all_series` is meant to run daily from the scheduler.
- Creating occurrences happens under the head's row lock and a unique (series_id,
  series_occurrence) constraint, and advances a `materialized_through` watermark in the same
  transaction: two schedulers never create one occurrence twice, and an occurrence the user
  deleted is not brought back.
- Editing is explicit: `update_series` changes the template and every future occurrence not
  edited on its own; `update_occurrence` edits one post and detaches it (`series_detached`) so
  later series edits leave it alone.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import select

from services.approvals import rules as approval_rules
from services.db import session_scope
from services.models import MediaAsset, Post, PostMedia, PostTarget, SocialAccount
from services.posts import PostError, PostInput, delete_post, save_post
from services.posts.common import lock_post, post_targets
from services.posts.compose import load_accounts, load_media, media_files, validate_targets
from services.publishing.states import PostStatus, TargetStatus
from services.recurrence.rules import RecurrenceError, describe_rule, expand_occurrences, normalize_rule, occurrence_key
from services.timezones import to_local

MATERIALIZE_DAYS = 90
MAX_AHEAD = 60
#: Targets a series edit must not touch: out, in flight, or waiting for the user to check.
OUT_OF_REACH = tuple(s for s in TargetStatus if not s.can_reschedule)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _load_head(session, org_id: int, series_id: int) -> Post:  # noqa: ANN001
    head = lock_post(session, org_id, series_id)
    if not head.recurrence or head.series_id != head.id:
        raise RecurrenceError("That recurring series was not found.")
    return head


def _template_from_post(session, post: Post) -> dict[str, Any]:  # noqa: ANN001
    rows = post_targets(session, post.id)
    media_ids = session.exec(
        select(PostMedia.media_asset_id).where(PostMedia.post_id == post.id).order_by(PostMedia.position)
    ).all()
    return {
        "body": post.body,
        "account_ids": [t.social_account_id for t, _a in rows],
        "overrides": {str(t.social_account_id): t.body_override for t, _a in rows if t.body_override is not None},
        "media_ids": list(media_ids),
    }


def _materialize(session, head: Post, now: datetime, horizon_days: int) -> int:  # noqa: ANN001
    """Create missing occurrences after the watermark, inside the caller's transaction (head is locked)."""
    data = head.recurrence or {}
    template, tz = data["template"], data["timezone"]
    start_local = datetime.fromisoformat(data["start_local"])
    window_end = now + timedelta(days=horizon_days)
    upcoming = expand_occurrences(
        data["rule"], start_local, tz, window_end, after_key=data.get("materialized_through"), limit=MAX_AHEAD
    )
    if not upcoming:
        return 0
    existing = set(session.exec(select(Post.series_occurrence).where(Post.series_id == head.id)).all())
    accounts = session.exec(
        select(SocialAccount.id).where(
            SocialAccount.organization_id == head.organization_id, SocialAccount.id.in_(template["account_ids"] or [-1])
        )
    ).all()
    media = session.exec(
        select(MediaAsset.id).where(
            MediaAsset.organization_id == head.organization_id, MediaAsset.id.in_(template["media_ids"] or [-1])
        )
    ).all()
    media_order = [m for m in template["media_ids"] if m in set(media)]
    created = 0
    for occ in upcoming:
        if occ["key"] in existing or occ["utc"] <= now:
            continue  # already there, or its time passed while nothing was running: never post late copies
        post = Post(
            organization_id=head.organization_id, author_id=head.author_id, body=template["body"],
            status=TargetStatus.SCHEDULED if accounts else TargetStatus.DRAFT, scheduled_at=occ["utc"], timezone=tz,
            series_id=head.id, series_occurrence=occ["key"], created_at=now, updated_at=now,
            **approval_rules.inherited_by_occurrence(head, now),
        )  # fmt: skip
        session.add(post)
        session.flush()
        for account_id in accounts:
            session.add(
                PostTarget(
                    organization_id=head.organization_id,
                    post_id=post.id,
                    social_account_id=account_id,
                    body_override=template["overrides"].get(str(account_id)),
                    status=TargetStatus.SCHEDULED,
                    next_attempt_at=occ["utc"],
                    idempotency_key=uuid.uuid4().hex,
                    created_at=now,
                    updated_at=now,
                )  # fmt: skip
            )
        for position, media_id in enumerate(media_order):
            session.add(
                PostMedia(
                    organization_id=head.organization_id, post_id=post.id, media_asset_id=media_id, position=position
                )
            )
        created += 1
    data["materialized_through"] = upcoming[-1]["key"]
    head.recurrence = dict(data)
    flag_modified(head, "recurrence")
    session.flush()
    return created


def set_recurrence(
    org_id: int, post_id: int, rule: dict[str, Any], *, user_id: int | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Make a scheduled post the first of a series and create its upcoming occurrences."""
    now = _now(now)
    with session_scope() as session:
        post = lock_post(session, org_id, post_id)
        if post.series_id is not None:
            raise RecurrenceError("This post is already part of a recurring series.")
        if post.scheduled_at is None or post.status != PostStatus.SCHEDULED:
            raise RecurrenceError("Schedule the post first, then make it repeat.")
        if not approval_rules.may_publish(post):
            raise RecurrenceError("Get the post approved first, then make it repeat.")
        start_local = to_local(post.scheduled_at, post.timezone).replace(tzinfo=None)
        normalized = normalize_rule(rule, start_local)
        post.recurrence = {
            "rule": normalized,
            "start_local": start_local.isoformat(timespec="minutes"),
            "timezone": post.timezone,
            "template": _template_from_post(session, post),
            "materialized_through": occurrence_key(start_local),
        }
        post.series_id = post.id
        post.series_occurrence = occurrence_key(start_local)
        session.flush()
        created = _materialize(session, post, now, MATERIALIZE_DAYS)
        return {"series_id": post.id, "created": created, "description": describe_rule(normalized)}


def extend_series(
    org_id: int, series_id: int, *, now: datetime | None = None, horizon_days: int = MATERIALIZE_DAYS
) -> int:
    with session_scope() as session:
        head = _load_head(session, org_id, series_id)
        return _materialize(session, head, _now(now), horizon_days)


def extend_all_series(now: datetime | None = None, horizon_days: int = MATERIALIZE_DAYS) -> int:
    """Daily scheduler job: keep every series materialized `horizon_days` ahead. Returns posts created."""
    with session_scope() as session:
        heads = session.exec(
            select(Post.organization_id, Post.id).where(Post.recurrence.is_not(None), Post.series_id == Post.id)
        ).all()
    created = 0
    for org_id, head_id in heads:
        try:
            created += extend_series(org_id, head_id, now=now, horizon_days=horizon_days)
        except (RecurrenceError, PostError):
            continue  # deleted or ended meanwhile
    return created


def _occurrence_rows(session, org_id: int, series_id: int) -> list[Post]:  # noqa: ANN001
    return list(
        session.exec(
            select(Post).where(Post.organization_id == org_id, Post.series_id == series_id).order_by(Post.scheduled_at)
        ).all()
    )


def series_occurrences(org_id: int, series_id: int) -> list[dict[str, Any]]:
    with session_scope() as session:
        return [
            {
                "id": p.id,
                "key": p.series_occurrence,
                "status": p.status,
                "detached": p.series_detached,
                "scheduled_at": p.scheduled_at.isoformat() if p.scheduled_at else None,
                "is_first": p.id == series_id,
            }  # fmt: skip
            for p in _occurrence_rows(session, org_id, series_id)
        ]


def _future_followers(org_id: int, series_id: int, now: datetime) -> list[Post]:
    """Occurrences a series edit applies to: not detached, still ahead, nothing of them out yet."""
    with session_scope() as session:
        rows = _occurrence_rows(session, org_id, series_id)
        locked = set(
            session.exec(
                select(PostTarget.post_id).where(
                    PostTarget.post_id.in_([p.id for p in rows] or [-1]),
                    PostTarget.status.in_(OUT_OF_REACH),
                )
            ).all()
        )
    return [p for p in rows if not p.series_detached and p.scheduled_at and p.scheduled_at > now and p.id not in locked]


def update_series(
    org_id: int,
    series_id: int,
    *,
    body: str | None = None,
    account_ids: list[int] | None = None,
    overrides: dict[int, str] | None = None,
    media_ids: list[int] | None = None,
    rule: dict[str, Any] | None = None,
    user_id: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Edit the whole series: the template and every future occurrence not edited on its own.

    Validated against every platform first; a refusal changes nothing. With a new `rule`, future
    untouched occurrences are removed and re-created from it.
    """
    now = _now(now)
    with session_scope() as session:
        head = _load_head(session, org_id, series_id)
        data = dict(head.recurrence)
        template = dict(data["template"])
        if body is not None:
            template["body"] = body
        if account_ids is not None:
            template["account_ids"] = list(dict.fromkeys(account_ids))
        if overrides is not None:
            template["overrides"] = {str(k): v for k, v in overrides.items() if v}
        if media_ids is not None:
            template["media_ids"] = list(dict.fromkeys(media_ids))
        accounts = load_accounts(session, org_id, template["account_ids"])
        if not accounts:
            raise RecurrenceError("Pick at least one account for the series.")
        assets = load_media(session, org_id, template["media_ids"])
        texts = {aid: template["overrides"].get(str(aid)) or template["body"] for aid in accounts}
        validate_targets(texts, accounts, media_files(assets))
        if rule is not None:
            data["rule"] = normalize_rule(rule, datetime.fromisoformat(data["start_local"]))
        data["template"] = template
        head.recurrence = data
        flag_modified(head, "recurrence")

    followers = _future_followers(org_id, series_id, now)
    updated, removed, skipped = 0, 0, []
    for post in followers:
        try:
            if rule is not None and post.id != series_id:
                delete_post(org_id, post.id, user_id=user_id)
                removed += 1
                continue
            save_post(org_id, user_id, _input_for(template, post), post_id=post.id, now=now)
            updated += 1
        except PostError as exc:  # it started publishing meanwhile: it goes out as it was
            skipped.append({"post_id": post.id, "reason": str(exc)})
    created = 0
    if rule is not None:
        with session_scope() as session:
            head = _load_head(session, org_id, series_id)
            data = dict(head.recurrence)
            data["materialized_through"] = data["start_local"][:16]
            head.recurrence = data
            flag_modified(head, "recurrence")
            created = _materialize(session, head, now, MATERIALIZE_DAYS)
    return {"updated": updated, "removed": removed, "created": created, "skipped": skipped}


def _input_for(template: dict[str, Any], post: Post) -> PostInput:
    return PostInput(
        body=template["body"],
        account_ids=list(template["account_ids"]),
        overrides={int(k): v for k, v in template["overrides"].items()},
        media_ids=list(template["media_ids"]),
        action="schedule",
        scheduled_at=post.scheduled_at,
        timezone=post.timezone,
    )


def update_occurrence(
    org_id: int, post_id: int, data: PostInput, *, user_id: int | None = None, now: datetime | None = None
) -> int:
    """Edit one occurrence only; it is detached first so a later series edit can't overwrite it."""
    with session_scope() as session:
        post = lock_post(session, org_id, post_id)
        if post.series_id is None:
            raise RecurrenceError("This post isn't part of a recurring series.")
        was_detached = post.series_detached
        post.series_detached = True
    try:
        return save_post(org_id, user_id, data, post_id=post_id, now=now)
    except PostError:
        if not was_detached:
            with session_scope() as session:
                session.get(Post, post_id).series_detached = False
        raise


def end_series(
    org_id: int, series_id: int, *, user_id: int | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Stop repeating: no more occurrences are created and future untouched ones are removed."""
    now = _now(now)
    with session_scope() as session:
        head = _load_head(session, org_id, series_id)
        head.recurrence = None
    removed, skipped = 0, []
    for post in _future_followers(org_id, series_id, now):
        if post.id == series_id:
            continue
        try:
            delete_post(org_id, post.id, user_id=user_id)
            removed += 1
        except PostError as exc:
            skipped.append({"post_id": post.id, "reason": str(exc)})
    return {"removed": removed, "skipped": skipped}


def count_occurrences(org_id: int, series_id: int) -> int:
    with session_scope() as session:
        return session.exec(
            select(func.count()).select_from(Post).where(Post.organization_id == org_id, Post.series_id == series_id)
        ).one()
