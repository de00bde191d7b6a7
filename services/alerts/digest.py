"""Sending queued alert lines as mail: at most one message per person per BATCH_WINDOW.

Alert lines are queued by `emit_event` (in the transaction of the change). This job, every 30 s,
finds people with unsent lines whose last alert mail is older than the window, claims those lines
with a lease (safe with several schedulers), sends one plain-text mail listing them, and marks
them sent. A storm of 300 failures is one mail now and one five minutes later, not 300.
At-least-once: a crash after the SMTP hand-off but before the lines are marked sent repeats them
once the lease runs out.

Blocking throughout (SQL + smtplib): the scheduler runs `alerts_job` which calls it in a thread.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select, update

from services.alerts.prefs import ALERT_LABELS
from services.db import session_scope
from services.mail import MailError, mail_configured, send
from services.models import AlertItem, Organization, User
from services.webhooks.delivery import WORKER_ID

log = logging.getLogger(__name__)

AI = AlertItem.__table__
U = User.__table__
O = Organization.__table__  # noqa: E741 - the table's conventional one-letter alias

BATCH_WINDOW = timedelta(minutes=5)
LEASE = timedelta(minutes=5)
RETRY_AFTER_MAIL_ERROR = timedelta(minutes=1)
MAX_LINES = 50
KEEP_SENT = timedelta(days=7)


@dataclass(frozen=True)
class AlertLine:
    id: int
    workspace: str
    event_type: str
    summary: str
    link: str
    created_at: datetime


def due_people(now: datetime) -> list[int]:
    """People with unsent, unleased lines whose last alert mail went out at least BATCH_WINDOW ago."""
    free = or_(AI.c.lease_until.is_(None), AI.c.lease_until < now)
    with session_scope() as session:
        waiting = list(session.execute(select(AI.c.user_id).where(AI.c.sent_at.is_(None), free).distinct()).scalars())
        if not waiting:
            return []
        last = dict(
            session.execute(
                select(AI.c.user_id, func.max(AI.c.sent_at)).where(AI.c.user_id.in_(waiting)).group_by(AI.c.user_id)
            ).all()
        )
    due = []
    for user_id in waiting:
        sent = last.get(user_id)
        if sent is not None and sent.tzinfo is None:
            sent = sent.replace(tzinfo=UTC)
        if sent is None or now - sent >= BATCH_WINDOW:
            due.append(int(user_id))
    return due


def _claim(user_id: int, now: datetime, worker_id: str) -> tuple[str, list[AlertLine]]:
    free = or_(AI.c.lease_until.is_(None), AI.c.lease_until < now)
    with session_scope() as session:
        won = list(
            session.execute(
                update(AI)
                .where(AI.c.user_id == user_id, AI.c.sent_at.is_(None), free)
                .values(claimed_by=worker_id, lease_until=now + LEASE)
                .returning(AI.c.id)
            ).scalars()
        )
        if not won:
            return "", []
        email = session.execute(select(U.c.email).where(U.c.id == user_id)).scalar() or ""
        rows = session.execute(
            select(AI.c.id, O.c.name, AI.c.event_type, AI.c.summary, AI.c.link, AI.c.created_at)
            .join(O, O.c.id == AI.c.organization_id)
            .where(AI.c.id.in_(won))
            .order_by(AI.c.id)
        ).all()
    return str(email), [AlertLine(*r) for r in rows]


def compose(lines: list[AlertLine]) -> tuple[str, str]:
    """(subject, body) of one alert mail; the body names each workspace and links to each item."""
    if len(lines) == 1:
        subject = f"SocialHub: {ALERT_LABELS.get(lines[0].event_type, lines[0].event_type)}"
    else:
        subject = f"SocialHub: {len(lines)} alerts"
    body = ["Hello,", "", "Here is what happened in SocialHub since the last alert:", ""]
    for line in lines[:MAX_LINES]:
        when = line.created_at.strftime("%Y-%m-%d %H:%M UTC") if line.created_at else ""
        body.append(f"- [{line.workspace}] {when}: {line.summary}")
        if line.link:
            body.append(f"  {line.link}")
    if len(lines) > MAX_LINES:
        body.append(f"… and {len(lines) - MAX_LINES} more.")
    body += ["", "You get these because you switched them on under Automation → Email alerts;",
             "switch them off there at any time. Alerts are batched: at most one mail every 5 minutes."]  # fmt: skip
    return subject, "\n".join(body)


def _finish(ids: list[int], worker_id: str, now: datetime, sent: bool) -> None:
    values = {"sent_at": now, "claimed_by": "", "lease_until": None} if sent else {
        "claimed_by": "", "lease_until": now + RETRY_AFTER_MAIL_ERROR}  # fmt: skip
    with session_scope() as session:
        session.execute(update(AI).where(AI.c.id.in_(ids), AI.c.claimed_by == worker_id).values(**values))


def send_due_alerts(now: datetime | None = None, worker_id: str = WORKER_ID) -> dict[str, int]:
    """One pass; returns {"mails": n, "lines": m, "errors": k}."""
    result = {"mails": 0, "lines": 0, "errors": 0}
    if not mail_configured():
        return result
    now = now or datetime.now(UTC)
    for user_id in due_people(now):
        email, lines = _claim(user_id, now, worker_id)
        if not lines:
            continue
        ids = [line.id for line in lines]
        if not email:
            _finish(ids, worker_id, now, sent=True)  # the person is gone: drop their lines
            continue
        subject, body = compose(lines)
        try:
            send(email, subject, body)
        except MailError:
            result["errors"] += 1
            _finish(ids, worker_id, now, sent=False)
            continue
        _finish(ids, worker_id, now, sent=True)
        result["mails"] += 1
        result["lines"] += len(lines)
    with session_scope() as session:
        session.execute(delete(AI).where(AI.c.sent_at < now - KEEP_SENT))
    return result


async def alerts_job() -> dict[str, int]:
    """Scheduler entry point: SQL and SMTP in a worker thread; never raises."""
    try:
        return await asyncio.to_thread(send_due_alerts)
    except Exception:
        log.exception("alert mail pass failed")
        return {}
