"""What `/health` reports: is at least one scheduler ticking? A stopped scheduler means missed posts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from services.config import get_settings
from services.db import session_scope
from services.models import SchedulerHeartbeat

H = SchedulerHeartbeat.__table__


def health_status(now: datetime | None = None) -> dict[str, Any]:
    """ok is False when no scheduler ticked within settings.heartbeat_stale_seconds (or the DB is down)."""
    now = now or datetime.now(UTC)
    stale = get_settings().heartbeat_stale_seconds
    try:
        with session_scope() as session:
            rows = session.execute(select(H).order_by(H.c.last_tick_at.desc())).all()
    except Exception as exc:  # noqa: BLE001 - health must answer, not raise
        return {"ok": False, "last_tick_at": None, "age_seconds": None, "workers": [], "error": type(exc).__name__}
    workers = [
        {
            "worker_id": r.worker_id,
            "hostname": r.hostname,
            "pid": r.pid,
            "started_at": r.started_at.isoformat(),
            "last_tick_at": r.last_tick_at.isoformat(),
            "age_seconds": round((now - r.last_tick_at).total_seconds(), 1),
            "alive": (now - r.last_tick_at).total_seconds() <= stale,
            "last_error": r.last_error,
        }
        for r in rows
    ]
    if not rows:
        return {"ok": False, "last_tick_at": None, "age_seconds": None, "workers": [], "error": "no scheduler has run"}
    latest = rows[0].last_tick_at
    age = (now - latest).total_seconds()
    return {
        "ok": age <= stale,
        "last_tick_at": latest.isoformat(),
        "age_seconds": round(age, 1),
        "workers": workers,
    }
