"""What an attempt ended in, and writing it back only if the target is still ours.

Every write is a compare-and-set on (status='publishing', claimed_by=this worker): a worker whose
lease was taken over after a stall can never overwrite the newer owner's result.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from services.config import Settings
from services.db import session_scope
from services.models import PostTarget
from services.publishing import states

T = PostTarget.__table__


@dataclass
class Outcome:
    status: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.status


def retry_delay(attempts: int, settings: Settings) -> float:
    """Exponential backoff with full jitter on the upper half, so retries from many targets spread out."""
    base = settings.publish_backoff_base_seconds * (2 ** max(attempts - 1, 0))
    capped = min(base, settings.publish_backoff_max_seconds)
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
    when = now + timedelta(seconds=retry_delay(attempts, settings))
    if not_before is not None and not_before > when:
        when = not_before
    return retry_at(when, message, kind)


def record_outcomes(worker_id: str, results: list[tuple[int, int, Outcome]], now: datetime) -> int:
    """Write (target_id, post_id, outcome) rows in one transaction; returns how many were still ours."""
    written = 0
    with session_scope() as session:
        states.lock_posts(session, [post_id for _t, post_id, _o in results])
        for target_id, _post_id, outcome in sorted(results, key=lambda r: r[0]):  # one lock order everywhere
            values = dict(outcome.values)
            values.update(status=outcome.status, claimed_by="", lease_until=None, updated_at=now)
            written += session.execute(
                update(T)
                .where(T.c.id == target_id, T.c.status == states.PUBLISHING, T.c.claimed_by == worker_id)
                .values(**values)
            ).rowcount
        states.refresh_post_statuses(session, [post_id for _t, post_id, _o in results])
    return written
