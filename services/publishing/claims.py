"""Claiming due targets with a lease, so several scheduler processes never publish one target twice.

A claim flips `scheduled → publishing` and stamps `claimed_by` + `lease_until` in one transaction:
- PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` then `UPDATE` in the same transaction, so two
  workers racing for the same rows each take different ones instead of waiting on each other.
- SQLite: a compare-and-set `UPDATE … WHERE id IN (…) AND status = 'scheduled' … RETURNING id`;
  SQLite runs one writer at a time, so only one statement can win each row.

Approval is checked in the same statements, like cancel and delete: a target is claimable only while
its post passes `services.approvals.states.PUBLISHABLE` (no approval needed, or approved for the
post's current version). The candidate query joins the post by primary key; the claiming statement
re-checks it (SQLite: in the compare-and-set `UPDATE`; PostgreSQL: in the row-locking `SELECT`, whose
READ COMMITTED snapshot is taken after any concurrent approval change committed), so a post sent
back to review between scheduling and the claim is never published.

Candidates (the oldest due targets) are capped per account and per platform before claiming, so a
backlog on one account cannot occupy every global slot while its per-account limit makes the rest wait.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import cast

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session

from services.approvals.states import PUBLISHABLE
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
    asset_id: int | None = None
    sha256: str = ""


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
    #: Decrypted in a DB thread when claimed (and again on a recheck); never logged.
    credentials: Credentials | None = field(default=None, repr=False)
    #: When this worker claimed it: within the lease nobody else can take it, and user edits,
    #: reschedules, cancels and deletes all refuse `publishing` targets, so a fresh claim is current.
    claimed_at: datetime | None = None


def _now_plus(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)


def _pick_fairly(
    rows: list,
    limit: int,
    per_account: int,
    per_platform: int,
    account_free: Mapping[int, int],
    platform_free: Mapping[str, int],
) -> list[int]:
    """Choose up to `limit` candidates without exceeding any account's or platform's free slots."""
    acc_left: dict[int, int] = dict(account_free)
    plat_left: dict[str, int] = dict(platform_free)
    chosen: list[int] = []
    for target_id, account_id, platform in rows:
        if len(chosen) >= limit:
            break
        if acc_left.setdefault(account_id, per_account) <= 0 or plat_left.setdefault(platform, per_platform) <= 0:
            continue
        chosen.append(target_id)
        acc_left[account_id] -= 1
        plat_left[platform] -= 1
    return chosen


def _candidates(session: Session, now: datetime, pool: int, post_id: int | None) -> list:
    """The oldest due targets; fairness is applied in Python.

    Ordered by `next_attempt_at` alone so the plan is an ordered range scan on ix_targets_due that
    stops at the limit (ties in arbitrary order): a tie-break on id would sort every due target on
    every claim, which for a backlog of thousands due at the same minute dominated the claim.
    """
    query = (
        select(T.c.id, T.c.social_account_id, A.c.platform)
        .join(A, A.c.id == T.c.social_account_id)
        .join(P, P.c.id == T.c.post_id)
        .where(T.c.status == states.SCHEDULED, T.c.next_attempt_at <= now, PUBLISHABLE)
        .order_by(T.c.next_attempt_at)
        .limit(pool)
    )
    if post_id is not None:
        query = query.where(T.c.post_id == post_id)
    return [tuple(r) for r in session.execute(query).all()]


def claim_due_targets(
    worker_id: str,
    now: datetime,
    limit: int,
    lease_seconds: float,
    *,
    per_account: int,
    per_platform: int | None = None,
    account_free: Mapping[int, int] | None = None,
    platform_free: Mapping[str, int] | None = None,
    post_id: int | None = None,
    early_seconds: float = 0.0,
) -> list[ClaimedTarget]:
    """Claim up to `limit` due targets for `worker_id`; returns them with the post as it is now.

    `early_seconds` also claims targets due that little ahead: the engine holds them until their
    exact time, so the claim round trip and credential decryption happen before it, not after.
    """
    if limit <= 0:
        return []
    due_by = _now_plus(now, early_seconds)
    with session_scope() as session:
        rows = _candidates(session, due_by, max(limit * 4, limit + 10), post_id)
        # Two workers reading the same candidates would collide; a light shuffle spreads them out.
        random.shuffle(rows)
        chosen = _pick_fairly(rows, limit, per_account, per_platform or limit, account_free or {}, platform_free or {})
        if not chosen:
            return []
        values = {
            "status": states.PUBLISHING,
            "claimed_by": worker_id,
            "lease_until": _now_plus(now, lease_seconds),
            "attempts": T.c.attempts + 1,
            "updated_at": now,
        }
        due = (T.c.status == states.SCHEDULED, T.c.next_attempt_at <= due_by)
        if is_sqlite(str(get_engine().url)):
            approved = select(P.c.id).where(P.c.id == T.c.post_id, PUBLISHABLE).exists()
            stmt = (
                update(T)
                .where(T.c.id.in_(chosen), *due, approved)
                .values(**values)
                .returning(T.c.id, T.c.idempotency_key)
            )
            rows = [tuple(r) for r in session.execute(stmt).all()]
        else:
            # Lock by primary key alone (skipping rows another worker is claiming right now), then keep
            # the locked rows that are still due: a locked row cannot change under us, and a plan on the
            # primary key never turns into a scan when the table's statistics are stale (a fresh backlog).
            locked = session.execute(_LOCK_CANDIDATES, {"ids": sorted(chosen)}).all()
            rows = [
                (r.id, r.idempotency_key)
                for r in locked
                if r.status == states.SCHEDULED
                and r.next_attempt_at is not None
                and r.next_attempt_at <= due_by
                and r.publishable
            ]
            if rows:
                session.execute(update(T).where(T.c.id.in_([r[0] for r in rows])).values(**values))
        if not rows:
            return []
        _ensure_idempotency_keys(session, [target_id for target_id, key in rows if not key])
        loaded = load_claims(session, sorted(target_id for target_id, _key in rows))
        for claim in loaded:
            claim.claimed_at = now
        return loaded


_LOCK_CANDIDATES = (
    select(T.c.id, T.c.status, T.c.next_attempt_at, T.c.idempotency_key, PUBLISHABLE.label("publishable"))
    .join(P, P.c.id == T.c.post_id)
    .where(T.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(T.c.id)
    .with_for_update(of=T, skip_locked=True)
)
_SET_KEY = (
    update(T)
    .where(T.c.id == bindparam("target_id"), T.c.idempotency_key == "")
    .values(idempotency_key=bindparam("key"))
)


def _ensure_idempotency_keys(session: Session, missing: list[int]) -> None:
    """The key is generated once per target and never changes, so every retry sends the same one."""
    if missing:
        session.execute(_SET_KEY, [{"target_id": target_id, "key": uuid.uuid4().hex} for target_id in missing])


def load_claims(session: Session, target_ids: list[int]) -> list[ClaimedTarget]:
    query = (
        select(
            T.c.id,
            T.c.organization_id,
            T.c.post_id,
            T.c.social_account_id,
            A.c.platform,
            A.c.instance_url,
            A.c.external_id,
            A.c.username,
            A.c.display_name,
            A.c.status,
            A.c.status_reason,
            T.c.attempts,
            T.c.idempotency_key,
            T.c.error_kind,
            T.c.created_at,
            T.c.next_attempt_at,
            P.c.version,
            func.coalesce(T.c.body_override, P.c.body),
            A.c.token_blob,
        )
        .join(A, A.c.id == T.c.social_account_id)
        .join(P, P.c.id == T.c.post_id)
        .where(T.c.id.in_(target_ids))
    )
    claims = []
    for *fields, token_blob in session.execute(query).all():
        claim = ClaimedTarget(*fields)
        if claim.account_status != "needs_reconnect":
            claim.credentials = _credentials(token_blob, claim.account_display_name)
        claims.append(claim)
    post_ids = {c.post_id for c in claims}
    media_by_post: dict[int, list[MediaRef]] = {}
    if post_ids:
        media_rows = session.execute(
            select(
                PM.c.post_id,
                MA.c.storage_path,
                MA.c.mime_type,
                MA.c.kind,
                MA.c.size_bytes,
                MA.c.width,
                MA.c.height,
                MA.c.id,
                MA.c.sha256,
            )
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

    Returns the claim (reloaded if the post changed since the claim), with the account's status and
    decrypted credentials, or None when the target is no longer ours to publish (deleted, cancelled,
    or reclaimed after our lease ran out).
    """
    with session_scope() as session:
        row = session.execute(
            select(
                T.c.status,
                T.c.claimed_by,
                P.c.version,
                A.c.status.label("account_status"),
                A.c.status_reason,
                A.c.token_blob,
                A.c.display_name,
            )
            .join(P, P.c.id == T.c.post_id)
            .join(A, A.c.id == T.c.social_account_id)
            .where(T.c.id == claim.target_id)
        ).first()
        if row is None or row.status != states.PUBLISHING or row.claimed_by != worker_id:
            return None
        if row.version != claim.post_version:
            fresh = load_claims(session, [claim.target_id])
            if not fresh:
                return None
            claim = fresh[0]
    claim.account_status = row.account_status
    claim.account_status_reason = row.status_reason
    if row.account_status != "needs_reconnect":
        claim.credentials = _credentials(row.token_blob, row.display_name)
    return claim


