"""Run CPU-heavy service work (analytics figures) in separate processes.

Threads are not enough for this: building pandas frames and Plotly figures holds Python's
interpreter lock, so a few analytics requests in `run_blocking` threads take most of the lock
away from the event loop that also wakes due posts (measured: 50 overview requests in 4 threads
made 100 due posts up to 7× later than without them). A small process pool has its own
interpreters, at a lower CPU priority (nice 10); the loop only waits on a future. Work sent here must be a module-level function
with picklable arguments and result (dataclasses of Plotly figures are).

The pool is keyed by the process's database/settings environment (tests switch databases) and is
rebuilt when that changes or a child dies; if processes can't be used at all the work runs in a
thread, never nowhere.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

from state.runner import run_blocking

P = ParamSpec("P")
R = TypeVar("R")

#: Child processes for heavy work; `0` runs it in a thread instead (tiny machines).
HEAVY_PROCESSES = max(0, int(os.environ.get("SOCIALHUB_HEAVY_PROCESSES", "2") or 0))

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_key: tuple[tuple[str, str], ...] = ()


def _env_key() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k == "DATABASE_URL" or k.startswith("SOCIALHUB_")))


#: Children run this much nicer than the backend: on a busy box the kernel hands the CPU to the
#: process that publishes posts first, and charts wait (a chart a second late is fine; a post isn't).
CHILD_NICENESS = 10


def _warm_child() -> None:
    """Lower the child's CPU priority, then import the analytics stack once (not on the first request)."""
    try:
        os.nice(CHILD_NICENESS)
    except OSError:  # not permitted here: still correct, only less polite
        pass
    import plotly.graph_objects as go

    import services.analytics.overview  # noqa: F401

    go.Figure(go.Scatter(x=[0], y=[0])).to_plotly_json()  # Plotly loads its validators on first use


def _get_pool() -> ProcessPoolExecutor:
    global _pool, _pool_key
    key = _env_key()
    with _lock:
        if _pool is None or key != _pool_key:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=False)
            _pool = ProcessPoolExecutor(
                max_workers=HEAVY_PROCESSES,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_child,
            )
            _pool_key = key
        return _pool


def _drop_pool(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


async def run_heavy(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """`await run_heavy(service_fn, a)` == `service_fn(a)`, computed in a child process."""
    if HEAVY_PROCESSES == 0:
        return await run_blocking(fn, *args, **kwargs)
    pool = await asyncio.to_thread(_get_pool)
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(fn, *args, **kwargs))
    except BrokenProcessPool:
        _drop_pool(pool)
        return await run_blocking(fn, *args, **kwargs)


def _noop() -> None:
    return None


async def warm_heavy_pool() -> None:
    """Start the children now (at backend start), not on the first Analytics visit."""
    if HEAVY_PROCESSES == 0:
        return
    pool = await asyncio.to_thread(_get_pool)
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.run_in_executor(pool, _noop) for _ in range(HEAVY_PROCESSES)))
