"""Every approval event goes through `announce`; refused attempts through `record_refusal`.

One function per kind of event so that what happens on an event is wired in exactly one place: an
audit-log row, in-app notifications (requested → the members who may approve, except the author;
approved / changes requested → the author; missed → the author and the approvers) and, for the
two kinds webhooks and alert mails know (`post.approval_requested`, `post.approved`), the
outboxes of `services.events.emit_event`. `announce` writes all of it inside the caller's
transaction: the event exists if and only if the state change it describes committed.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from sqlmodel import Session

from services.config import get_settings
from services.db import session_scope
from services.events import emit_event
from services.models import AuditLog, Post, User
from services.notifications import Kind, approvers, notify

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
    who = name or _name(session, actor_id) or "Someone"
    snippet = _snippet(post.body)
    org_id, author = post.organization_id, post.author_id
    if event == "requested":
        reviewers = [u for u in approvers(org_id, session) if u != author]
        notify(org_id, reviewers, Kind.APPROVAL_REQUESTED, post_id=post.id, actor_id=actor_id, session=session,
               text=f"{who} submitted “{snippet}” for approval")  # fmt: skip
    elif event == "approved" and author:
        notify(org_id, [author], Kind.APPROVED, post_id=post.id, actor_id=actor_id, session=session,
               text=f"{who} approved “{snippet}”")  # fmt: skip
    elif event == "changes_requested" and author:
        notify(org_id, [author], Kind.CHANGES_REQUESTED, post_id=post.id, actor_id=actor_id, session=session,
               text=f"{who} requested changes to “{snippet}”: {note}"[:500])  # fmt: skip
    elif event == "missed":
        people = {u for u in approvers(org_id, session)} | ({author} if author else set())
        notify(org_id, people, Kind.APPROVAL_MISSED, post_id=post.id, session=session,
               text=f"“{snippet}” was still waiting for approval at its time and was not published; reschedule it")
    webhook_type = {"requested": "post.approval_requested", "approved": "post.approved"}.get(event)
    if webhook_type:
        data = {"post_id": post.id, "version": post.version, "author_id": author, "actor_id": actor_id,
                "external_reviewer": name or None, "text": post.body}  # fmt: skip
        emit_event(org_id, webhook_type, data, session=session, ordering_key=f"post:{post.id}",
                   summary=f"{who}: “{snippet}” " + ("submitted for approval" if event == "requested" else "approved"),
                   link=f"{get_settings().base_url.rstrip('/')}/compose?post={post.id}")  # fmt: skip


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.name if user else ""


def _snippet(body: str, size: int = 60) -> str:
    text = " ".join((body or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


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
