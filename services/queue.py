"""Posting queue: weekly slots per account, and "put this post into the next free slot".

Slots are never reserved. A slot is free when no live post of that account is scheduled at that
exact minute, so deleting, cancelling or moving a post frees its slot with no bookkeeping that
could drift out of sync.

Slot times are wall times in the slot's timezone and follow services.timezones for DST: a slot
inside the spring-forward gap (02:30) happens at 03:30 that day; one in the fall-back overlap
happens at the first 01:30.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import select

from services.db import session_scope
from services.errors import NotFound
from services.models import Post, PostTarget, QueueSlot, SocialAccount
from services.posts import PostInput, get_post
from services.posts.compose import load_accounts, load_media, media_files, save_post_in, validate_targets
from services.posts.errors import PostError
from services.publishing.states import TargetStatus
from services.timezones import TimezoneError, to_local, to_utc, validate_timezone

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_NAMES = {name.lower(): i for i, name in enumerate(WEEKDAYS)} | {
    name[:3].lower(): i for i, name in enumerate(WEEKDAYS)
}
MAX_SLOTS_PER_ACCOUNT = 100
#: Two slots of one account closer than this on the same day overlap (a platform would see a burst).
MIN_SLOT_GAP_MINUTES = 5
#: Statuses of an account's target that occupy a slot (drafts and failures don't).
OCCUPYING_TARGET_STATES = TargetStatus.matching("occupies_slot")
_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_SEARCH_WEEKS = 520  # ten years: past this, a full queue is a data problem, not a scheduling one


class QueueError(PostError):
    """A PostError, so the UI's one `except PostError` shows it like any other refusal."""


class QueueAccountNotFound(QueueError, NotFound):
    """The account is not in this workspace."""


def _parse_weekday(raw: Any) -> int:
    if isinstance(raw, bool):
        raise QueueError(f"{raw!r} isn't a weekday.")
    if isinstance(raw, int):
        if 0 <= raw <= 6:
            return raw
        raise QueueError(f"Weekday {raw} is out of range (0 = Monday … 6 = Sunday).")
    key = str(raw or "").strip().lower()
    if key.isdigit():
        return _parse_weekday(int(key))
    if key in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[key]
    raise QueueError(f"{raw!r} isn't a weekday (use Monday … Sunday).")


