"""Creating and editing a post with its targets: save draft, schedule, or publish now.

Everything is validated before anything is written, so a refused post leaves no half state:
accounts and media must belong to the workspace, the time must be in the future, and every
target's text must pass that platform's own rules (the adapter's `validate`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete as sa_delete
from sqlmodel import Session, select

from services.approvals import rules as approval_rules
from services.approvals.states import ApprovalState
from services.config import get_settings
from services.db import session_scope
from services.models import MediaAsset, Post, PostMedia, PostTarget, SocialAccount
from services.platforms import registry
from services.platforms.base import MediaFile
from services.posts.common import account_label, audit, lock_post, locked_reason, post_targets, utcnow
from services.posts.errors import PostConflict, PostError, PostFieldError, TargetsInvalid
from services.publishing import states, wakeup
from services.publishing.states import TargetStatus

PM = PostMedia.__table__
#: "submit" = send for approval, at `scheduled_at` if given, else as soon as it is approved.
Action = Literal["draft", "schedule", "publish_now", "submit"]
#: A time this close to now still counts as "now" (the user clicked Schedule a moment ago).
PAST_TOLERANCE = timedelta(seconds=5)


@dataclass
class PostInput:
    body: str
    account_ids: list[int]
    overrides: dict[int, str] = field(default_factory=dict)  # account id → text for that account
    media_ids: list[int] = field(default_factory=list)
    action: Action = "draft"
    scheduled_at: datetime | None = None  # UTC (aware)
    timezone: str = "UTC"  # the zone the user picked the time in (kept for display)


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PostFieldError(f"'{name}' is not a known time zone.", "timezone") from exc
    return name or "UTC"


def check_schedule_time(when: datetime | None, now: datetime) -> datetime:
    if when is None:
        raise PostFieldError("Pick a date and time to schedule this post.", "scheduled_at")
    if when.tzinfo is None:
        raise PostFieldError("The scheduled time has no time zone.", "scheduled_at")
    if when < now - PAST_TOLERANCE:
        raise PostFieldError("That time is in the past — pick a time in the future.", "scheduled_at")
    return when


def load_accounts(session: Session, org_id: int, account_ids: list[int]) -> dict[int, SocialAccount]:
    ids = list(dict.fromkeys(account_ids))
    rows = session.exec(
        select(SocialAccount).where(SocialAccount.organization_id == org_id, SocialAccount.id.in_(ids))  # type: ignore[union-attr]
    ).all()
    found = {a.id: a for a in rows}
    if len(found) != len(ids):
        missing = next(i for i in ids if i not in found)
        raise PostFieldError(
            "One of the selected accounts is not connected to this workspace.", f"account_ids[{ids.index(missing)}]"
        )
    return {i: found[i] for i in ids}


def load_media(session: Session, org_id: int, media_ids: list[int]) -> list[MediaAsset]:
    ids = list(dict.fromkeys(media_ids))
    if not ids:
        return []
    rows = session.exec(
        select(MediaAsset).where(MediaAsset.organization_id == org_id, MediaAsset.id.in_(ids))  # type: ignore[union-attr]
    ).all()
    found = {m.id: m for m in rows}
    if len(found) != len(ids):
        missing = next(i for i in ids if i not in found)
        raise PostFieldError(
            "One of the attached files was not found; upload it again.", f"media_ids[{ids.index(missing)}]"
        )
    return [found[i] for i in ids]


def media_files(assets: list[MediaAsset]) -> list[MediaFile]:
    base = Path(get_settings().media_dir)
    return [
        MediaFile(
            path=str(base / a.storage_path),
            mime_type=a.mime_type,
            kind=a.kind,  # type: ignore[arg-type]
            size_bytes=a.size_bytes,
            width=a.width,
            height=a.height,
        )
        for a in assets
    ]


def validate_targets(texts: dict[int, str], accounts: dict[int, SocialAccount], media: list[MediaFile]) -> None:
    """Every target must be publishable as is; the refusal names each account and platform."""
    problems: list[str] = []
    errors: list[dict[str, str]] = []  # the same reasons, per account, for doors that show fields

    def refuse(account: SocialAccount, reason: str) -> None:
        problems.append(f"{account_label(account)}: {reason}")
        errors.append({"field": f"accounts.{account.id}", "message": problems[-1]})

    for account_id, text in texts.items():
        account = accounts[account_id]
        if account.status == "needs_reconnect":
            refuse(account, "the account needs to be reconnected first")
            continue
        try:
            adapter = registry.get_adapter(account.platform, instance_url=account.instance_url)
        except KeyError:
            refuse(account, "this platform is not available on this server")
            continue
        for reason in adapter.validate(text, media):
            refuse(account, reason)
    if problems:
        raise TargetsInvalid("Can't publish this yet — " + "; ".join(problems), errors)


def _target_values(action: Action, when: datetime | None, now: datetime) -> dict:
    if action == "draft":
        return {"status": TargetStatus.DRAFT, "next_attempt_at": None}
    return {"status": TargetStatus.SCHEDULED, "next_attempt_at": when if action == "schedule" else now}


def _reset(target: PostTarget, values: dict, now: datetime, new_key: bool) -> None:
    target.status = values["status"]
    target.next_attempt_at = values["next_attempt_at"]
    target.attempts = 0
    target.last_error = ""
    target.error_kind = ""
    target.claimed_by = ""
    target.lease_until = None
    target.updated_at = now
    if new_key or not target.idempotency_key:
        # The key stands for "this content on this account": new content must not be deduped into old.
        target.idempotency_key = uuid.uuid4().hex


def save_post(
    org_id: int, user_id: int | None, data: PostInput, post_id: int | None = None, now: datetime | None = None
) -> int:
    """Create (post_id None) or edit a post and its targets; returns the post id. Raises PostError."""
    with session_scope() as session:
        saved_id = save_post_in(session, org_id, user_id, data, post_id=post_id, now=now)
    if data.action == "publish_now":
        wakeup.wake(saved_id)  # committed: the running engine claims it now, not at its next tick
    return saved_id


def save_post_in(
    session: Session,
    org_id: int,
    user_id: int | None,
    data: PostInput,
    *,
    post_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """`save_post` inside the caller's transaction: a bulk import or an RSS entry commits its posts
    together with its own rows, or nothing. The caller wakes the engine for publish-now posts."""
    now = now or utcnow()
    tz = _check_timezone(data.timezone)
    body = data.body or ""
    if data.action == "schedule" or (data.action == "submit" and data.scheduled_at is not None):
        check_schedule_time(data.scheduled_at, now)
    accounts = load_accounts(session, org_id, data.account_ids)
    assets = load_media(session, org_id, data.media_ids)
    if data.action != "draft":
        if not accounts:
            raise PostError("Pick at least one account to publish to.")
        if not body.strip() and not assets:
            raise PostError("Write something or attach media first.")
    post = lock_post(session, org_id, post_id) if post_id is not None else None
    existing = {t.social_account_id: t for t, _a in post_targets(session, post.id)} if post else {}
    frozen = {aid: t for aid, t in existing.items() if TargetStatus(t.status).is_locked}
    for aid, target in frozen.items():
        if target.status == TargetStatus.PUBLISHING or aid not in accounts:
            raise PostConflict(
                f"Can't change {account_label(target_account(session, target))}: {locked_reason(target)}."
            )
    changing = {aid: acc for aid, acc in accounts.items() if aid not in frozen}
    if post is not None and not changing:
        raise PostConflict("This post is already published on all its accounts; it can no longer be edited.")
    texts = {aid: (data.overrides.get(aid) or body) for aid in changing}
    if data.action != "draft":
        validate_targets(texts, changing, media_files(assets))

    if post is None:
        post = Post(
            organization_id=org_id, author_id=user_id, body=body, timezone=tz, created_at=now, updated_at=now
        )
        session.add(post)
        session.flush()
    else:
        if frozen and body != post.body:
            # Published targets keep the text that actually went out.
            for target in frozen.values():
                if target.body_override is None:
                    target.body_override = post.body
        post.body = body
        post.timezone = tz
        post.version += 1
        post.updated_at = now
    action = _approved_action(session, post, user_id, data, now)
    post.scheduled_at = {"schedule": data.scheduled_at, "publish_now": now}.get(action)
    values = _target_values(action, data.scheduled_at, now)
    for aid in [a for a in existing if a not in accounts]:
        session.delete(existing[aid])
    for aid in changing:
        override = data.overrides.get(aid)
        target = existing.get(aid)
        if target is None:
            target = PostTarget(organization_id=org_id, post_id=post.id, social_account_id=aid, created_at=now)
            session.add(target)
        target.body_override = override if override and override != body else None
        _reset(target, values, now, new_key=True)
    session.execute(sa_delete(PM).where(PM.c.post_id == post.id))
    for position, asset in enumerate(assets):
        session.add(PostMedia(organization_id=org_id, post_id=post.id, media_asset_id=asset.id, position=position))
    session.flush()
    states.refresh_post_statuses(session, [post.id])
    audit(
        session,
        org_id,
        user_id,
        "post.create" if post_id is None else "post.update",
        {
            "post_id": post.id,
            "action": data.action,
            "accounts": list(changing),
            "scheduled_at": data.scheduled_at.isoformat() if data.scheduled_at else None,
        },
    )
    return int(post.id)


def _approved_action(session: Session, post: Post, user_id: int | None, data: PostInput, now: datetime) -> Action:
    """Pass the approval rule (services/approvals/rules.py); returns what to do with the targets now.

    In review with a time: the targets are scheduled and the engine's claim skips them until the
    post is approved (or its time passes: "missed approval"). In review without a time (publish
    now / submit without a date): the targets wait as drafts and go out when approved.
    """
    if data.action == "draft":
        approval_rules.apply_draft_rule(post)
        return "draft"
    state = approval_rules.apply_scheduling_rule(session, post, user_id, submit=data.action == "submit", now=now)
    if data.action == "submit":
        return "schedule" if data.scheduled_at is not None else "draft"
    if state is ApprovalState.IN_REVIEW and data.action == "publish_now":
        return "draft"
    return data.action


def target_account(session: Session, target: PostTarget) -> SocialAccount:
    account = session.get(SocialAccount, target.social_account_id)
    assert account is not None
    return account
