"""The per-workspace privacy switches: privacy mode, retention days, the last retention run.

Turning privacy mode on never wipes anything already published by itself: the person is shown how
many published posts still hold content and chooses "purge existing content now" (or not); new
posts are purged as they become final either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select

from services.audit import audit_in
from services.db import session_scope
from services.errors import UserError
from services.models import Post, PostTarget, WorkspacePrivacy, utcnow
from services.privacy import purge

P = Post.__table__
T = PostTarget.__table__
#: Longest retention a person can type (ten years); anything longer is "keep forever" (blank).
MAX_DAYS = 3650
RETENTION_FIELDS = ("published_content_days", "failed_drafts_days", "snapshot_days", "audit_days")


@dataclass(frozen=True)
class PrivacySettings:
    privacy_mode: bool = False
    privacy_since: datetime | None = None
    published_content_days: int | None = None
    failed_drafts_days: int | None = None
    snapshot_days: int | None = None
    audit_days: int | None = None
    last_run_at: datetime | None = None
    last_run_summary: dict[str, Any] = field(default_factory=dict)


def get_privacy(org_id: int) -> PrivacySettings:
    with session_scope() as session:
        row = session.get(WorkspacePrivacy, org_id)
        if row is None:
            return PrivacySettings()
        return PrivacySettings(
            privacy_mode=row.privacy_mode,
            privacy_since=row.privacy_since,
            **{name: getattr(row, name) for name in RETENTION_FIELDS},
            last_run_at=row.last_run_at,
            last_run_summary=dict(row.last_run_summary or {}),
        )


def privacy_mode_on(org_id: int) -> bool:
    return get_privacy(org_id).privacy_mode


def _row(session: Any, org_id: int) -> WorkspacePrivacy:
    row = session.get(WorkspacePrivacy, org_id, with_for_update=True)
    if row is None:
        row = WorkspacePrivacy(organization_id=org_id, last_run_summary={})
        session.add(row)
    return row


def set_privacy_mode(org_id: int, user_id: int | None, on: bool) -> PrivacySettings:
    """Switch privacy mode; existing content is only purged by `purge_existing_content` (an explicit choice)."""
    with session_scope() as session:
        row = _row(session, org_id)
        if on and not row.privacy_mode:
            row.privacy_since = utcnow()
        row.privacy_mode = bool(on)
        row.updated_by, row.updated_at = user_id, utcnow()
        audit_in(session, org_id, user_id, "workspace.privacy_mode", on=bool(on))
    return get_privacy(org_id)


def parse_days(value: Any, label: str) -> int | None:
    """'' / None → keep forever; otherwise a whole number of days from 1 to MAX_DAYS."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise UserError(f"{label}: enter a number of days from 1 to {MAX_DAYS}, or leave it empty to keep forever.")
    return int(text)


def set_retention(org_id: int, user_id: int | None, days: dict[str, int | None]) -> PrivacySettings:
    unknown = set(days) - set(RETENTION_FIELDS)
    if unknown:
        raise ValueError(f"unknown retention fields {sorted(unknown)}")
    with session_scope() as session:
        row = _row(session, org_id)
        for name, value in days.items():
            if value is not None and not 1 <= int(value) <= MAX_DAYS:
                raise UserError(f"Enter a number of days from 1 to {MAX_DAYS}, or leave it empty to keep forever.")
            setattr(row, name, value)
        row.updated_by, row.updated_at = user_id, utcnow()
        audit_in(session, org_id, user_id, "workspace.retention", **{k: days[k] for k in sorted(days)})
    return get_privacy(org_id)


def existing_content_count(org_id: int) -> int:
    """Posts whose every target is final but whose content is still stored (what "purge now" would wipe)."""
    return len(_existing_final(org_id))


def _existing_final(org_id: int, settled_since: datetime | None = None) -> list[int]:
    """Final posts still holding content; with `settled_since`, only those a target of settled since then."""
    conditions = [
        P.c.organization_id == org_id,
        P.c.content_purged_at.is_(None),
        P.c.status.in_(("published", "failed", "partially_failed")),
    ]
    if settled_since is not None:
        conditions.append(exists().where(T.c.post_id == P.c.id, T.c.updated_at >= settled_since))
    with session_scope() as session:
        candidates = session.execute(select(P.c.id).where(*conditions)).scalars()
        return purge.final_post_ids(session, list(candidates))


def purge_existing_content(org_id: int, user_id: int | None, *, settled_since: datetime | None = None) -> int:
    """The explicit "purge existing content now": wipe every final post of the workspace; returns how many.

    The maintenance job's safety net passes `settled_since` (when privacy mode was switched on) so
    it never wipes what was published before — that takes the person's explicit choice.
    """
    ids = _existing_final(org_id, settled_since)
    total = 0
    for start in range(0, len(ids), purge.BATCH):
        with session_scope() as session:
            done = purge.purge_posts(session, purge.final_post_ids(session, ids[start : start + purge.BATCH]), utcnow())
            if done:
                audit_in(session, org_id, user_id, "workspace.privacy_purge", posts=len(done.post_ids))
        purge.finish_purge(done)
        total += len(done.post_ids)
    return total


def count_purged(org_id: int) -> int:
    with session_scope() as session:
        return int(
            session.execute(
                select(func.count()).select_from(P).where(P.c.organization_id == org_id, P.c.content_purged_at.is_not(None))
            ).scalar_one()
        )
