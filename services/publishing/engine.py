"""The publishing engine: claim due targets, publish them concurrently, write back each outcome.

One engine per process. It shares a few httpx.AsyncClients (see `client_for`) and bounds concurrency
three ways (global, per platform, per account) — claims take at most CLAIM_AHEAD times the free slots,
and the semaphores enforce the limits. Database work runs in a small thread pool so the event loop
never waits on a commit while HTTP calls are in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from services.config import Settings, get_settings
from services.db import is_sqlite
from services.platforms import registry
from services.publishing import claims as claims_mod
from services.publishing import maintenance, metrics, outcomes, states, wakeup
from services.publishing.attempt import attempt_publish
from services.publishing.heartbeat import beat, new_worker_id
from services.publishing.timer import DueTimer

log = logging.getLogger(__name__)
R = TypeVar("R")
#: Publish slots per HTTP connection pool (see `client_for`); 50 slots → 7 pools.
SLOTS_PER_HTTP_POOL = 8
#: Claim up to this many times the free publish slots. The extra targets wait (seconds at most) for a
#: slot inside this process, so a slot freed by a finished post starts the next one at once instead of
#: waiting for a claim round trip; the HTTP connection it just released is reused while still warm.
CLAIM_AHEAD = 2
#: While there is a backlog, how long the pump lets freed slots accumulate before claiming them in one query.
REFILL_EVERY_SECONDS = 0.02
#: How long finished outcomes accumulate before they are written in one transaction.
RECORD_EVERY_SECONDS = 0.02
#: Targets due within this much are claimed ahead and held until their exact time (see DueTimer).
CLAIM_EARLY_SECONDS = 0.15
#: Every worker writes its heartbeat this often; a worker silent for DEAD_AFTER_SECONDS is dead.
HEARTBEAT_SECONDS = 1.0
#: A worker whose own heartbeat has not been written for this long re-checks every claim before
#: sending (someone may be reclaiming its leases), so a stalled-but-alive worker never races its successor.
FENCE_AFTER_SECONDS = maintenance.DEAD_AFTER_SECONDS / 2


def utcnow() -> datetime:
    return datetime.now(UTC)


def _warm_imports() -> None:
    """Import now what the first publish would import lazily (the platform modules, and anyio's
    asyncio backend that httpcore loads on its first request): seconds on a busy machine, which
    would otherwise make the first post of a fresh process late."""
    import anyio._backends._asyncio  # noqa: F401

    registry.all_adapters()


class PublishingEngine:
    def __init__(
        self, *, worker_id: str | None = None, settings: Settings | None = None, client: httpx.AsyncClient | None = None
    ) -> None:
        self.settings = settings or get_settings()
        self.worker_id = worker_id or new_worker_id()
        self.started_at = utcnow()
        self._own_client = client is None
        if client is not None:
            self._clients = [client]
        else:
            shards = max(1, math.ceil(self.settings.publish_concurrency / SLOTS_PER_HTTP_POOL))
            # One TLS context for every pool: loading the CA bundle is ~0.1–0.3 s each time.
            self._tls = httpx.create_ssl_context()
            self._clients = [self._new_client() for _ in range(shards)]
        self.client = self._clients[0]
        s = self.settings
        self._global = asyncio.Semaphore(s.publish_concurrency)
        self._per_platform: dict[str, asyncio.Semaphore] = {}
        self._per_account: dict[int, asyncio.Semaphore] = {}
        #: Claimed targets waiting for a publish slot or talking to the platform.
        self._inflight: dict[int, claims_mod.ClaimedTarget] = {}
        #: Sent; the outcome is being written. Still ours (leases renewed) but no longer holding a slot.
        self._recording: dict[int, claims_mod.ClaimedTarget] = {}
        self._tasks: set[asyncio.Task] = set()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="publish-db")
        #: The heartbeat has its own thread: queued behind a burst of claims it could look like a dead worker.
        self._beat_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="publish-beat")
        self._fill_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._backlog = False
        self._pump: asyncio.Task | None = None
        self._pending: list[tuple[int, int, outcomes.Outcome, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task | None = None
        self._closed = False
        self._stop_listening: Callable[[], None] | None = None
        self.last_error = ""
        self._timer = DueTimer(self._claim_due, self._next_due_after, early_seconds=CLAIM_EARLY_SECONDS)
        self._loops: list[asyncio.Task] = []
        self._last_beat_ok = time.monotonic()
        _warm_imports()

    # --- plumbing ------------------------------------------------------------------------
    def _new_client(self) -> httpx.AsyncClient:
        from services.security.net_guard import guarded_async_client  # Mastodon/PDS hosts are user-chosen

        limit = self.settings.publish_concurrency  # never the reason a publish waits, whatever the spread
        return guarded_async_client(
            verify=self._tls,
            timeout=httpx.Timeout(30.0, connect=10.0),
            # Idle connections stay 30 s (httpx: 5 s) so a burst of posts due together finds them warm;
            # one the platform closed meanwhile is detected before reuse (httpcore checks idle sockets).
            limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit, keepalive_expiry=30.0),
        )

    def client_for(self, account_id: int) -> httpx.AsyncClient:
        """The HTTP client for one account's publishes (always the same one, so its connections are reused).

        Several small connection pools instead of one big one: httpcore checks the socket of every idle
        connection in a pool on each request and each response, so with one pool of fifty connections
        that bookkeeping alone saturated the event loop and doubled every request's latency.
        """
        return self._clients[account_id % len(self._clients)]

    async def db(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(*args, **kwargs))

    def _platform_sem(self, platform: str) -> asyncio.Semaphore:
        return self._per_platform.setdefault(platform, asyncio.Semaphore(self.settings.publish_per_platform))

    def _account_sem(self, account_id: int) -> asyncio.Semaphore:
        return self._per_account.setdefault(account_id, asyncio.Semaphore(self.settings.publish_per_account))

    @property
    def inflight_count(self) -> int:
        """Targets this engine still owns: being published or having their outcome written."""
        return len(self._inflight) + len(self._recording)

    def _owned(self) -> list[claims_mod.ClaimedTarget]:
        return [*self._inflight.values(), *self._recording.values()]

    # --- the clock, the heartbeat and the safety tick ------------------------------------
    def start(self) -> None:
        """Start the due-time clock, the heartbeat and (PostgreSQL) the LISTEN connection (idempotent)."""
        if self._loops or self._closed:
            return
        loop = asyncio.get_running_loop()
        wakeup.subscribe(loop, self._timer.due_at)
        self.listen_for_wakeups()
        self._loops.append(asyncio.create_task(self._timer.run()))
        self._loops.append(asyncio.create_task(self._beat_loop()))
        url = self.settings.database_url
        if not is_sqlite(url):
            self._loops.append(asyncio.create_task(wakeup.listen_forever(url, self._timer.due_at)))

    def due_at(self, when: datetime | None) -> None:
        """Wake the clock for `when` (same thread as the loop)."""
        self._timer.due_at(when)

    @property
    def fenced(self) -> bool:
        """True when our heartbeat is overdue: others may be reclaiming our leases."""
        return time.monotonic() - self._last_beat_ok > FENCE_AFTER_SECONDS

    async def _beat_loop(self) -> None:
        while not self._closed:
            started = time.monotonic()
            try:
                await asyncio.get_running_loop().run_in_executor(
                    self._beat_pool, beat, self.worker_id, utcnow(), self.started_at, self.last_error
                )
                self._last_beat_ok = time.monotonic()
            except Exception:  # noqa: BLE001 - a missed beat is retried in a second
                log.exception("heartbeat failed")
            await asyncio.sleep(max(0.05, HEARTBEAT_SECONDS - (time.monotonic() - started)))

    async def _claim_due(self) -> None:
        await self.fill()

    async def _next_due_after(self, after: datetime) -> datetime | None:
        return await self.db(claims_mod.next_due_after, after)

    async def tick(self) -> None:
        """The safety tick: housekeeping, dead workers, lease renewal, claim what is due, refresh the clock."""
        if self._closed:
            return
        self.start()
        now = utcnow()
        s = self.settings
        try:
            await self.db(maintenance.sweep_missed, now, s.publish_grace_hours)
            reclaimed = await self.db(maintenance.reconcile_expired_leases, now)
            dead = await self.db(maintenance.reclaim_dead_workers, now, self.worker_id)
            metrics.record_reclaims(reclaimed, "lease_expired")
            metrics.record_reclaims(dead, "worker_dead")
            owned = [c.target_id for c in self._owned()]
            if owned:
                await self.db(claims_mod.renew_leases, self.worker_id, owned, now, s.publish_lease_seconds)
            await self.fill()
            self._timer.due_at(await self._next_due_after(now))
            if sum(reclaimed.values()) or sum(dead.values()):
                self._timer.due_at(now)
            self.last_error = ""
        except Exception as exc:  # noqa: BLE001 - a bad tick must not kill the scheduler
            self.last_error = f"{type(exc).__name__}: {exc}"[:500]
            log.exception("publishing tick failed")
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._pump_loop())

    async def _pump_loop(self) -> None:
        """Between ticks, refill freed slots at once while there is a backlog (throughput ≠ tick rate)."""
        while not self._closed:
            await self._wake.wait()
            self._wake.clear()
            # Claimed-ahead targets keep the slots busy meanwhile; waiting a little claims more per query.
            await asyncio.sleep(REFILL_EVERY_SECONDS)
            if self._backlog:
                try:
                    await self.fill()
                except Exception:  # noqa: BLE001
                    log.exception("refilling publish slots failed")

    async def fill(self, post_id: int | None = None) -> list[asyncio.Task]:
        """Claim as many due targets as there are free slots and start publishing them."""
        s = self.settings
        async with self._fill_lock:
            free = CLAIM_AHEAD * s.publish_concurrency - len(self._inflight)
            if free <= 0 or self._closed:
                return []
            by_account = Counter(c.social_account_id for c in self._inflight.values())
            by_platform = Counter(c.platform for c in self._inflight.values())
            account_free = {a: CLAIM_AHEAD * s.publish_per_account - n for a, n in by_account.items()}
            platform_free = {p: CLAIM_AHEAD * s.publish_per_platform - n for p, n in by_platform.items()}
            claimed = await self.db(
                claims_mod.claim_due_targets,
                self.worker_id,
                utcnow(),
                free,
                s.publish_lease_seconds,
                per_account=CLAIM_AHEAD * s.publish_per_account,
                per_platform=CLAIM_AHEAD * s.publish_per_platform,
                account_free=account_free,
                platform_free=platform_free,
                post_id=post_id,
                early_seconds=0.0 if post_id is not None else CLAIM_EARLY_SECONDS,
            )
            if post_id is None:
                self._backlog = len(claimed) > 0
            started = []
            for claim in claimed:
                self._inflight[claim.target_id] = claim
                task = asyncio.create_task(self._publish(claim))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                started.append(task)
            return started

    # --- one target ----------------------------------------------------------------------
    async def _publish(self, claim: claims_mod.ClaimedTarget) -> None:
        try:
            wait = (claim.due_at - utcnow()).total_seconds() if claim.due_at is not None else 0.0
            if wait > 0:  # claimed a moment early: go out at the exact time, not before
                await asyncio.sleep(wait)
            # Narrowest limit first: a target waiting for its busy account must not hold a platform or global slot.
            async with self._account_sem(claim.social_account_id), self._platform_sem(claim.platform), self._global:
                started = time.monotonic()
                if claim.due_at is not None:
                    metrics.LATENESS.observe(max(0.0, (utcnow() - claim.due_at).total_seconds()))
                outcome = await attempt_publish(self, claim)
                metrics.LATENCY.labels(platform=claim.platform).observe(time.monotonic() - started)
            if outcome is not None:
                metrics.record_outcome(claim.platform, outcome.status, str(outcome.values.get("error_kind", "")))
            # The platform call is over: its slot goes to the next target while the outcome is written.
            self._recording[claim.target_id] = claim
            self._inflight.pop(claim.target_id, None)
            self._wake.set()
            if outcome is not None:
                await self._record(claim, outcome)
                log.info("target %s → %s", claim.target_id, outcome.status)
        except asyncio.CancelledError:
            # Shutting down mid-request: leave the lease to expire; reconcile decides safely.
            raise
        except Exception:  # noqa: BLE001
            log.exception("publishing target %s failed unexpectedly", claim.target_id)
        finally:
            self._inflight.pop(claim.target_id, None)
            self._recording.pop(claim.target_id, None)
            self._wake.set()

    async def _record(self, claim: claims_mod.ClaimedTarget, outcome: outcomes.Outcome) -> None:
        """Outcomes finishing within a few milliseconds share one transaction (fewer commits under load)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((claim.target_id, claim.post_id, outcome, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_outcomes())
        await future

    async def _flush_outcomes(self) -> None:
        await asyncio.sleep(RECORD_EVERY_SECONDS)
        while self._pending:
            batch, self._pending = self._pending, []
            rows = [(t, p, o) for t, p, o, _f in batch]
            error: Exception | None = None
            for attempt in range(3):  # a lost DB connection or deadlock victim: the outcome must not be lost
                try:
                    await self.db(outcomes.record_outcomes, self.worker_id, rows, utcnow())
                    error = None
                    break
                except Exception as exc:  # noqa: BLE001
                    error = exc
                    await asyncio.sleep(0.2 * (attempt + 1))
            if error is not None:
                # Left `publishing`: the lease expires and reconcile decides (lookup / key / review).
                for *_rest, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for *_rest, future in batch:
                if not future.done():
                    future.set_result(None)
            for _t, _p, outcome in rows:  # our own retries: the clock wakes for them
                if outcome.status == states.SCHEDULED:
                    self._timer.due_at(outcome.values.get("next_attempt_at"))

    # --- publish-now and shutdown --------------------------------------------------------
    def listen_for_wakeups(self) -> None:
        """Let "Publish now" (services.publishing.wakeup) start a claim at once. Call inside the loop."""
        if self._stop_listening is None:
            self._stop_listening = wakeup.listen(self.wake)

    def wake(self, post_id: int | None = None) -> None:
        """Claim now instead of at the next tick: one post's due targets, or anything due (None)."""
        if self._closed:
            return
        task = asyncio.create_task(self._fill_now(post_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fill_now(self, post_id: int | None) -> None:
        try:
            await self.fill(post_id=post_id)
        except Exception:  # noqa: BLE001 - the next tick claims it anyway
            log.exception("publishing after a wake-up failed")

    async def run_pass(self, post_id: int | None = None, wait_seconds: float = 60.0) -> int:
        """Claim and publish everything due now (optionally one post's targets) and wait for it."""
        done = 0

        async def _drain() -> None:
            nonlocal done
            while True:
                tasks = await self.fill(post_id=post_id)
                if not tasks:
                    if not self.inflight_count:
                        return
                    await asyncio.sleep(0.02)
                    if post_id is not None and not any(c.post_id == post_id for c in self._owned()):
                        return
                    continue
                done += len(tasks)
                await asyncio.gather(*tasks, return_exceptions=True)

        await asyncio.wait_for(_drain(), wait_seconds)
        return done

    async def close(self, grace_seconds: float = 10.0) -> None:
        """Let in-flight publishes finish (bounded); anything cut off is reconciled by its lease."""
        self._closed = True
        self._timer.close()
        wakeup.unsubscribe(self._timer.due_at)
        if self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None
        if self._pump is not None:
            self._pump.cancel()
        for task in self._loops:
            task.cancel()
        for task in self._loops:
            with contextlib.suppress(BaseException):
                await task
        pending = [t for t in self._tasks if not t.done()]
        if pending:
            _done, still = await asyncio.wait(pending, timeout=grace_seconds)
            for task in still:
                task.cancel()
            if still:
                await asyncio.gather(*still, return_exceptions=True)
        if self._own_client:
            for client in self._clients:
                await client.aclose()
        self._pool.shutdown(wait=False)
        self._beat_pool.shutdown(wait=False)
