"""The privacy maintenance job (embedded scheduler, hourly; retention at most once a day per workspace).

1. Safety net: posts of privacy-mode workspaces that are final but still hold content (a crash
   between the outcome and the purge, a target discarded while the purge hook failed) are purged.
2. Retention: each workspace with a policy whose last run is a day old is claimed with a
   compare-and-set on `last_run_at` (several schedulers never run it twice), then its policies run
   in batches and the summary is stored for the Settings page.
3. If anything was removed: PostgreSQL tables are VACUUMed, the SQLite WAL is checkpointed.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from services.db import session_scope
from services.models import WorkspacePrivacy, utcnow
from services.privacy import retention, settings, wipe

log = logging.getLogger(__name__)

W = WorkspacePrivacy.__table__
JOB_SECONDS = 3600.0
RETENTION_EVERY = timedelta(hours=23)


def _claim(org_id: int, now: datetime, *, force: bool) -> bool:
    with session_scope() as session:
        condition = [W.c.organization_id == org_id]
        if not force:
            condition.append(or_(W.c.last_run_at.is_(None), W.c.last_run_at < now - RETENTION_EVERY))
        return bool(session.execute(update(W).where(*condition).values(last_run_at=now)).rowcount)


def run_retention_for(org_id: int, now: datetime | None = None, *, force: bool = False) -> dict[str, int] | None:
    """Run one workspace's policies if due (or `force`); returns the summary, None when not due."""
    now = now or utcnow()
    if not _claim(org_id, now, force=force):
        return None
    summary = retention.apply_retention(org_id, settings.get_privacy(org_id), now)
    with session_scope() as session:
        session.execute(update(W).where(W.c.organization_id == org_id).values(last_run_summary=summary.as_dict()))
    return summary.as_dict()


def run_privacy_maintenance(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    with session_scope() as session:
        rows = session.execute(select(W)).all()
    purged = removed = 0
    for row in rows:
        if row.privacy_mode and row.privacy_since is not None:
            purged += settings.purge_existing_content(row.organization_id, None, settled_since=row.privacy_since)
        policies = (row.published_content_days, row.failed_drafts_days, row.snapshot_days, row.audit_days)
        if any(policies):
            summary = run_retention_for(row.organization_id, now)
            removed += sum((summary or {}).values())
    if purged or removed:
        wipe.vacuum()
    return {"purged": purged, "removed": removed}


async def privacy_job() -> dict[str, int]:
    """Runs in a thread (database work); a failed run must not stop the scheduler (the next one retries)."""
    try:
        return await asyncio.to_thread(run_privacy_maintenance)
    except Exception:  # noqa: BLE001
        log.exception("privacy maintenance failed")
        return {}
