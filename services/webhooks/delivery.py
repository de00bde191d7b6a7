"""Delivering the webhook outbox: claim due rows with a lease, POST them signed, write back the result.

At-least-once, never lost: a delivery row stays `pending` until a 2xx is recorded for it. A worker
claims rows by stamping a lease (compare-and-set, safe with several schedulers on SQLite and
PostgreSQL); if the process dies mid-request the lease runs out and any worker sends it again,
with the same `webhook-id`, so receivers can drop the duplicate.

Order per key: a delivery is not claimed while an older pending delivery with the same endpoint and
`ordering_key` (e.g. "post:42") exists, so a post's `failed` never overtakes its earlier event.

Retries back off exponentially (5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then every 6 h)
for 24 hours, then the delivery is `failed`. An endpoint that has failed every attempt for 24 hours
is disabled, with the reason kept as a notice for the Automation page.

Network I/O is async httpx through the private-address guard (connections are checked and pinned
at connect time, redirects are not followed); database work runs in threads, never on the loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import and_, bindparam, exists, or_, select, update
from sqlalchemy.orm import aliased

from services.crypto import decrypt_text
from services.db import session_scope
from services.models import WebhookDelivery, WebhookEndpoint, WebhookMessage
from services.security.net_guard import guarded_async_client, is_refused, refusal_message
from services.webhooks.signing import signed_headers

log = logging.getLogger(__name__)

D = WebhookDelivery.__table__
E = WebhookEndpoint.__table__
M = WebhookMessage.__table__

RETRY_SCHEDULE_SECONDS = (5, 30, 120, 600, 1800, 3600, 7200, 14400, 21600)
GIVE_UP_AFTER = timedelta(hours=24)
DISABLE_AFTER = timedelta(hours=24)
LEASE_SECONDS = 60.0
REQUEST_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
BATCH = 50
CONCURRENCY = 10
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class ClaimedDelivery:
    delivery_id: int
    endpoint_id: int
    url: str
    secret: str
    msg_id: str
    payload: str
    attempts: int
    created_at: datetime


@dataclass
class AttemptResult:
    delivery_id: int
    endpoint_id: int
    ok: bool
    status_code: int | None
    error: str


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones (±10 % jitter spreads a burst)."""
    base = RETRY_SCHEDULE_SECONDS[min(attempts, len(RETRY_SCHEDULE_SECONDS)) - 1] if attempts else 0
    return base * random.uniform(0.9, 1.1)


def claim_due(now: datetime, worker_id: str, limit: int = BATCH, lease_seconds: float = LEASE_SECONDS) -> list[ClaimedDelivery]:
    """Take up to `limit` due deliveries that are at the head of their (endpoint, key) line."""
    older = aliased(D)
    head_of_line = ~exists(
        select(older.c.id).where(
            older.c.endpoint_id == D.c.endpoint_id,
            older.c.ordering_key == D.c.ordering_key,
            older.c.status == "pending",
            older.c.id < D.c.id,
        )
    )
    free = or_(D.c.lease_until.is_(None), D.c.lease_until < now)
    with session_scope() as session:
        ids = list(
            session.execute(
                select(D.c.id)
                .join(E, E.c.id == D.c.endpoint_id)
                .where(E.c.enabled, D.c.status == "pending", D.c.next_attempt_at <= now, free, head_of_line)
                .order_by(D.c.next_attempt_at, D.c.id)
                .limit(limit)
            ).scalars()
        )
        if not ids:
            return []
        # Compare-and-set: of two workers racing for a row, only one sees it still free.
        won = list(
            session.execute(
                update(D)
                .where(D.c.id.in_(ids), D.c.status == "pending", free)
                .values(claimed_by=worker_id, lease_until=now + timedelta(seconds=lease_seconds))
                .returning(D.c.id)
            ).scalars()
        )
        if not won:
            return []
        rows = session.execute(
            select(D.c.id, D.c.endpoint_id, E.c.url, E.c.secret_blob, M.c.msg_id, M.c.payload, D.c.attempts,
                   D.c.created_at)  # fmt: skip
            .join(E, E.c.id == D.c.endpoint_id)
            .join(M, M.c.id == D.c.message_id)
            .where(D.c.id.in_(won))
            .order_by(D.c.id)
        ).all()
    return [
        ClaimedDelivery(r.id, r.endpoint_id, r.url, decrypt_text(r.secret_blob), r.msg_id, r.payload, r.attempts,
                        r.created_at)  # fmt: skip
        for r in rows
    ]


async def send_one(client: httpx.AsyncClient, claim: ClaimedDelivery) -> AttemptResult:
    """POST one delivery; the response body is never read (a receiver can't make us buffer it).

    Signed with the wall-clock time of this attempt (receivers refuse timestamps older than a few
    minutes), whatever `now` the pass was planned with.
    """
    headers = signed_headers(claim.secret, claim.msg_id, claim.payload, datetime.now(UTC))
    try:
        async with client.stream("POST", claim.url, content=claim.payload.encode(), headers=headers) as response:
            code = response.status_code
    except httpx.HTTPError as exc:
        reason = refusal_message(exc) if is_refused(exc) else f"{type(exc).__name__}: {str(exc)[:200]}"
        return AttemptResult(claim.delivery_id, claim.endpoint_id, False, None, reason or type(exc).__name__)
    if 200 <= code < 300:
        return AttemptResult(claim.delivery_id, claim.endpoint_id, True, code, "")
    return AttemptResult(claim.delivery_id, claim.endpoint_id, False, code, f"HTTP {code}")


