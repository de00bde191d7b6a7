"""Read side of the built-in Demo network, so its post links open a real page."""

from __future__ import annotations

from typing import Any

from services.db import session_scope
from services.models.demo import DemoPost


def demo_post(post_id: int) -> dict[str, Any] | None:
    with session_scope() as session:
        post = session.get(DemoPost, post_id)
        if post is None:
            return None
        return {
            "id": post.id,
            "text": post.text,
            "media_count": post.media_count,
            "created_at": post.created_at.isoformat(),
            "deleted": post.deleted_at is not None,
        }
