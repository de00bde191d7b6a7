"""The Queue page's list: every upcoming post of each account in time order, its free slots interleaved.

Why not only slots: a post scheduled at a custom time (09:00 when the slots are 10:00 and 15:00,
12:30, 17:15 …) is just as much part of the account's queue; listing only slot instants hid them.
A post at a slot's exact minute fills that slot; any other post is its own row ("custom time").
Two posts at one slot (two people queued at once) are both listed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from services.db import session_scope
from services.models import Post, PostTarget, QueueSlot, SocialAccount
from services.queue import OCCUPYING_TARGET_STATES, _minute, _slot_times
from services.timezones import to_local, validate_timezone

PREVIEW_CHARS = 140


def upcoming_rows(
    org_id: int, days: int, now: datetime | None = None, account_id: int | None = None
) -> list[dict[str, Any]]:
    """Slot instants and upcoming posts of the workspace's accounts (or one) in the next `days` days, by time."""
    now = now or datetime.now(UTC)
    until = now + timedelta(days=max(1, min(days, 366)))
    with session_scope() as session:
        account_query = select(SocialAccount).where(SocialAccount.organization_id == org_id)
        if account_id is not None:
            account_query = account_query.where(SocialAccount.id == account_id)
        accounts = {a.id: a for a in session.exec(account_query).all()}
        if not accounts:
            return []
        slots = session.exec(
            select(QueueSlot).where(
                QueueSlot.organization_id == org_id, QueueSlot.social_account_id.in_(list(accounts))
            )
        ).all()
        posts = session.exec(
            select(PostTarget.social_account_id, Post.scheduled_at, Post.id, Post.body, Post.status)
            .join(Post, Post.id == PostTarget.post_id)
            .where(
                Post.organization_id == org_id,
                PostTarget.organization_id == org_id,
                PostTarget.social_account_id.in_(list(accounts)),
                PostTarget.status.in_(OCCUPYING_TARGET_STATES),
                Post.scheduled_at > now,
                Post.scheduled_at <= until,
            )
            .order_by(Post.scheduled_at, Post.id)
        ).all()
    by_account: dict[int, list[QueueSlot]] = {}
    for slot in slots:
        by_account.setdefault(slot.social_account_id, []).append(slot)
    rows: list[dict[str, Any]] = []
    slot_keys: set[tuple[int, datetime]] = set()
    for acc_id, account_slots in by_account.items():
        for instant in _slot_times(account_slots, now, until):
            slot_keys.add((acc_id, _minute(instant)))
            rows.append(_row(accounts[acc_id], instant, None, is_slot=True))
    filled: set[tuple[int, datetime]] = set()
    for acc_id, at, post_id, body, status in posts:
        if at is None:
            continue
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        key = (acc_id, _minute(at))
        post = {"id": post_id, "text": (body or "")[:PREVIEW_CHARS], "status": str(status)}
        if key in slot_keys and key not in filled:
            filled.add(key)
            for row in rows:
                if row["is_slot"] and row["post"] is None and (row["account_id"], _minute(row["slot_at"])) == key:
                    row["post"] = post
                    break
        else:
            rows.append(_row(accounts[acc_id], at, post, is_slot=key in slot_keys))
    rows.sort(key=lambda r: (r["slot_at"], r["account_id"], r["post"]["id"] if r["post"] else 0))
    return rows


def _row(account: SocialAccount, at: datetime, post: dict | None, *, is_slot: bool) -> dict[str, Any]:
    return {
        "account_id": int(account.id),
        "account_name": account.display_name or account.username,
        "platform": account.platform,
        "slot_at": at,
        "is_slot": is_slot,
        "post": post,
    }


def queue_view(
    org_id: int, days: int = 14, tz: str = "UTC", now: datetime | None = None, account_id: int | None = None
) -> list[dict[str, Any]]:
    """Upcoming rows shown in `tz`: a free slot has post None; `add_at` is its local time for the composer."""
    tz = validate_timezone(tz)
    out = []
    for row in upcoming_rows(org_id, days, now, account_id):
        local = to_local(row["slot_at"], tz)
        out.append(
            row
            | {
                "slot_at": row["slot_at"].isoformat(),
                "local_date": local.date().isoformat(),
                "local_time": f"{local:%H:%M}",
                "local_label": f"{local:%a %b %d, %H:%M} {local.tzname()}",
                "add_at": f"{local:%Y-%m-%dT%H:%M}",
                "free": row["post"] is None,
            }
        )
    return out
