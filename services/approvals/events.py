"""Every approval event goes through `announce`; refused attempts through `record_refusal`.

One function per kind of event so that what happens on an event (today: an audit-log row; at merge:
in-app notifications and webhooks) is wired in exactly one place. `announce` writes inside the
caller's transaction: the event exists if and only if the state change it describes committed.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from sqlmodel import Session

from services.db import session_scope
from services.models import AuditLog, Post

log = logging.getLogger(__name__)

ApprovalEvent = Literal["requested", "approved", "changes_requested", "missed"]


def announce(
    session: Session, event: ApprovalEvent, post: Post, actor_id: int | None, note: str = "", *, name: str = ""
) -> None:
    """Record one approval event for `post` (actor None: the system or an external reviewer `name`)."""
    detail: dict[str, Any] = {"post_id": post.id, "version": post.version, "author_id": post.author_id}
    if note:
        detail["note"] = note[:2000]
    if name:
        detail["external_reviewer"] = name[:120]
    session.add(AuditLog(organization_id=post.organization_id, user_id=actor_id, action=f"approval.{event}",
                         detail=detail))  # fmt: skip


def record_refusal(org_id: int | None, user_id: int | None, attempted: str, reason: str, **detail: Any) -> None:
    """A refused attempt (wrong role, another workspace's id, a crafted event) in the audit log.

    Written in its own transaction: the attempt itself changed nothing and rolled back.
    """
    if not org_id:
        return
    try:
        with session_scope() as session:
            session.add(AuditLog(organization_id=org_id, user_id=user_id, action="refused",
                                 detail={"attempted": attempted, "reason": reason[:300], **detail}))  # fmt: skip
    except Exception:  # noqa: BLE001 - failing to log a refusal must not turn it into a 500
        log.exception("could not write the refusal of %s to the audit log", attempted)
