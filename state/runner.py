"""Run blocking service work off the event loop.

The backend's event loop also runs the publishing engine (its clock wakes posts to the
millisecond), live updates and every other user's events: a database query or a remote call made
directly in a handler stalls all of them. Every state handler that touches the database or a
remote service goes through `run_blocking`, which runs the call in a worker thread
(asyncio.to_thread) and returns its result (exceptions propagate unchanged).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

#: At most this many handler calls run at once per process; more wait their turn (on the loop,
#: costing nothing). Python threads share one interpreter lock: fifty CPU-heavy queries in fifty
#: threads would starve the loop thread itself, and a queue of a few keeps it responsive.
MAX_THREADS = max(1, int(os.environ.get("SOCIALHUB_UI_THREADS", "4") or 4))
#: How often a busy thread hands the interpreter lock to the loop thread (CPython default 5 ms).
SWITCH_INTERVAL_SECONDS = 0.001

_slots: asyncio.Semaphore | None = None
_slots_loop: asyncio.AbstractEventLoop | None = None


def _semaphore() -> asyncio.Semaphore:
    global _slots, _slots_loop
    loop = asyncio.get_running_loop()
    if _slots is None or _slots_loop is not loop:
        _slots, _slots_loop = asyncio.Semaphore(MAX_THREADS), loop
        if sys.getswitchinterval() > SWITCH_INTERVAL_SECONDS:
            sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    return _slots


async def run_blocking(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """`await run_blocking(service_fn, a, b=c)` == `service_fn(a, b=c)`, but in a thread."""
    async with _semaphore():
        return await asyncio.to_thread(fn, *args, **kwargs)
