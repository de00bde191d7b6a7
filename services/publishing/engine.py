"""The publishing engine: claim due targets, publish them concurrently, write back each outcome.

One engine per process. It shares a few httpx.AsyncClients (see `client_for`) and bounds concurrency
three ways (global, per platform, per account) — claims take at most CLAIM_AHEAD times the free slots,
and the semaphores enforce the limits. Database work runs in a small thread pool so the event loop
never waits on a commit while HTTP calls are in flight.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from services.config import Settings, get_settings
from services.publishing import claims as claims_mod
from services.publishing import maintenance, outcomes, wakeup
from services.publishing.attempt import attempt_publish
from services.publishing.heartbeat import beat, new_worker_id

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


def utcnow() -> datetime:
    return datetime.now(UTC)


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
        self._fill_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._backlog = False
        self._pump: asyncio.Task | None = None
        self._pending: list[tuple[int, int, outcomes.Outcome, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task | None = None
        self._closed = False
        self._stop_listening: Callable[[], None] | None = None
        self.last_error = ""

    # --- plumbing ------------------------------------------------------------------------
    def _new_client(self) -> httpx.AsyncClient:
        limit = self.settings.publish_concurrency  # never the reason a publish waits, whatever the spread
        return httpx.AsyncClient(
            timeout=httpx.Timeout(30.0, connect=10.0),
            limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
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

    # --- the tick ------------------------------------------------------------------------
    async def tick(self) -> None:
        """One scheduler tick: heartbeat, housekeeping, lease renewal, then claim what is due."""
        if self._closed:
            return
        now = utcnow()
        s = self.settings
        try:
            await self.db(beat, self.worker_id, now, self.started_at, self.last_error)
            await self.db(maintenance.fail_missed_targets, now, s.publish_grace_hours)
            await self.db(maintenance.reconcile_expired_leases, now)
            owned = [c.target_id for c in self._owned()]
            if owned:
                await self.db(claims_mod.renew_leases, self.worker_id, owned, now, s.publish_lease_seconds)
            await self.fill()
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
            # Narrowest limit first: a target waiting for its busy account must not hold a platform or global slot.
            async with self._account_sem(claim.social_account_id), self._platform_sem(claim.platform), self._global:
                outcome = await attempt_publish(self, claim)
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
        if self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None
        if self._pump is not None:
            self._pump.cancel()
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
