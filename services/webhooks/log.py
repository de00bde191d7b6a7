"""The delivery log of an endpoint (newest first) and "Resend".

Resend queues a new delivery of the same message (same `webhook-id`, so a receiver that did get it
can tell) at the end of its post's line; it never changes the original row, which stays in the log
with its own outcome.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from services.db import session_scope
from services.display_time import format_datetime
from services.models import WebhookDelivery, WebhookEndpoint, WebhookMessage
from services.webhooks.endpoints import WebhookError

D = WebhookDelivery.__table__
E = WebhookEndpoint.__table__
M = WebhookMessage.__table__


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    endpoint_id: int
    msg_id: str
    event_type: str
    status: str
    attempts: int
    status_code: str
    error: str
    created_at: str
    last_attempt_at: str
    next_attempt_at: str
    manual: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fmt(value: datetime | None) -> str:
    return format_datetime(value, "UTC", with_zone=True) if value else ""


def list_deliveries(org_id: int, endpoint_id: int, limit: int = 50) -> list[DeliveryRow]:
    with session_scope() as session:
        rows = session.execute(
            select(D, M.c.msg_id, M.c.event_type)
            .join(M, M.c.id == D.c.message_id)
            .where(D.c.organization_id == org_id, D.c.endpoint_id == endpoint_id)
            .order_by(D.c.id.desc())
            .limit(limit)
        ).all()
    return [
        DeliveryRow(
            id=r.id, endpoint_id=r.endpoint_id, msg_id=r.msg_id, event_type=r.event_type, status=r.status,
            attempts=r.attempts, status_code="" if r.last_status_code is None else str(r.last_status_code),
            error=r.last_error, created_at=_fmt(r.created_at), last_attempt_at=_fmt(r.last_attempt_at),
            next_attempt_at=_fmt(r.next_attempt_at) if r.status == "pending" else "", manual=bool(r.manual),
        )  # fmt: skip
        for r in rows
    ]


def resend(org_id: int, delivery_id: int, now: datetime | None = None) -> int:
    """Queue the delivery's message again for its endpoint; returns the new delivery id."""
    now = now or datetime.now(UTC)
    with session_scope() as session:
        row = session.execute(
            select(D.c.endpoint_id, D.c.message_id, D.c.ordering_key, E.c.enabled)
            .join(E, E.c.id == D.c.endpoint_id)
            .where(D.c.id == delivery_id, D.c.organization_id == org_id)
        ).first()
        if row is None:
            raise WebhookError("That delivery was not found.")
        if not row.enabled:
            raise WebhookError("This endpoint is disabled; enable it first, then resend.")
        return int(
            session.execute(
                insert(D)
                .values(
                    organization_id=org_id, endpoint_id=row.endpoint_id, message_id=row.message_id,
                    ordering_key=row.ordering_key, status="pending", attempts=0, next_attempt_at=now,
                    claimed_by="", last_error="", manual=True, created_at=now,
                )  # fmt: skip
                .returning(D.c.id)
            ).scalar_one()
        )
