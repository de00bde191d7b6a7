"""Which series a post belongs to, so the composer can ask "this occurrence or the whole series?"."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.db import session_scope
from services.models import Post
from services.recurrence.rules import describe_rule


def series_of_post(org_id: int, post_id: int) -> dict[str, Any] | None:
    """None when the post is not part of a series (or not in this workspace).

    `active` is False once the series was ended: its posts stay, but no whole-series edit applies.
    """
    with session_scope() as session:
        post = session.exec(select(Post).where(Post.id == post_id, Post.organization_id == org_id)).first()
        if post is None or post.series_id is None:
            return None
        head = session.exec(select(Post).where(Post.id == post.series_id, Post.organization_id == org_id)).first()
        data = (head.recurrence or {}) if head is not None else {}
        rule = data.get("rule")
        return {
            "series_id": post.series_id,
            "is_first": post.id == post.series_id,
            "detached": bool(post.series_detached),
            "occurrence": post.series_occurrence or "",
            "active": rule is not None,
            "description": describe_rule(rule) if rule else "",
        }
