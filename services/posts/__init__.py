"""Post lifecycle services the composer, calendar and dashboard call (org-scoped, plain dicts out)."""

from services.posts.compose import PostInput, save_post
from services.posts.errors import PostError
from services.posts.lifecycle import (
    cancel_schedule,
    delete_post,
    mark_target_published,
    publish_now,
    publish_now_and_wait,
    reschedule_post,
    retry_target,
)
from services.posts.queries import get_post, recent_failures, upcoming_posts

__all__ = [
    "PostError",
    "PostInput",
    "cancel_schedule",
    "delete_post",
    "get_post",
    "mark_target_published",
    "publish_now",
    "publish_now_and_wait",
    "recent_failures",
    "reschedule_post",
    "retry_target",
    "save_post",
    "upcoming_posts",
]
