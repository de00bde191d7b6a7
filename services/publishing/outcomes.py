"""What an attempt ended in, and writing it back only if the target is still ours.

Every write is a compare-and-set on (status='publishing', claimed_by=this worker): a worker whose
lease was taken over after a stall can never overwrite the newer owner's result.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update

from services.config import Settings
from services.db import get_engine, is_sqlite, session_scope
from services.models import PostTarget
from services.privacy.purge import finish_purge, purge_if_final
from services.publishing import events as publishing_events
from services.publishing import states
from services.publishing.reporting import report_outcomes

T = PostTarget.__table__


@dataclass
class Outcome:
    status: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.status


#: After an unknown outcome the idempotent re-send / the lookup happens this soon (well within 5 s).
UNKNOWN_RETRY_WINDOW = (1.0, 4.0)


def retry_delay(attempts: int, settings: Settings, kind: str = "transient") -> float:
    """How long to wait before attempt `attempts + 1`.

    The first retry comes quickly (SOCIALHUB_PUBLISH_FIRST_RETRY_SECONDS, 2–5 s with jitter): the
    errors retried here are ones where the platform certainly did not post (or, for an unknown
    outcome, where the re-send is idempotent / preceded by a lookup), and most of them — a dropped
    connection, one 502 — are gone a second later. Then exponential from the backoff base with
    jitter on the upper half, so retries from many targets spread out, capped at the maximum.
    """
    cap = settings.publish_backoff_max_seconds
    if attempts <= 1:
        low, high = UNKNOWN_RETRY_WINDOW if kind == "unknown_outcome" else settings.publish_first_retry_seconds
        return min(random.uniform(low, high), cap)
    base = settings.publish_backoff_base_seconds * (2 ** max(attempts - 2, 0))
    capped = min(base, cap)
    return capped / 2 + random.uniform(0, capped / 2)


def published(now: datetime, external_id: str, url: str, published_at: datetime | None) -> Outcome:
    return Outcome(
        states.PUBLISHED,
        {
            "external_id": external_id[:255],
            "external_url": url[:1000],
            "published_at": published_at or now,
            "last_error": "",
            "error_kind": "",
            "next_attempt_at": None,
        },
    )


def failed(message: str, kind: str) -> Outcome:
    return Outcome(states.FAILED, {"last_error": message, "error_kind": kind, "next_attempt_at": None})


def needs_review(message: str = states.NEEDS_REVIEW_MESSAGE, kind: str = "unknown_outcome") -> Outcome:
    return Outcome(states.NEEDS_REVIEW, {"last_error": message, "error_kind": kind, "next_attempt_at": None})


def retry_at(when: datetime, message: str, kind: str) -> Outcome:
    return Outcome(states.SCHEDULED, {"next_attempt_at": when, "last_error": message, "error_kind": kind})


def retry_later(
    now: datetime, attempts: int, settings: Settings, message: str, kind: str, not_before: datetime | None = None
) -> Outcome:
    """A platform's own Retry-After / rate-limit reset wins over our schedule (it knows when it will accept)."""
    if not_before is not None and not_before > now:
        return retry_at(not_before, message, kind)
    return retry_at(now + timedelta(seconds=retry_delay(attempts, settings, kind)), message, kind)


def record_outcomes(worker_id: str, results: list[tuple[int, int, Outcome]], now: datetime) -> int:
    """Write (target_id, post_id, outcome) rows in one transaction; returns how many were still ours.

    Set-based, because under load this runs for every batch of finished posts: the posts are locked
    once (id order), then each kind of outcome is one compare-and-set UPDATE executed for all its
    rows at once (one pipelined round trip on PostgreSQL), in target-id order — the one lock order
    everyone uses — then the post statuses are refreshed in a few statements.
    """
    if not results:
        return 0
    post_ids = [post_id for _t, post_id, _o in results]
    written = 0
    with session_scope() as session:
        states.lock_posts(session, post_ids)
        ordered = sorted(results, key=lambda r: r[0])
        if not is_sqlite(str(get_engine().url)):  # take the target rows in id order before any UPDATE
            session.execute(_LOCK_TARGETS, {"ids": [r[0] for r in ordered]})
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for target_id, _post_id, outcome in ordered:
            columns = ("status", *sorted(outcome.values))
            groups.setdefault(columns, []).append({"_target_id": target_id, "status": outcome.status, **outcome.values})
        # Each group is one statement over rows in id order; groups go in order of their first id.
        for columns, rows in sorted(groups.items(), key=lambda g: g[1][0]["_target_id"]):
            written += session.execute(
                _cas_update(columns), [{**row, "_worker": worker_id, "_now": now} for row in rows]
            ).rowcount
        states.refresh_post_statuses(session, post_ids, locked=True)
        # Same transaction: the outbox rows commit with the outcomes or not at all.
        settled = [t for t, _p, o in ordered if o.status in publishing_events.EVENT_FOR_STATUS]
        if written and settled:
            publishing_events.emit_target_outcomes(session, settled, now)
        # Audit + notifications for what settled, in this transaction (not on the claim path).
        report_outcomes(session, [t for t, _p, o in ordered if o.status in _REPORTED], now)
        # Privacy mode: a post whose last target just became final loses its content in this transaction.
        purged = purge_if_final(session, [p for _t, p, o in ordered if o.status == states.PUBLISHED], now)
    finish_purge(purged)
    return written


#: Outcomes people hear about; a retry (back to scheduled) is the engine's business.
_REPORTED = frozenset({states.PUBLISHED, states.FAILED, states.NEEDS_REVIEW})


_LOCK_TARGETS = select(T.c.id).where(T.c.id.in_(bindparam("ids", expanding=True))).order_by(T.c.id).with_for_update()


def _cas_update(columns: tuple[str, ...]):  # noqa: ANN202 - an SQLAlchemy Update
    """`UPDATE … WHERE id = :id AND status = 'publishing' AND claimed_by = :worker`, cached per column set."""
    values: dict[str, Any] = {c: bindparam(c) for c in columns}
    values.update(claimed_by="", lease_until=None, updated_at=bindparam("_now"))
    return (
        update(T)
        .where(
            T.c.id == bindparam("_target_id"), T.c.status == states.PUBLISHING, T.c.claimed_by == bindparam("_worker")
        )
        .values(**values)
    )
