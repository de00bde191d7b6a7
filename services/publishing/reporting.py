"""What the people of a workspace learn from the engine's outcomes: audit entries and notifications.

Called inside the transaction that wrote the outcomes (the engine's batch, the downtime and
dead-worker housekeeping), never on the claim path. Which targets changed is read back with one
indexed query — the outcome writes are compare-and-set, so only rows stamped with this batch's
`updated_at` (and a settled status) count; a target someone else had already settled is not
reported twice. Then one multi-row audit insert and one INSERT … SELECT per notification kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlmodel import Session

from services.audit import audit_many
from services.models import PostTarget, SocialAccount
from services.notifications.events import STATUS_KINDS, notify_publish_problems
from services.publishing import states

T = PostTarget.__table__
A = SocialAccount.__table__

AUDIT_ACTIONS = {
    states.PUBLISHED: "post.published",
    states.FAILED: "post.publish_failed",
    states.NEEDS_REVIEW: "post.publish_needs_review",
}

_SETTLED = (
    select(T.c.id, T.c.post_id, T.c.organization_id, T.c.status, T.c.error_kind, T.c.last_error, A.c.platform)
    .join(A, A.c.id == T.c.social_account_id)
    .where(
        T.c.id.in_(bindparam("ids", expanding=True)),
        T.c.updated_at == bindparam("now"),
        T.c.status.in_(tuple(AUDIT_ACTIONS)),
    )
    .order_by(T.c.id)
)


def report_outcomes(session: Session, target_ids: Iterable[int], now: datetime) -> None:
    """Audit every settled target of this batch; notify the author and Owners/Admins of failures/reviews."""
    ids = sorted(set(target_ids))
    if not ids:
        return
    rows = session.execute(_SETTLED, {"ids": ids, "now": now}).all()
    if not rows:
        return
    audit_many(
        session,
        [
            (r.organization_id, None, AUDIT_ACTIONS[r.status],
             {"post_id": r.post_id, "target_id": r.id, "platform": r.platform,
              **({"error": r.last_error, "error_kind": r.error_kind} if r.status != states.PUBLISHED else {})})
            for r in rows
        ],
    )  # fmt: skip
    by_kind: dict = {}
    for r in rows:
        if r.status in STATUS_KINDS:
            by_kind.setdefault(STATUS_KINDS[r.status], set()).add(r.post_id)
    notify_publish_problems(session, by_kind, now)
