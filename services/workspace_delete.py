"""Deleting a workspace: everything it holds goes, in one transaction, and the instance remembers it.

Owner only, and only after the person types the workspace's exact name (a misclick must not wipe a
client's year of posts). What goes: posts and their targets, connected accounts with their
encrypted tokens, analytics, AI settings and usage, invites, memberships, its audit log, the Demo
network's copies of its posts, and the media files on disk. The workspace's own audit log goes
with it, so the deletion is written to the *instance* audit log: an append-only JSON-lines file in
the data directory (`instance-audit.log`, mode 0600) that the instance admin keeps.

Members' login sessions that pointed at the deleted workspace move to another workspace of theirs;
a member left with none gets a fresh empty workspace of their own (as at sign-up), so nobody is
stranded on a page that no longer has a workspace behind it.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import SQLModel

import services.models  # noqa: F401 - every table registered before walking the metadata
from services.auth import CurrentUser
from services.config import get_settings
from services.db import session_scope
from services.media.sniff import MediaError
from services.media.storage import delete_workspace_files
from services.models import DemoPost, Membership, Organization, SocialAccount, User, UserSession
from services.models.base import utcnow
from services.permissions import require
from services.workspace_switch import WorkspaceError

log = logging.getLogger(__name__)

AUDIT_FILE = "instance-audit.log"


def instance_audit_path() -> Path:
    return get_settings().data_dir / AUDIT_FILE


def write_instance_audit(action: str, user_id: int | None, detail: dict[str, Any]) -> None:
    """One JSON line per instance-level event; the file is created 0600 (it names people)."""
    path = instance_audit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"at": utcnow().isoformat(), "action": action, "user_id": user_id, **detail}, sort_keys=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def read_instance_audit(limit: int = 200) -> list[dict[str, Any]]:
    path = instance_audit_path()
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[-limit:]
    return [json.loads(line) for line in lines if line.strip()]


def _org_tables() -> list[Any]:
    """Every table with an organization_id, children before parents (foreign keys)."""
    return [t for t in reversed(SQLModel.metadata.sorted_tables) if "organization_id" in t.c]


def delete_workspace(actor: CurrentUser, confirm_name: str) -> int:
    """Delete the actor's current workspace; returns the workspace their session moved to."""
    require(actor, "workspace.delete")
    org_id = actor.organization_id
    with session_scope() as s:
        org = s.get(Organization, org_id)
        if org is None:
            raise WorkspaceError("That workspace no longer exists.")
        if (confirm_name or "").strip() != org.name:
            raise WorkspaceError(f'To delete this workspace, type its name exactly: "{org.name}".')
        name = org.name
        member_ids = [
            int(u) for u in s.execute(select(Membership.user_id).where(Membership.organization_id == org_id)).scalars()
        ]
        demo_ids = list(
            s.execute(
                select(SocialAccount.external_id).where(
                    SocialAccount.organization_id == org_id, SocialAccount.platform == "demo"
                )
            ).scalars()
        )
        # Sessions move first (they reference the workspace): another workspace of each member's.
        landing = {uid: _landing_workspace(s, uid, org_id) for uid in member_ids}
        for sess in s.execute(select(UserSession).where(UserSession.organization_id == org_id)).scalars():
            sess.organization_id = landing.get(sess.user_id) or _landing_workspace(s, sess.user_id, org_id)
        s.flush()
        counts = _delete_rows(s, org_id, demo_ids)
        s.execute(delete(Organization).where(Organization.id == org_id))
    try:
        delete_workspace_files(org_id)  # the disk folder, or every object under the prefix in the bucket
    except MediaError as exc:
        log.warning("workspace %s: media files could not be removed from the media storage: %s", org_id, exc)
    write_instance_audit(
        "workspace.deleted",
        actor.user_id,
        {"workspace_id": org_id, "workspace": name, "members": len(member_ids), "rows": counts},
    )
    return landing.get(actor.user_id, 0)


def _delete_rows(s, org_id: int, demo_ids: list[str]) -> dict[str, int]:  # noqa: ANN001 - Session
    counts: dict[str, int] = {}
    for table in _org_tables():
        result = s.execute(delete(table).where(table.c.organization_id == org_id))
        if result.rowcount:
            counts[table.name] = int(result.rowcount)
    if demo_ids:
        result = s.execute(delete(DemoPost).where(DemoPost.account_external_id.in_(demo_ids)))
        counts["demo_posts"] = int(result.rowcount or 0)
    return counts


def _landing_workspace(s, user_id: int, leaving: int) -> int:  # noqa: ANN001 - Session
    """Another workspace of the person's (the oldest membership), or a new one of their own."""
    other = s.execute(
        select(Membership.organization_id)
        .where(Membership.user_id == user_id, Membership.organization_id != leaving)
        .order_by(Membership.id)
        .limit(1)
    ).scalar()
    if other is not None:
        return int(other)
    user = s.get(User, user_id)
    org = Organization(name=f"{user.name if user else 'My'}'s workspace"[:120])
    s.add(org)
    s.flush()
    s.add(Membership(organization_id=org.id, user_id=user_id, role="owner"))
    s.flush()
    return int(org.id)
