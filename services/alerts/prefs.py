"""Per-person email alert switches (opt-in, per event type, per workspace).

Only the person themselves changes their switches (`alerts.self`): an alert mail goes to the
address the person signed up with, so nobody subscribes someone else.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from services.db import session_scope
from services.errors import UserError
from services.events import ALERT_EVENTS
from services.models import AlertPreference

AP = AlertPreference.__table__

ALERT_LABELS = {
    "post.failed": "A post failed",
    "post.needs_review": "A post needs review",
    "account.needs_reconnect": "An account needs to be reconnected",
    "post.approval_requested": "A post waits for approval",
}


def get_alerts(org_id: int, user_id: int) -> dict[str, bool]:
    """Every alert type → whether this person gets email for it (in ALERT_EVENTS order)."""
    with session_scope() as session:
        on = set(
            session.execute(
                select(AP.c.event_type).where(AP.c.organization_id == org_id, AP.c.user_id == user_id)
            ).scalars()
        )
    return {event: event in on for event in ALERT_EVENTS}


def set_alert(org_id: int, user_id: int, event_type: str, enabled: bool) -> dict[str, bool]:
    if event_type not in ALERT_EVENTS:
        raise UserError("There is no email alert for that event.")
    with session_scope() as session:
        mine = (AP.c.organization_id == org_id, AP.c.user_id == user_id, AP.c.event_type == event_type)
        present = session.execute(select(AP.c.id).where(*mine)).scalar() is not None
        if enabled and not present:
            try:
                with session.begin_nested():
                    session.add(AlertPreference(organization_id=org_id, user_id=user_id, event_type=event_type))
            except IntegrityError:
                pass  # switched on twice at once (two tabs): one row is what we want
        elif not enabled and present:
            session.execute(delete(AP).where(*mine))
    return get_alerts(org_id, user_id)
