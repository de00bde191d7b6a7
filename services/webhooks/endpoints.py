"""Webhook endpoints of a workspace: add (secret shown once), list, change events, enable/disable, delete.

Every function takes the workspace id and only ever touches that workspace's rows: an id from the
browser that belongs elsewhere is "not found". The URL is checked by the private-address guard
when saved (a clear message now) and again at every connection (DNS can change later).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from services.crypto import decrypt_text, encrypt_text
from services.db import session_scope
from services.display_time import format_datetime
from services.errors import UserError
from services.events import EVENT_TYPES
from services.models import WebhookDelivery, WebhookEndpoint
from services.security.net_guard import check_url
from services.webhooks.signing import new_secret

E = WebhookEndpoint.__table__
D = WebhookDelivery.__table__
MAX_ENDPOINTS = 20


class WebhookError(UserError):
    """A refused endpoint change; the message says why."""


def _field_error(field: str, message: str) -> WebhookError:
    """An input problem tied to one form field ("url" or "events"), so the page shows it there."""
    exc = WebhookError(message)
    exc.field_errors = ({"field": field, "message": message},)
    return exc


@dataclass(frozen=True)
class EndpointView:
    id: int
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabled_reason: str
    secret_hint: str
    pending: int
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clean_events(events: list[str]) -> list[str]:
    chosen = [e for e in EVENT_TYPES if e in set(events or [])]
    unknown = set(events or []) - set(EVENT_TYPES)
    if unknown:
        raise _field_error("events", f"Unknown event type: {', '.join(sorted(unknown))}.")
    if not chosen:
        raise _field_error("events", "Choose at least one event to send to this endpoint.")
    return chosen


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise _field_error("url", "Enter the URL that should receive the events.")
    if len(url) > 1000:
        raise _field_error("url", "That URL is too long (1000 characters at most).")
    refusal = check_url(url)
    if refusal:
        raise _field_error("url", refusal)
    return url


def create_endpoint(
    org_id: int, user_id: int | None, url: str, events: list[str], description: str = ""
) -> tuple[str, EndpointView]:
    """Returns (the signing secret — shown once, stored encrypted —, the endpoint)."""
    url = _clean_url(url)
    chosen = _clean_events(events)
    secret = new_secret()
    with session_scope() as session:
        count = session.execute(select(func.count()).select_from(E).where(E.c.organization_id == org_id)).scalar_one()
        if count >= MAX_ENDPOINTS:
            raise WebhookError(f"A workspace can have {MAX_ENDPOINTS} webhook endpoints; delete one first.")
        row = WebhookEndpoint(
            organization_id=org_id, created_by=user_id, url=url, description=(description or "").strip()[:200],
            events=chosen, secret_blob=encrypt_text(secret),
        )  # fmt: skip
        session.add(row)
        session.flush()
        endpoint_id = int(row.id)  # type: ignore[arg-type]
    return secret, get_endpoint(org_id, endpoint_id)


def _view(row: Any, pending: int) -> EndpointView:
    secret = decrypt_text(row.secret_blob)
    return EndpointView(
        id=int(row.id), url=row.url, description=row.description, events=list(row.events or []),
        enabled=bool(row.enabled), disabled_reason=row.disabled_reason or "",
        secret_hint=f"{secret[:6]}…{secret[-4:]}", pending=pending,
        created_at=format_datetime(row.created_at, "UTC", with_zone=True) if row.created_at else "",
    )  # fmt: skip


def list_endpoints(org_id: int) -> list[EndpointView]:
    with session_scope() as session:
        rows = session.execute(select(E).where(E.c.organization_id == org_id).order_by(E.c.id)).all()
        pending = dict(
            session.execute(
                select(D.c.endpoint_id, func.count())
                .where(D.c.organization_id == org_id, D.c.status == "pending")
                .group_by(D.c.endpoint_id)
            ).all()
        )
    return [_view(r, int(pending.get(r.id, 0))) for r in rows]


def get_endpoint(org_id: int, endpoint_id: int) -> EndpointView:
    for view in list_endpoints(org_id):
        if view.id == endpoint_id:
            return view
    raise WebhookError("That webhook endpoint was not found.")


def endpoint_secret(org_id: int, endpoint_id: int) -> str:
    with session_scope() as session:
        blob = session.execute(
            select(E.c.secret_blob).where(E.c.id == endpoint_id, E.c.organization_id == org_id)
        ).scalar()
    if blob is None:
        raise WebhookError("That webhook endpoint was not found.")
    return decrypt_text(blob)


def _update(org_id: int, endpoint_id: int, **values: Any) -> None:
    with session_scope() as session:
        hit = session.execute(
            update(E).where(E.c.id == endpoint_id, E.c.organization_id == org_id).values(**values)
        ).rowcount
    if not hit:
        raise WebhookError("That webhook endpoint was not found.")


def set_events(org_id: int, endpoint_id: int, events: list[str]) -> None:
    _update(org_id, endpoint_id, events=_clean_events(events))


def set_enabled(org_id: int, endpoint_id: int, enabled: bool) -> None:
    """Enabling again clears the failure notice and streak: the next failure starts a new 24 h."""
    if enabled:
        _update(org_id, endpoint_id, enabled=True, disabled_reason="", disabled_at=None,
                consecutive_failures=0, failing_since=None)  # fmt: skip
    else:
        _update(org_id, endpoint_id, enabled=False, disabled_reason="Disabled by a member of this workspace.",
                disabled_at=datetime.now(UTC))  # fmt: skip


def delete_endpoint(org_id: int, endpoint_id: int) -> None:
    """Its delivery log goes with it (the messages stay for other endpoints that got them)."""
    with session_scope() as session:
        found = session.execute(
            select(E.c.id).where(E.c.id == endpoint_id, E.c.organization_id == org_id)
        ).scalar()
        if found is None:
            raise WebhookError("That webhook endpoint was not found.")
        session.execute(delete(D).where(D.c.endpoint_id == endpoint_id, D.c.organization_id == org_id))
        session.execute(delete(E).where(E.c.id == endpoint_id, E.c.organization_id == org_id))
