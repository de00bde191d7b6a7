"""Drafts the composer makes by itself: autosave while typing, and Duplicate of any post.

Why autosave is its own function: it must never change a post that is no longer a draft (a
Schedule click that landed first, a reviewer's decision); `save_post` with action "draft" would
unschedule it. The check and the save happen under the post's lock, in one transaction.
"""

from __future__ import annotations

from sqlmodel import Session

from services.approvals.states import ApprovalState
from services.db import session_scope
from services.models import Post
from services.posts.common import audit, lock_post, post_targets
from services.posts.compose import PostInput, save_post_in
from services.posts.queries import get_post
from services.publishing.states import PostStatus


def autosave_draft(org_id: int, user_id: int | None, data: PostInput, post_id: int | None = None) -> int | None:
    """Save the composer's content as a draft; returns its id, or None when the post is no longer a draft."""
    draft = PostInput(
        body=data.body, account_ids=data.account_ids, overrides=data.overrides, media_ids=data.media_ids,
        action="draft", scheduled_at=None, timezone=data.timezone,
    )  # fmt: skip
    with session_scope() as session:
        if post_id is not None and not _still_a_draft(session, org_id, post_id):
            return None
        return save_post_in(session, org_id, user_id, draft, post_id=post_id)


def _still_a_draft(session: Session, org_id: int, post_id: int) -> bool:
    post: Post = lock_post(session, org_id, post_id)
    return post.status == PostStatus.DRAFT and post.approval_state != ApprovalState.IN_REVIEW and all(
        t.status == "draft" for t, _a in post_targets(session, post_id)
    )


def duplicate_post(org_id: int, user_id: int | None, post_id: int, timezone: str = "UTC") -> int:
    """A new draft with the same content: each account's text as it was published (or written), same media."""
    post = get_post(org_id, post_id)
    overrides = {t["account_id"]: t["body"] for t in post["targets"] if t["body"] != post["body"]}
    data = PostInput(
        body=post["body"], account_ids=[t["account_id"] for t in post["targets"]], overrides=overrides,
        media_ids=list(post["media_ids"]), action="draft", timezone=post["timezone"] or timezone,
    )  # fmt: skip
    with session_scope() as session:
        new_id = save_post_in(session, org_id, user_id, data)
        audit(session, org_id, user_id, "post.duplicate", {"post_id": new_id, "from_post_id": post_id})
    return new_id
