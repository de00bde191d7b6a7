"""`emit_event`: the one way anything tells the outside world that something happened.

An event fans out, in the caller's transaction, into the two outboxes that deliver it later:
- one `webhook_deliveries` row per enabled endpoint of the workspace subscribed to the type (with
  the message body fixed now, so every retry sends and signs the same bytes);
- one `alert_outbox` row per member who opted in to email for the type (only the four alert
  types, and only when SMTP is configured), batched into one mail per person later.

Durability: give `session=` and the outbox rows commit (or roll back) with the state change
itself — the publishing engine does this when it writes outcomes, and so does flagging an account
needs_reconnect. Without a session the event is written in its own transaction right after the
caller's commit; a crash between the two loses that one event (used only where no single
transaction owns the change: "analytics collected"). Nothing is sent from here, so emitting is a
few INSERTs and never waits on a receiver.

Approvals and comments live on another branch: it calls `emit_event(org_id, "post.approved", …,
session=session)` from the same transaction that records the approval.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from services.db import session_scope
from services.mail import mail_configured
from services.models import AlertItem, AlertPreference, Membership, WebhookDelivery, WebhookEndpoint, WebhookMessage

#: Every event type an endpoint can subscribe to (the order the UI lists them in).
EVENT_TYPES: tuple[str, ...] = (
    "post.published",
    "post.failed",
    "post.needs_review",
    "account.needs_reconnect",
    "post.approval_requested",
    "post.approved",
    "comment.created",
    "analytics.collected",
)
#: The ones a person can get email about.
ALERT_EVENTS: tuple[str, ...] = ("post.failed", "post.needs_review", "account.needs_reconnect", "post.approval_requested")
EVENT_LABELS = {
    "post.published": "A post was published on an account",
    "post.failed": "A post failed on an account",
    "post.needs_review": "A post needs review (it may or may not be on the platform)",
    "account.needs_reconnect": "An account needs to be reconnected",
    "post.approval_requested": "A post was submitted for approval",
    "post.approved": "A post was approved",
    "comment.created": "Someone commented on a post",
    "analytics.collected": "Fresh metrics were collected",
}

E = WebhookEndpoint.__table__
M = WebhookMessage.__table__
D = WebhookDelivery.__table__
AP = AlertPreference.__table__
AI = AlertItem.__table__
MS = Membership.__table__
_CACHE_KEY = "socialhub_event_subscribers"


def emit_event(
    org_id: int,
    event_type: str,
    data: dict[str, Any],
    *,
    session: Session | None = None,
    ordering_key: str = "",
    summary: str = "",
    link: str = "",
    now: datetime | None = None,
) -> int:
    """Queue `event_type` for the workspace's webhooks and opted-in people; returns the rows queued.

    `data` becomes the payload's `data` object (JSON types only). `ordering_key` (e.g. "post:42")
    makes deliveries of that key go out one at a time, oldest first. `summary`/`link` are the line
    an alert mail shows for it. Raises ValueError for an unknown type (a bug, not user input).
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {event_type!r}; add it to services/events.py")
    now = now or datetime.now(UTC)
    if session is None:
        with session_scope() as own:
            return _fan_out(own, org_id, event_type, data, ordering_key, summary, link, now)
    return _fan_out(session, org_id, event_type, data, ordering_key, summary, link, now)


def anyone_listening(session: Session) -> bool:
    """Whether any workspace has an enabled endpoint or (with SMTP) an alert opt-in at all.

    The publishing engine asks this before gathering event data for a batch of outcomes: on an
    instance without automation, announcing outcomes costs one indexed lookup, not a join per batch.
    """
    if session.execute(select(E.c.id).where(E.c.enabled).limit(1)).first() is not None:
        return True
    return mail_configured() and session.execute(select(AP.c.id).limit(1)).first() is not None


def _subscribers(session: Session, org_id: int) -> tuple[list[tuple[int, list[str]]], dict[str, list[int]]]:
    """(endpoint id, events) and event → opted-in user ids, read once per transaction and workspace.

    A batch of outcomes emits many events in one transaction; caching here keeps that to two
    SELECTs per workspace, however many events there are.
    """
    cache: dict[int, Any] = session.info.setdefault(_CACHE_KEY, {})
    if org_id not in cache:
        endpoints = [
            (int(r.id), list(r.events or []))
            for r in session.execute(select(E.c.id, E.c.events).where(E.c.organization_id == org_id, E.c.enabled))
        ]
        people: dict[str, list[int]] = {}
        if mail_configured():
            rows = session.execute(
                select(AP.c.event_type, AP.c.user_id)
                .join(MS, (MS.c.user_id == AP.c.user_id) & (MS.c.organization_id == AP.c.organization_id))
                .where(AP.c.organization_id == org_id)
            )
            for event_type, user_id in rows:
                people.setdefault(str(event_type), []).append(int(user_id))
        cache[org_id] = (endpoints, people)
    return cache[org_id]


def _fan_out(
    session: Session,
    org_id: int,
    event_type: str,
    data: dict[str, Any],
    ordering_key: str,
    summary: str,
    link: str,
    now: datetime,
) -> int:
    endpoints, people = _subscribers(session, org_id)
    targets = [endpoint_id for endpoint_id, events in endpoints if event_type in events]
    queued = 0
    if targets:
        msg_id = "msg_" + uuid.uuid4().hex
        payload = json.dumps(
            {"type": event_type, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": data},
            separators=(",", ":"),
            default=str,
        )
        message_id = session.execute(
            insert(M)
            .values(organization_id=org_id, msg_id=msg_id, event_type=event_type, payload=payload, created_at=now)
            .returning(M.c.id)
        ).scalar_one()
        session.execute(
            insert(D),
            [
                {
                    "organization_id": org_id, "endpoint_id": endpoint_id, "message_id": message_id,
                    "ordering_key": ordering_key[:80], "status": "pending", "attempts": 0, "next_attempt_at": now,
                    "claimed_by": "", "last_error": "", "manual": False, "created_at": now,
                }  # fmt: skip
                for endpoint_id in targets
            ],
        )
        queued += len(targets)
    recipients = people.get(event_type, []) if event_type in ALERT_EVENTS else []
    if recipients:
        session.execute(
            insert(AI),
            [
                {
                    "organization_id": org_id, "user_id": user_id, "event_type": event_type,
                    "summary": (summary or EVENT_LABELS[event_type])[:1000], "link": link[:500],
                    "claimed_by": "", "created_at": now,
                }  # fmt: skip
                for user_id in dict.fromkeys(recipients)
            ],
        )
        queued += len(recipients)
    return queued
