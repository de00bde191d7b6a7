"""What the UI shows about privacy (plain dicts for the states; the permission check is the caller's door).

Kept beside the actions so the Settings section and the composer's note read one service each.
"""

from __future__ import annotations

from typing import Any

from services.auth import CurrentUser
from services.permissions import allowed, require
from services.posts import get_post
from services.privacy import purge, settings
from services.privacy.purge import NOT_STORED


def _days(value: int | None) -> str:
    return "" if value is None else str(value)


def settings_view(actor: CurrentUser) -> dict[str, Any]:
    """The Settings section: switches, retention days as text ("" = keep forever), the last run."""
    require(actor, "workspace.read")
    got = settings.get_privacy(actor.organization_id)
    summary = got.last_run_summary or {}
    parts = [
        f"{summary.get('content_wiped', 0)} post contents wiped",
        f"{summary.get('posts_deleted', 0)} failed posts/drafts deleted",
        f"{summary.get('snapshots_deleted', 0)} analytics snapshots rolled up",
        f"{summary.get('audit_deleted', 0)} audit entries deleted",
    ]
    can_privacy = allowed(actor.role, "workspace.privacy")
    return {
        "privacy_mode": got.privacy_mode,
        "can_privacy": can_privacy,
        "can_retention": allowed(actor.role, "workspace.retention"),
        "published_content_days": _days(got.published_content_days),
        "failed_drafts_days": _days(got.failed_drafts_days),
        "snapshot_days": _days(got.snapshot_days),
        "audit_days": _days(got.audit_days),
        "last_run": got.last_run_at.strftime("%Y-%m-%d %H:%M UTC") if got.last_run_at else "",
        "last_summary": ", ".join(parts) if summary else "",
        "existing": settings.existing_content_count(actor.organization_id) if can_privacy and got.privacy_mode else 0,
    }


def post_note(actor: CurrentUser, post_id: int) -> dict[str, Any]:
    """For the composer: is this post's content gone (and where is it live), or kept until final?"""
    require(actor, "posts.read")
    post = get_post(actor.organization_id, post_id)  # org-scoped: another workspace's id is "not found"
    links = [
        {"account": t["account_name"] or t["platform"], "url": t["external_url"]}
        for t in post["targets"]
        if t["external_url"]
    ]
    failed = [t for t in post["targets"] if t["status"] == "failed" and t["error_kind"] != purge.DISCARDED]
    return {
        "purged": post["content_purged"],
        "privacy_mode": settings.privacy_mode_on(actor.organization_id),
        "links": links,
        "can_discard": bool(failed) and allowed(actor.role, "post.retry"),
        "note": NOT_STORED,
    }
