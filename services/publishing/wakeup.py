"""Wake the running publishing engine now instead of at its next tick ("Publish now").

There is one publish path: a post whose targets are due is claimed and published by the engine
the scheduler runs. "Publish now" makes the targets due (services.posts) and then calls `wake`, so
the engine of this process claims that post at once rather than up to a tick later; nobody builds
a second engine for it. In-process only: with several processes, the others simply find the
targets due on their next tick, and the database claims keep it exactly-once either way.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

#: Called with the post id to look at (None: anything due).
WakeCallback = Callable[[int | None], None]

_lock = threading.Lock()
_listeners: list[tuple[asyncio.AbstractEventLoop, WakeCallback]] = []


def listen(callback: WakeCallback) -> Callable[[], None]:
    """Register from inside the engine's running event loop; returns the function that unregisters."""
    entry = (asyncio.get_running_loop(), callback)
    with _lock:
        _listeners.append(entry)

    def stop() -> None:
        with _lock:
            if entry in _listeners:
                _listeners.remove(entry)

    return stop


def wake(post_id: int | None = None) -> bool:
    """Nudge every listening engine (safe from any thread). True when at least one will look now."""
    with _lock:
        listeners = list(_listeners)
    woken = False
    for loop, callback in listeners:
        if loop.is_closed():
            continue
        try:
            loop.call_soon_threadsafe(callback, post_id)
            woken = True
        except RuntimeError:  # the loop closed meanwhile: that engine is gone
            log.debug("publishing engine loop closed; not woken")
    return woken
