"""Waking the engine the moment something becomes due earlier than it planned to look.

Two kinds of wake-up live here: "Publish now" (`listen` / `wake(post_id)`: the engine of this
process claims that post's targets at once, nobody builds a second engine for it), and due times
(`subscribe` / `announce_due`, below) that the engine's clock sleeps until.

The engine sleeps exactly until the earliest due target it knows of. Two things can make that plan
stale, and both are announced here:
- a post scheduled or changed *in this process* (the composer, publish-now, a retry, a recurring
  series): a SQLAlchemy `after_flush` hook notices scheduled PostTargets on any ORM session and,
  after the commit, wakes every engine running in this process;
- the same in *another process* on PostgreSQL: the hook also runs `pg_notify('socialhub_due', …)`
  inside the writing transaction, so the notification is delivered exactly when the row is visible,
  and each engine LISTENs on a dedicated psycopg 3 async connection (see `listen_forever`).
SQLite has no NOTIFY: other processes see changes at their next safety tick (1 s).

Core-level writes (bulk inserts) call `announce_due(session, when)` themselves.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from services.models import PostTarget

log = logging.getLogger(__name__)

CHANNEL = "socialhub_due"
_INFO_KEY = "socialhub_due_at"

#: (loop, callback) of every engine in this process; callbacks take the earliest new due time.
_listeners: list[tuple[asyncio.AbstractEventLoop, Callable[[datetime], None]]] = []
_lock = threading.Lock()


#: "Publish now" listeners: called with the post id to look at (None: anything due).
WakeCallback = Callable[[int | None], None]
_post_listeners: list[tuple[asyncio.AbstractEventLoop, WakeCallback]] = []


def listen(callback: WakeCallback) -> Callable[[], None]:
    """Register from inside the engine's running event loop; returns the function that unregisters."""
    entry = (asyncio.get_running_loop(), callback)
    with _lock:
        _post_listeners.append(entry)

    def stop() -> None:
        with _lock:
            if entry in _post_listeners:
                _post_listeners.remove(entry)

    return stop


def wake(post_id: int | None = None) -> bool:
    """Nudge every listening engine (safe from any thread). True when at least one will look now.

    In-process only: other processes see the targets through NOTIFY (PostgreSQL) or their next tick.
    """
    with _lock:
        listeners = list(_post_listeners)
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


def subscribe(loop: asyncio.AbstractEventLoop, callback: Callable[[datetime], None]) -> None:
    with _lock:
        _listeners.append((loop, callback))


def unsubscribe(callback: Callable[[datetime], None]) -> None:
    with _lock:
        _listeners[:] = [(lp, cb) for lp, cb in _listeners if cb != callback]  # bound methods: equal, not identical


def wake_local(when: datetime) -> None:
    """Tell every engine of this process (thread-safe: the writers run in worker threads)."""
    with _lock:
        targets = list(_listeners)
    for loop, callback in targets:
        if loop.is_closed():
            continue
        try:
            loop.call_soon_threadsafe(callback, when)
        except RuntimeError:  # loop closed between the check and the call
            pass


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def announce_due(session: Session, when: datetime | None) -> None:
    """Within the caller's transaction: a target becomes due at `when` (NOTIFY + local wake on commit)."""
    if when is None:
        return
    when = _aware(when)
    current = session.info.get(_INFO_KEY)
    session.info[_INFO_KEY] = when if current is None or when < current else current
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text("SELECT pg_notify(:channel, :at)"), {"channel": CHANNEL, "at": when.isoformat()})


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:  # noqa: ANN001
    earliest: datetime | None = None
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, PostTarget) and obj.status == "scheduled" and obj.next_attempt_at is not None:
            when = _aware(obj.next_attempt_at)
            earliest = when if earliest is None or when < earliest else earliest
    if earliest is not None:
        announce_due(session, earliest)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    when = session.info.pop(_INFO_KEY, None)
    if when is not None:
        wake_local(when)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_INFO_KEY, None)


def parse_payload(payload: str) -> datetime | None:
    try:
        return _aware(datetime.fromisoformat(payload))
    except ValueError:
        return None


def psycopg_conninfo(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string (psycopg's own async connection for LISTEN)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def listen_forever(url: str, on_due: Callable[[datetime], None], on_ready: Callable[[], None] | None = None) -> None:
    """LISTEN on PostgreSQL and call `on_due` for every notification; reconnects after errors.

    A missed notification (while reconnecting) is covered by the engine's safety tick.
    """
    import psycopg

    conninfo = psycopg_conninfo(url)
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                if on_ready is not None:
                    on_ready()
                async for notify in conn.notifies():
                    when = parse_payload(notify.payload)
                    if when is not None:
                        on_due(when)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the database restarting must not stop the engine
            log.warning("LISTEN %s connection lost (%s); reconnecting", CHANNEL, exc)
            await asyncio.sleep(1.0)
