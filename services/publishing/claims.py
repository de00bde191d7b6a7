"""Claiming due targets with a lease, so several scheduler processes never publish one target twice.

A claim flips `scheduled → publishing` and stamps `claimed_by` + `lease_until` in one transaction:
- PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` then `UPDATE` in the same transaction, so two
  workers racing for the same rows each take different ones instead of waiting on each other.
- SQLite: a compare-and-set `UPDATE … WHERE id IN (…) AND status = 'scheduled' … RETURNING id`;
  SQLite runs one writer at a time, so only one statement can win each row.

Candidates are picked fairly across accounts (row_number per account) so a backlog on one account
cannot occupy every global slot while its per-account limit makes the rest wait.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from services.db import get_engine, is_sqlite, session_scope
from services.models import MediaAsset, Post, PostMedia, PostTarget, SocialAccount
from services.platforms.base import Credentials
from services.platforms.errors import AuthError
from services.publishing import states

T = PostTarget.__table__
P = Post.__table__
A = SocialAccount.__table__
PM = PostMedia.__table__
MA = MediaAsset.__table__


@dataclass
class MediaRef:
    storage_path: str
    mime_type: str
    kind: str
    size_bytes: int
    width: int | None = None
    height: int | None = None


@dataclass
class ClaimedTarget:
    """Everything the engine needs to publish one target, read when it was claimed (the current post)."""

    target_id: int
    organization_id: int
    post_id: int
    social_account_id: int
    platform: str
    instance_url: str
    account_external_id: str
    account_username: str
    account_display_name: str
    account_status: str
    account_status_reason: str
    attempts: int
    idempotency_key: str
    error_kind: str
    created_at: datetime
    due_at: datetime | None
    post_version: int
    text: str
    media: list[MediaRef] = field(default_factory=list)
    #: Decrypted right before sending (in a DB thread); never logged.
    credentials: Credentials | None = field(default=None, repr=False)


def _now_plus(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)


def _pick_fairly(
    rows: list, limit: int, account_free: Mapping[int, int], platform_free: Mapping[str, int]
) -> list[int]:
    """Choose up to `limit` candidates without exceeding any account's or platform's free slots."""
    acc_left = dict(account_free)
    plat_left = dict(platform_free)
    chosen: list[int] = []
    for target_id, account_id, platform in rows:
        if len(chosen) >= limit:
            break
        if acc_left.get(account_id, 1) <= 0 or plat_left.get(platform, 1) <= 0:
            continue
        chosen.append(target_id)
        if account_id in acc_left:
            acc_left[account_id] -= 1
        if platform in plat_left:
            plat_left[platform] -= 1
    return chosen


def _candidates(session: Session, now: datetime, pool: int, per_account: int, post_id: int | None) -> list:
    rn = (
        func.row_number()
        .over(partition_by=T.c.social_account_id, order_by=(T.c.next_attempt_at, T.c.id))
        .label("rn")
    )
    inner = (
        select(T.c.id, T.c.social_account_id, T.c.next_attempt_at, A.c.platform, rn)
        .join(A, A.c.id == T.c.social_account_id)
        .where(T.c.status == states.SCHEDULED, T.c.next_attempt_at <= now)
    )
    if post_id is not None:
        inner = inner.where(T.c.post_id == post_id)
    sub = inner.subquery()
    query = (
        select(sub.c.id, sub.c.social_account_id, sub.c.platform)
        .where(sub.c.rn <= per_account)
        .order_by(sub.c.next_attempt_at, sub.c.id)
        .limit(pool)
    )
    return [tuple(r) for r in session.execute(query).all()]


def claim_due_targets(
    worker_id: str,
    now: datetime,
    limit: int,
    lease_seconds: float,
    *,
    per_account: int,
    account_free: Mapping[int, int] | None = None,
    platform_free: Mapping[str, int] | None = None,
    post_id: int | None = None,
) -> list[ClaimedTarget]:
    """Claim up to `limit` due targets for `worker_id`; returns them with the post as it is now."""
    if limit <= 0:
        return []
    with session_scope() as session:
        rows = _candidates(session, now, max(limit * 3, limit + 10), per_account, post_id)
        # Two workers reading the same candidates would collide; a light shuffle spreads them out.
        random.shuffle(rows)
        chosen = _pick_fairly(rows, limit, account_free or {}, platform_free or {})
        if not chosen:
            return []
        values = {
            "status": states.PUBLISHING,
            "claimed_by": worker_id,
            "lease_until": _now_plus(now, lease_seconds),
            "attempts": T.c.attempts + 1,
            "updated_at": now,
        }
        due = (T.c.status == states.SCHEDULED, T.c.next_attempt_at <= now)
        if is_sqlite(str(get_engine().url)):
            stmt = update(T).where(T.c.id.in_(chosen), *due).values(**values).returning(T.c.id)
            claimed = [r[0] for r in session.execute(stmt).all()]
        else:
            lock = (
                select(T.c.id)
                .where(T.c.id.in_(chosen), *due)
                .order_by(T.c.id)
                .with_for_update(skip_locked=True)
            )
            claimed = [r[0] for r in session.execute(lock).all()]
            if claimed:
                session.execute(update(T).where(T.c.id.in_(claimed)).values(**values))
        if not claimed:
            return []
        _ensure_idempotency_keys(session, claimed)
        return load_claims(session, claimed)


def _ensure_idempotency_keys(session: Session, target_ids: list[int]) -> None:
    """The key is generated once per target and never changes, so every retry sends the same one."""
    missing = session.execute(select(T.c.id).where(T.c.id.in_(target_ids), T.c.idempotency_key == "")).all()
    for (target_id,) in missing:
        session.execute(
            update(T)
            .where(T.c.id == target_id, T.c.idempotency_key == "")
            .values(idempotency_key=uuid.uuid4().hex)
        )


def load_claims(session: Session, target_ids: list[int]) -> list[ClaimedTarget]:
    query = (
        select(
            T.c.id, T.c.organization_id, T.c.post_id, T.c.social_account_id, A.c.platform, A.c.instance_url,
            A.c.external_id, A.c.username, A.c.display_name, A.c.status, A.c.status_reason, T.c.attempts,
            T.c.idempotency_key, T.c.error_kind, T.c.created_at, T.c.next_attempt_at, P.c.version,
            func.coalesce(T.c.body_override, P.c.body),
        )
        .join(A, A.c.id == T.c.social_account_id)
        .join(P, P.c.id == T.c.post_id)
        .where(T.c.id.in_(target_ids))
    )
    claims = [ClaimedTarget(*row) for row in session.execute(query).all()]
    post_ids = {c.post_id for c in claims}
    media_by_post: dict[int, list[MediaRef]] = {}
    if post_ids:
        media_rows = session.execute(
            select(PM.c.post_id, MA.c.storage_path, MA.c.mime_type, MA.c.kind, MA.c.size_bytes, MA.c.width, MA.c.height)
            .join(MA, MA.c.id == PM.c.media_asset_id)
            .where(PM.c.post_id.in_(post_ids))
            .order_by(PM.c.post_id, PM.c.position, PM.c.id)
        ).all()
        for post_id, *rest in media_rows:
            media_by_post.setdefault(post_id, []).append(MediaRef(*rest))
    for claim in claims:
        claim.media = media_by_post.get(claim.post_id, [])
    return claims


def recheck_claim(worker_id: str, claim: ClaimedTarget) -> ClaimedTarget | None:
    """Right before sending: is the target still ours, and is this still the post's current version?

    Returns the claim (reloaded if the post changed since the claim) or None when the target is no
    longer ours to publish (deleted, cancelled, or reclaimed after our lease ran out).
    """
    with session_scope() as session:
        row = session.execute(
            select(T.c.status, T.c.claimed_by, P.c.version)
            .join(P, P.c.id == T.c.post_id)
            .where(T.c.id == claim.target_id)
        ).first()
        if row is None or row.status != states.PUBLISHING or row.claimed_by != worker_id:
            return None
        if row.version != claim.post_version:
            fresh = load_claims(session, [claim.target_id])
            if not fresh:
                return None
            claim = fresh[0]
        account = session.get(SocialAccount, claim.social_account_id)
        claim.account_status = account.status if account else "needs_reconnect"
        claim.account_status_reason = account.status_reason if account else "The account was removed"
        claim.credentials = _credentials(account)
        return claim


def _credentials(account: SocialAccount | None) -> Credentials | None:
    from services.accounts.tokens import load_credentials  # the accounts package owns stored tokens

    if account is None or account.status == "needs_reconnect":
        return None
    try:
        return load_credentials(account)
    except AuthError:
        return None


def renew_leases(worker_id: str, target_ids: list[int], now: datetime, lease_seconds: float) -> None:
    """A live worker keeps its in-flight leases fresh so a slow platform never looks like a crash."""
    if not target_ids:
        return
    with session_scope() as session:
        session.execute(
            update(T)
            .where(T.c.id.in_(target_ids), T.c.claimed_by == worker_id, T.c.status == states.PUBLISHING)
            .values(lease_until=_now_plus(now, lease_seconds))
        )