def _credentials(token_blob: str, display_name: str) -> Credentials | None:
    """Decrypt the stored tokens. `load_credentials` reads only these two fields: building a full
    SocialAccount model per claimed target (pydantic validation) cost more than the decryption."""
    from services.accounts.tokens import load_credentials  # the accounts package owns stored tokens

    stored = cast(SocialAccount, SimpleNamespace(token_blob=token_blob, display_name=display_name))
    try:
        return load_credentials(stored)
    except AuthError:
        return None


def renew_leases(worker_id: str, target_ids: list[int], now: datetime, lease_seconds: float) -> None:
    """A live worker keeps its in-flight leases fresh so a slow platform never looks like a crash.

    Rows another transaction holds (an outcome being written right now) are skipped, never waited
    for: waiting on them while they wait on us would deadlock, and they are finishing anyway.
    """
    if not target_ids:
        return
    with session_scope() as session:
        ids = sorted(target_ids)
        if not is_sqlite(str(get_engine().url)):
            ids = list(
                session.execute(
                    select(T.c.id).where(T.c.id.in_(ids)).order_by(T.c.id).with_for_update(skip_locked=True)
                ).scalars()
            )
        if ids:
            session.execute(
                update(T)
                .where(T.c.id.in_(ids), T.c.claimed_by == worker_id, T.c.status == states.PUBLISHING)
                .values(lease_until=_now_plus(now, lease_seconds))
            )


def next_due_after(after: datetime) -> datetime | None:
    """The earliest scheduled target due after `after` (one step of the ix_targets_due index)."""
    with session_scope() as session:
        when = session.execute(
            select(func.min(T.c.next_attempt_at)).where(T.c.status == states.SCHEDULED, T.c.next_attempt_at > after)
        ).scalar()
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=after.tzinfo)
    return when
