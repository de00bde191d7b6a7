"""The privacy actions a person takes, each behind its permission check (like services/guarded.py).

Owner/Admin only: "workspace.privacy" (privacy mode, purge existing content now) and
"workspace.retention" (retention policies). Discarding a failed post is "post.retry"'s opposite
(whoever may retry may give up), and makes the post final — in privacy mode its content then goes.
The workspace always comes from the server-side session, never from the browser.
"""

from __future__ import annotations

from typing import Any

from services.auth import CurrentUser
from services.db import session_scope
from services.models import utcnow
from services.permissions import require
from services.posts.common import audit, lock_post, post_targets
from services.posts.errors import PostConflict
from services.privacy import purge, settings
from services.publishing import states


def privacy_settings(actor: CurrentUser) -> settings.PrivacySettings:
    require(actor, "workspace.read")
    return settings.get_privacy(actor.organization_id)


def set_privacy_mode(actor: CurrentUser, on: bool) -> settings.PrivacySettings:
    require(actor, "workspace.privacy")
    return settings.set_privacy_mode(actor.organization_id, actor.user_id, on)


def existing_content_count(actor: CurrentUser) -> int:
    require(actor, "workspace.privacy")
    return settings.existing_content_count(actor.organization_id)


def purge_existing_content(actor: CurrentUser) -> int:
    require(actor, "workspace.privacy")
    return settings.purge_existing_content(actor.organization_id, actor.user_id)


def set_retention(actor: CurrentUser, values: dict[str, Any]) -> settings.PrivacySettings:
    """`values`: field → text the person typed (blank = keep forever), validated here."""
    require(actor, "workspace.retention")
    labels = {
        "published_content_days": "Published post content",
        "failed_drafts_days": "Failed posts and drafts",
        "snapshot_days": "Per-post analytics snapshots",
        "audit_days": "Audit log entries",
    }
    days = {name: settings.parse_days(values.get(name), labels[name]) for name in settings.RETENTION_FIELDS}
    return settings.set_retention(actor.organization_id, actor.user_id, days)


def discard_failed(actor: CurrentUser, post_id: int) -> int:
    """Give up on the post's failed targets (no more retries); returns how many were discarded."""
    require(actor, "post.retry")
    org_id, now = actor.organization_id, utcnow()
    with session_scope() as session:
        lock_post(session, org_id, post_id)  # org-scoped: another workspace's id is "not found"
        failed = [t for t, _a in post_targets(session, post_id) if t.status == states.FAILED]
        if not failed:
            raise PostConflict("Only failed posts can be discarded.")
        for target in failed:
            target.error_kind, target.next_attempt_at, target.updated_at = purge.DISCARDED, None, now
        session.flush()
        audit(session, org_id, actor.user_id, "post.discard_failed", {"post_id": post_id})
        done = purge.purge_if_final(session, [post_id], now)
    purge.finish_purge(done)
    return len(failed)
