"""The engine's alarm clock: sleep exactly until the earliest due target, then claim it.

Replaces "poll every second" as the trigger for publishing (the 1 s tick stays as the safety net
and for heartbeats/housekeeping). The clock knows the next due time from three sources:
- a query for the earliest scheduled target after each claim pass and each tick;
- `services.publishing.wakeup` — a post scheduled/changed in this process, or a PostgreSQL NOTIFY
  from another process;
- the engine's own retries, when it records them.
It wakes `early_seconds` before the time and claims what falls due by then; the engine holds
those claims until their exact second. Waking a few milliseconds early is harmless (it sleeps again for the rest); a target that another
worker claims first is simply not there any more.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

log = logging.getLogger(__name__)

#: Longest sleep without a known due time; the tick refreshes the plan every second anyway.
IDLE_SLEEP_SECONDS = 5.0


def utcnow() -> datetime:
    return datetime.now(UTC)


class DueTimer:
    def __init__(
        self,
        claim_due: Callable[[], Awaitable[object]],
        next_due_after: Callable[[datetime], Awaitable[datetime | None]],
        *,
        early_seconds: float = 0.0,
    ) -> None:
        self._early = timedelta(seconds=early_seconds)
        self._claim_due = claim_due
        self._next_due_after = next_due_after
        self._next_due: datetime | None = None
        self._changed = asyncio.Event()
        self._closed = False

    @property
    def next_due(self) -> datetime | None:
        return self._next_due

    def due_at(self, when: datetime | None) -> None:
        """Something becomes due at `when`: wake up then if that is earlier than planned (loop thread only)."""
        if when is None:
            return
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if self._next_due is None or when < self._next_due:
            self._next_due = when
            self._changed.set()

    def close(self) -> None:
        self._closed = True
        self._changed.set()

    async def run(self) -> None:
        # Learn the next future due time at once, not at the first tick (its housekeeping may be slow).
        # Overdue targets are left to the tick: it fails the ones past the grace window first.
        try:
            self.due_at(await self._next_due_after(utcnow()))
        except Exception:  # noqa: BLE001
            log.exception("reading the next due time failed")
        while not self._closed:
            self._changed.clear()
            due = self._next_due
            now = utcnow()
            horizon = now + self._early
            if due is not None and due <= horizon:
                self._next_due = None
                try:
                    await self._claim_due()
                    self.due_at(await self._next_due_after(horizon))
                except Exception:  # noqa: BLE001 - the safety tick retries; never let the clock die
                    log.exception("claiming due targets failed")
                    await asyncio.sleep(0.5)
                continue
            timeout = (due - horizon).total_seconds() if due is not None else IDLE_SLEEP_SECONDS
            try:
                await asyncio.wait_for(self._changed.wait(), timeout)
            except TimeoutError:
                pass
