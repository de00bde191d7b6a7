"""Whether an open composer should watch a post live (poll its results) or leave the engine alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.errors import UserError
from services.posts.queries import get_post
from services.publishing.states import TargetStatus


def publishing_or_due_within(org_id: int, post_id: int, seconds: int) -> bool:
    """Publishing now, or scheduled to go out within `seconds`: worth watching live."""
    try:
        post = get_post(org_id, post_id)
    except UserError:
        return False
    if any(t["status"] == TargetStatus.PUBLISHING for t in post["targets"]):
        return True
    when = post.get("scheduled_at")
    if not when:
        return False
    due = datetime.fromisoformat(when)
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    return due - datetime.now(UTC) <= timedelta(seconds=seconds)