def record_results(worker_id: str, results: list[AttemptResult], now: datetime) -> dict[str, int]:
    """Write back each attempt (only rows still leased to us) and update each endpoint's health."""
    counts = {"delivered": 0, "retry": 0, "failed": 0, "disabled": 0}
    mine = and_(D.c.id == bindparam("_id"), D.c.claimed_by == worker_id, D.c.status == "pending")
    with session_scope() as session:
        for result in sorted(results, key=lambda r: r.delivery_id):
            row = session.execute(select(D.c.attempts, D.c.created_at).where(D.c.id == result.delivery_id)).first()
            if row is None:
                continue
            attempts = int(row.attempts) + 1
            created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
            values: dict = {"attempts": attempts, "last_status_code": result.status_code,
                            "last_error": result.error[:500], "last_attempt_at": now, "claimed_by": "",
                            "lease_until": None}  # fmt: skip
            if result.ok:
                values.update(status="delivered", delivered_at=now)
                outcome = "delivered"
            else:
                next_at = now + timedelta(seconds=retry_delay(attempts))
                if next_at - created > GIVE_UP_AFTER:
                    values.update(status="failed")
                    outcome = "failed"
                else:
                    values.update(next_attempt_at=next_at)
                    outcome = "retry"
            hit = session.execute(update(D).where(mine).values(**values), {"_id": result.delivery_id}).rowcount
            if not hit:
                continue  # our lease ran out and someone else owns it now: their result counts
            counts[outcome] += 1
            gave_up_after = attempts if outcome == "failed" else None
            counts["disabled"] += _endpoint_health(session, result, now, gave_up_after)
    return counts


def _endpoint_health(
    session, result: AttemptResult, now: datetime, gave_up_after: int | None  # noqa: ANN001 - a Session
) -> int:
    """Success resets the streak; a day of nothing but failures disables the endpoint (returns 1).

    "A day" is either 24 h of failing attempts, or a delivery that just used up its day of retries
    while nothing got through to the endpoint since its first try (its `gave_up_after` attempts all
    fall inside the endpoint's current failure streak).
    """
    if result.ok:
        session.execute(
            update(E).where(E.c.id == result.endpoint_id).values(consecutive_failures=0, failing_since=None)
        )
        return 0
    endpoint = session.execute(
        select(E.c.failing_since, E.c.enabled, E.c.consecutive_failures).where(E.c.id == result.endpoint_id).with_for_update()
    ).first()
    if endpoint is None:
        return 0
    since = endpoint.failing_since
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    values: dict = {"consecutive_failures": E.c.consecutive_failures + 1, "failing_since": since or now}
    failing_all_along = since is not None and (
        now - since >= DISABLE_AFTER or (gave_up_after is not None and endpoint.consecutive_failures + 1 >= gave_up_after)
    )
    disable = bool(endpoint.enabled) and failing_all_along
    if disable:
        values.update(
            enabled=False, disabled_at=now,
            disabled_reason=(f"Disabled automatically on {now:%Y-%m-%d %H:%M} UTC: every delivery has failed since "
                             f"{since:%Y-%m-%d %H:%M} UTC (last: {result.error or 'no answer'}). Fix the receiver, "
                             "then enable the endpoint again; pending events are sent then."),
        )  # fmt: skip
        log.warning("webhook endpoint %s disabled after 24 h of failures", result.endpoint_id)
    session.execute(update(E).where(E.c.id == result.endpoint_id).values(**values))
    return 1 if disable else 0


async def deliver_due(
    now: datetime | None = None,
    *,
    worker_id: str = WORKER_ID,
    limit: int = BATCH,
    lease_seconds: float = LEASE_SECONDS,
    client: httpx.AsyncClient | None = None,
) -> dict[str, int]:
    """One pass: claim, send concurrently (CONCURRENCY at a time), record. Returns counts."""
    at = now or datetime.now(UTC)
    claims = await asyncio.to_thread(claim_due, at, worker_id, limit, lease_seconds)
    if not claims:
        return {"delivered": 0, "retry": 0, "failed": 0, "disabled": 0}
    own = client is None
    http = client or guarded_async_client(timeout=REQUEST_TIMEOUT, follow_redirects=False)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(claim: ClaimedDelivery) -> AttemptResult:
        async with gate:
            return await send_one(http, claim)

    try:
        results = await asyncio.gather(*(one(c) for c in claims))
    finally:
        if own:
            await http.aclose()
    finished = now or datetime.now(UTC)
    return await asyncio.to_thread(record_results, worker_id, list(results), finished)


async def webhook_delivery_job() -> dict[str, int]:
    """Scheduler entry point: never raises (a bad pass must not stop the scheduler)."""
    try:
        return await deliver_due()
    except Exception:
        log.exception("webhook delivery pass failed")
        return {}
