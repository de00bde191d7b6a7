"""Outcome events (`post.published`, `post.failed`, `post.needs_review`) from the publishing engine.

Called inside the transaction that wrote the outcomes, so the webhook/alert outbox rows commit
with them or not at all: an outcome is never recorded without its event, nor the other way round.
Only rows this transaction actually changed count: every writer here stamps `updated_at = now`
in its compare-and-set, so a target some other worker settled is not re-announced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from services.config import get_settings
from services.events import anyone_listening, emit_event
from services.models import Post, PostTarget, SocialAccount
from services.publishing import states

T = PostTarget.__table__
P = Post.__table__
A = SocialAccount.__table__

EVENT_FOR_STATUS = {
    states.PUBLISHED: "post.published",
    states.FAILED: "post.failed",
    states.NEEDS_REVIEW: "post.needs_review",
}


def emit_target_outcomes(session: Session, target_ids: list[int], now: datetime) -> int:
    """Queue one event per target of `target_ids` that this transaction just settled at `now`."""
    if not target_ids or not anyone_listening(session):
        return 0
    rows = session.execute(
        select(
            T.c.id, T.c.organization_id, T.c.post_id, T.c.status, T.c.social_account_id, T.c.external_id,
            T.c.external_url, T.c.published_at, T.c.last_error, T.c.error_kind, T.c.attempts,
            func.coalesce(T.c.body_override, P.c.body).label("text"), A.c.platform, A.c.username,
            A.c.display_name,
        )  # fmt: skip
        .join(P, P.c.id == T.c.post_id)
        .join(A, A.c.id == T.c.social_account_id)
        .where(T.c.id.in_(sorted(target_ids)), T.c.status.in_(list(EVENT_FOR_STATUS)), T.c.updated_at == now)
        .order_by(T.c.id)
    ).all()
    base = get_settings().base_url.rstrip("/")
    queued = 0
    for r in rows:
        event_type = EVENT_FOR_STATUS[states.TargetStatus(r.status)]
        account = r.display_name or (f"@{r.username}" if r.username else r.platform)
        data: dict[str, Any] = {
            "post_id": r.post_id, "target_id": r.id, "status": r.status, "text": r.text,
            "account": {"id": r.social_account_id, "platform": r.platform, "username": r.username,
                        "display_name": r.display_name},
            "attempts": r.attempts,
        }  # fmt: skip
        if r.status == states.PUBLISHED:
            data.update(external_id=r.external_id, url=r.external_url,
                        published_at=r.published_at.isoformat() if r.published_at else None)  # fmt: skip
            summary = f"Published on {r.platform} ({account})"
        else:
            data.update(error=r.last_error, error_kind=r.error_kind)
            verb = "failed" if r.status == states.FAILED else "needs review"
            summary = f"Post {verb} on {r.platform} ({account}): {r.last_error}"[:1000]
        queued += emit_event(
            r.organization_id, event_type, data, session=session, ordering_key=f"post:{r.post_id}",
            summary=summary, link=f"{base}/compose?post={r.post_id}", now=now,
        )  # fmt: skip
    return queued