def _parse_time(raw: Any) -> str:
    match = _TIME_RE.match(str(raw or ""))
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise QueueError(f"{raw!r} isn't a valid time; use 24-hour HH:MM, e.g. 09:00 or 17:30.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _slot_pairs(slots: Iterable[Any]) -> list[tuple[int, str]]:
    """Accepts {"weekday": 0, "time": "09:00"} dicts or (weekday, "HH:MM") pairs; weekday may be a name."""
    parsed = []
    for slot in slots:
        if isinstance(slot, dict):
            weekday, at = slot.get("weekday"), slot.get("time", slot.get("local_time"))
        elif isinstance(slot, (tuple, list)) and len(slot) == 2:
            weekday, at = slot
        else:
            raise QueueError(f"{slot!r} isn't a slot; give a weekday and a time.")
        parsed.append((_parse_weekday(weekday), _parse_time(at)))
    return parsed


def _check_overlaps(pairs: list[tuple[int, str]]) -> None:
    def minutes(hhmm: str) -> int:
        return int(hhmm[:2]) * 60 + int(hhmm[3:])

    ordered = sorted(pairs)
    for (day_a, at_a), (day_b, at_b) in zip(ordered, ordered[1:], strict=False):
        if day_a != day_b:
            continue
        if at_a == at_b:
            raise QueueError(f"{WEEKDAYS[day_a]} {at_a} is listed twice.")
        if minutes(at_b) - minutes(at_a) < MIN_SLOT_GAP_MINUTES:
            raise QueueError(
                f"{WEEKDAYS[day_a]} {at_a} and {at_b} overlap; keep slots at least {MIN_SLOT_GAP_MINUTES} minutes apart."
            )


def _account(session, org_id: int, account_id: int) -> SocialAccount:  # noqa: ANN001
    account = session.get(SocialAccount, account_id)
    if account is None or account.organization_id != org_id:
        raise QueueAccountNotFound("Account not found.")
    return account


def slot_dict(slot: QueueSlot) -> dict[str, Any]:
    return {
        "weekday": slot.weekday,
        "weekday_name": WEEKDAYS[slot.weekday],
        "time": slot.local_time,
        "timezone": slot.timezone,
    }


def set_slots(org_id: int, account_id: int, slots: Iterable[Any], tz: str) -> list[dict[str, Any]]:
    """Replace the account's weekly slots. Everything is validated first; a bad slot changes nothing."""
    try:
        tz = validate_timezone(tz)
    except TimezoneError as exc:
        raise QueueError(str(exc)) from None
    pairs = _slot_pairs(slots)
    if len(pairs) > MAX_SLOTS_PER_ACCOUNT:
        raise QueueError(f"At most {MAX_SLOTS_PER_ACCOUNT} slots per account.")
    _check_overlaps(pairs)
    with session_scope() as session:
        _account(session, org_id, account_id)
        session.execute(
            delete(QueueSlot).where(QueueSlot.organization_id == org_id, QueueSlot.social_account_id == account_id)
        )
        rows = [
            QueueSlot(organization_id=org_id, social_account_id=account_id, weekday=d, local_time=t, timezone=tz)
            for d, t in sorted(pairs)
        ]
        session.add_all(rows)
        session.flush()
        return [slot_dict(r) for r in rows]


def list_slots(org_id: int, account_id: int) -> list[dict[str, Any]]:
    with session_scope() as session:
        _account(session, org_id, account_id)
        rows = session.exec(
            select(QueueSlot)
            .where(QueueSlot.organization_id == org_id, QueueSlot.social_account_id == account_id)
            .order_by(QueueSlot.weekday, QueueSlot.local_time)
        ).all()
        return [slot_dict(r) for r in rows]


def _slot_times(slots: list[QueueSlot], after_utc: datetime, until_utc: datetime) -> list[datetime]:
    """Every slot instant in (after_utc, until_utc], ascending, with DST resolved per services.timezones."""
    instants: set[datetime] = set()
    by_zone: dict[str, list[QueueSlot]] = {}
    for slot in slots:
        by_zone.setdefault(slot.timezone, []).append(slot)
    for tz, zone_slots in by_zone.items():
        day = to_local(after_utc, tz).date() - timedelta(days=1)
        last = to_local(until_utc, tz).date() + timedelta(days=1)
        while day <= last:
            for slot in zone_slots:
                if slot.weekday == day.weekday():
                    hour, minute = (int(p) for p in slot.local_time.split(":"))
                    utc, _ = to_utc(datetime.combine(day, time(hour, minute)), tz)
                    if after_utc < utc <= until_utc:
                        instants.add(utc)
            day += timedelta(days=1)
    return sorted(instants)


def _taken_minutes(session, org_id: int, account_id: int, start: datetime, end: datetime) -> set[datetime]:  # noqa: ANN001
    rows = session.exec(
        select(Post.scheduled_at)
        .join(PostTarget, PostTarget.post_id == Post.id)
        .where(
            Post.organization_id == org_id,
            PostTarget.social_account_id == account_id,
            PostTarget.status.in_(OCCUPYING_TARGET_STATES),
            Post.scheduled_at > start - timedelta(minutes=1),
            Post.scheduled_at <= end + timedelta(minutes=1),
        )
    ).all()
    return {_minute(ts) for ts in rows if ts is not None}


def _minute(ts: datetime) -> datetime:
    return ts.astimezone(UTC).replace(second=0, microsecond=0)


def _load_slots(session, org_id: int, account_id: int) -> list[QueueSlot]:  # noqa: ANN001
    _account(session, org_id, account_id)
    slots = session.exec(
        select(QueueSlot).where(QueueSlot.organization_id == org_id, QueueSlot.social_account_id == account_id)
    ).all()
    if not slots:
        raise QueueError("This account has no posting slots yet; add some in its queue settings.")
    return list(slots)


def next_free_slots(
    org_id: int,
    account_id: int,
    count: int,
    after_utc: datetime | None = None,
    session=None,  # noqa: ANN001
) -> list[datetime]:
    """The next `count` slot instants (UTC) strictly after `after_utc` that no live post of the account occupies."""
    after_utc = after_utc or datetime.now(UTC)
    if after_utc.tzinfo is None:
        raise QueueError("Internal error: a time without a timezone was given.")
    if count <= 0:
        return []
    if session is None:
        with session_scope() as own:
            return next_free_slots(org_id, account_id, count, after_utc, own)
    slots = _load_slots(session, org_id, account_id)
    found: list[datetime] = []
    window_start, weeks = after_utc, max(2, -(-count // len(slots)) + 1)
    searched = 0
    while len(found) < count and searched < _SEARCH_WEEKS:
        window_end = window_start + timedelta(weeks=weeks)
        taken = _taken_minutes(session, org_id, account_id, window_start, window_end)
        for instant in _slot_times(slots, window_start, window_end):
            if _minute(instant) not in taken:
                found.append(instant)
                if len(found) == count:
                    break
        searched += weeks
        window_start, weeks = window_end, weeks * 2
    if len(found) < count:
        raise QueueError("No free slot found in the next ten years; add more slots.")
    return found


def weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def _input_from_post(org_id: int, post_id: int) -> PostInput:
    post = get_post(org_id, post_id)
    return PostInput(
        body=post["body"],
        account_ids=[t["account_id"] for t in post["targets"]],
        overrides={t["account_id"]: t["body_override"] for t in post["targets"] if t["body_override"]},
        media_ids=list(post["media_ids"]),
        timezone=post["timezone"],
    )


def add_to_queue(
    org_id: int,
    user_id: int | None,
    account_ids: list[int],
    *,
    post_id: int | None = None,
    post_data: PostInput | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Schedule a post into the next free slot of each selected account.

    Give either an existing `post_id` (e.g. a draft) or `post_data` for a new post. Accounts
    whose next free slot is the same instant share one post. When the accounts' next slots
    differ, the post is split: one post per distinct time, each with the accounts of that time
    (an existing post keeps the earliest group; the others are new posts with the same text,
    per-account texts and media). Returns [{"post_id", "scheduled_at", "account_ids"}] by time.

    Everything is validated before anything is written. Two people queueing into the same account
    in the same instant may pick the same slot; the queue view then shows both.
    """
    now = now or datetime.now(UTC)
    account_ids = list(dict.fromkeys(account_ids or []))
    if not account_ids:
        raise QueueError("Pick at least one account to queue this post for.")
    if (post_id is None) == (post_data is None):
        raise QueueError("Internal error: give either a post or new post content.")
    template = _input_from_post(org_id, post_id) if post_id is not None else post_data
    assert template is not None
    with session_scope() as session:
        return queue_post_in(session, org_id, user_id, account_ids, template, post_id=post_id, now=now)


def queue_post_in(
    session,  # noqa: ANN001 - a Session
    org_id: int,
    user_id: int | None,
    account_ids: list[int],
    template: PostInput,
    *,
    post_id: int | None = None,
    now: datetime,
) -> list[dict[str, Any]]:
    """`add_to_queue` inside the caller's transaction (an RSS entry commits with its post, or neither)."""
    by_time: dict[datetime, list[int]] = {}
    accounts = load_accounts(session, org_id, account_ids)
    texts = {aid: template.overrides.get(aid) or template.body for aid in accounts}
    if not any(t.strip() for t in texts.values()) and not template.media_ids:
        raise QueueError("Write something or attach media first.")
    validate_targets(texts, accounts, media_files(load_media(session, org_id, template.media_ids)))
    for aid in account_ids:
        try:
            slot = next_free_slots(org_id, aid, 1, now, session)[0]
        except QueueError as exc:
            name = accounts[aid].display_name or accounts[aid].username or accounts[aid].platform
            raise QueueError(f"{name}: {exc}") from None
        by_time.setdefault(slot, []).append(aid)
    results = []
    for index, (when, group) in enumerate(sorted(by_time.items())):
        data = PostInput(
            body=template.body,
            account_ids=group,
            overrides={aid: text for aid, text in template.overrides.items() if aid in group},
            media_ids=list(template.media_ids),
            action="schedule",
            scheduled_at=when,
            timezone=template.timezone,
        )
        target_post = post_id if index == 0 else None
        new_id = save_post_in(session, org_id, user_id, data, post_id=target_post, now=now)
        results.append({"post_id": new_id, "scheduled_at": when.isoformat(), "account_ids": group})
    return results
