"""Read side of the built-in Demo network, so its post links open a real page.

Demo post ids are sequential, so a page is shown only to a member of the workspace whose Demo
account posted it (the page route passes the viewer's workspace); anyone else gets "not found".
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.db import session_scope
from services.models.accounts import SocialAccount
from services.models.demo import DemoPost


def demo_post(post_id: int, viewer_org_id: int) -> dict[str, Any] | None:
    with session_scope() as session:
        post = session.get(DemoPost, post_id)
        if post is None:
            return None
        owner = session.exec(
            select(SocialAccount.id).where(
                SocialAccount.organization_id == viewer_org_id,
                SocialAccount.platform == "demo",
                SocialAccount.external_id == post.account_external_id,
            )
        ).first()
        if owner is None:
            return None
        return {
            "id": post.id,
            "text": post.text,
            "media_count": post.media_count,
            "created_at": post.created_at.isoformat(),
            "deleted": post.deleted_at is not None,
        }
